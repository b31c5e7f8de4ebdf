import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../../db/repositories/competitions.ts';
import { findOrganiser, getOfficial } from '../../../db/repositories/officials.ts';
import { deleteSession, openSessionRow } from '../../../db/repositories/sessions.ts';
import { DomainError } from '../../plugins/errors.ts';
import { CodeLogin, Me, Ok, PasswordLogin, Session, SessionSwitch } from '../../protocol/api.ts';
import { identifyShortCode } from '../../plugins/auth.ts';
import { verifyOrganiserPassword } from '../../services/password.ts';

/** How long a console session lasts. */
export const SESSION_HOURS = 12;

/**
 * The one login endpoint, `POST /api/session`:
 * - `{slug, password}` — the organiser's password (ORGANISER_PASSWORD, or the one printed at
 *   first start) gives a session as that competition's organiser;
 * - `{code}` — an official's short code (7KQ2M-XD4PA, from the card) gives a session as that
 *   official; it ends when the official's token is rotated or revoked.
 * Either answers `{token, expiresAt, role, code, name, competition}`; the session token is used
 * as `Authorization: Bearer` like an official's token, valid 12 hours. Short codes are accepted
 * nowhere else over HTTP. Failures count in the server's one failed-login budget per address
 * (shared with the judge socket's hello): past it, 429. `DELETE /api/session` logs out.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  /**
   * Stores a new 12-hour session of `officialId` (as SHA-256) and drops expired ones. A session
   * opened with a short code is bound to the official's current token hash.
   */
  const openSession = async (officialId: number, credentialHash: string | null = null) => {
    const token = randomBytes(16).toString('hex');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString();
    await openSessionRow(
      app.store,
      {
        tokenHash: hashToken(token),
        officialId,
        credentialHash,
        expiresAt,
        createdAt: now.toISOString(),
      },
      now.toISOString(),
    );
    return { token, expiresAt };
  };

  app.post(
    '/api/session',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      // Either form of the body is parsed below: which one decides the answer.
      schema: { response: { 200: Session } },
    },
    async (req) => {
      const byPassword = PasswordLogin.safeParse(req.body);
      const byCode = byPassword.success ? null : CodeLogin.safeParse(req.body);
      // A code typed in a form no code has (too short, a stray sign) is a wrong code, and
      // counts as a failed login like one.
      const typedCode =
        !byPassword.success && typeof (req.body as { code?: unknown } | null)?.code === 'string';
      if (!byPassword.success && !typedCode)
        throw new DomainError('request/invalid', { missing: 'login' });
      // Checked against the one failed-login budget (flood-guard.ts `LoginGuard.check`).
      if (typedCode) {
        const check = await app.loginGuard.check(req.ip, async () => {
          const who = byCode?.success ? await identifyShortCode(app, byCode.data.code) : null;
          const live = who ? app.live.byId(who.competitionId) : undefined;
          return who && live ? { who, live } : null;
        });
        if (check.status === 'wait') throw new DomainError('auth/rate_limited', {});
        if (check.status === 'refused') throw new DomainError('auth/unknown_code', {});
        const { who, live } = check.who;
        const row = (await getOfficial(app.store, who.officialId))!;
        return {
          ...(await openSession(who.officialId, row.tokenHash)),
          role: who.role,
          code: who.code,
          name: who.name,
          competition: live.slug,
        };
      }

      const body = byPassword.data!;
      const check = await app.loginGuard.check(req.ip, async () => {
        const live = app.live.get(body.slug);
        return live && (await verifyOrganiserPassword(app.store, body.password)) ? live : null;
      });
      if (check.status === 'wait') throw new DomainError('auth/rate_limited', {});
      if (check.status === 'refused') throw new DomainError('auth/bad_password', {});
      const live = check.who;
      const organiser = await findOrganiser(app.store, live.id);
      if (!organiser) throw new DomainError('auth/no_organiser', {});
      return {
        ...(await openSession(organiser.id)),
        role: 'organiser' as const,
        code: organiser.code,
        name: organiser.name,
        competition: live.slug,
      };
    },
  );

  /**
   * `POST /api/session/switch {slug}` — an organiser signed in to one competition of a festival
   * moves to another of the same festival without the password: a new session for that
   * competition's organiser. Anything else is refused.
   */
  app.post(
    '/api/session/switch',
    {
      onRequest: app.requireOfficial(['organiser']),
      config: {
        rateLimit: { max: 60, timeWindow: '1 minute' },
        invalid: { error: 'request/invalid', params: { missing: 'switch_target' } },
      },
      schema: { body: SessionSwitch, response: { 200: Session } },
    },
    async (req) => {
      const target = app.live.get(req.body.slug);
      const from = app.live.byId(req.official!.competitionId);
      if (!target || !from || target.festivalId !== from.festivalId)
        throw new DomainError('competition/not_found', { inFestival: true });
      const organiser = await findOrganiser(app.store, target.id, { active: true });
      if (!organiser) throw new DomainError('auth/no_organiser', { other: true });
      return { ...(await openSession(organiser.id)), role: 'organiser' as const };
    },
  );

  /** Who a token or session belongs to: the console's first call after sign-in. */
  app.get(
    '/api/me',
    {
      onRequest: app.requireOfficial(['organiser', 'head-judge', 'judge']),
      schema: { response: { 200: Me } },
    },
    async (req) => {
      const who = req.official!;
      const live = app.live.byId(who.competitionId);
      return {
        code: who.code,
        name: who.name,
        role: who.role,
        sheets: [...who.sheets],
        competition: live?.slug ?? null,
      };
    },
  );

  app.delete('/api/session', { schema: { response: { 200: Ok } } }, async (req) => {
    const m = /^Bearer ([0-9a-f]{32,128})$/.exec(req.headers.authorization ?? '');
    if (m) await deleteSession(app.store, hashToken(m[1]!));
    return { ok: true as const };
  });
};
export default routes;
