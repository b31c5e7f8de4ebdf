import type { FastifyPluginAsync } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashToken } from '../../../db/repositories/competitions.ts';
import { officials, sessions } from '../../../db/schema.ts';
import { identifyShortCode } from '../../plugins/auth.ts';
import { verifyOrganiserPassword } from '../../services/password.ts';
import { Slug } from '../../protocol/fixture.ts';

/** How long a console session lasts. */
export const SESSION_HOURS = 12;

const Login = z.object({
  slug: Slug,
  password: z.string().min(1).max(200),
});
/** A short code as typed (7KQ2M-XD4PA; case, spaces and look-alikes are forgiven). */
const CodeLogin = z.object({ code: z.string().min(10).max(40) });

const RATE_LIMITED = { error: 'auth/rate_limited', message: '登录失败次数过多，请一分钟后再试' };

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
const routes: FastifyPluginAsync = async (app) => {
  /**
   * Stores a new 12-hour session of `officialId` (as SHA-256) and drops expired ones. A session
   * opened with a short code is bound to the official's current token hash.
   */
  const openSession = (officialId: number, credentialHash: string | null = null) => {
    const token = randomBytes(16).toString('hex');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString();
    app.db
      .delete(sessions)
      .where(sql`${sessions.expiresAt} < ${now.toISOString()}`)
      .run();
    app.db
      .insert(sessions)
      .values({
        tokenHash: hashToken(token),
        officialId: officialId,
        credentialHash,
        expiresAt,
        createdAt: now.toISOString(),
      })
      .run();
    return { token, expiresAt };
  };

  app.post(
    '/api/session',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const byPassword = Login.safeParse(req.body);
      const byCode = byPassword.success ? null : CodeLogin.safeParse(req.body);
      if (!byPassword.success && !byCode?.success)
        return reply
          .code(400)
          .send({ error: 'request/invalid', message: '请填写比赛和密码，或登录码' });
      const guard = app.loginGuard;
      if (!guard.allowed(req.ip, Date.now())) return reply.code(429).send(RATE_LIMITED);

      if (byCode?.success) {
        const who = identifyShortCode(app, byCode.data.code);
        const live = who ? app.live.byId(who.competitionId) : undefined;
        if (!who || !live) {
          guard.fail(req.ip, Date.now());
          return reply
            .code(401)
            .send({ error: 'auth/unknown_code', message: '登录码无效或已停用，请核对后重试' });
        }
        const row = app.db.select().from(officials).where(eq(officials.id, who.officialId)).get()!;
        return {
          ...openSession(who.officialId, row.tokenHash),
          role: who.role,
          code: who.code,
          name: who.name,
          competition: live.slug,
        };
      }

      const body = byPassword.data!;
      const live = app.live.get(body.slug);
      if (!live || !verifyOrganiserPassword(app.db, body.password)) {
        guard.fail(req.ip, Date.now());
        return reply.code(401).send({ error: 'auth/bad_password', message: '密码不正确' });
      }
      const organiser = app.db
        .select()
        .from(officials)
        .where(and(eq(officials.competitionId, live.id), eq(officials.role, 'organiser')))
        .get();
      if (!organiser)
        return reply
          .code(409)
          .send({ error: 'auth/no_organiser', message: '本场比赛没有组委会账号' });
      return {
        ...openSession(organiser.id),
        role: 'organiser',
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
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const body = z.object({ slug: Login.shape.slug }).safeParse(req.body);
      if (!body.success)
        return reply.code(400).send({ error: 'request/invalid', message: '请指明要切换到的比赛' });
      const target = app.live.get(body.data.slug);
      const from = app.live.byId(req.official!.competitionId);
      if (!target || !from || target.festivalId !== from.festivalId)
        return reply
          .code(404)
          .send({ error: 'competition/not_found', message: '本技能节没有这场比赛' });
      const organiser = app.db
        .select()
        .from(officials)
        .where(
          and(
            eq(officials.competitionId, target.id),
            eq(officials.role, 'organiser'),
            eq(officials.revoked, false),
          ),
        )
        .get();
      if (!organiser)
        return reply
          .code(409)
          .send({ error: 'auth/no_organiser', message: '那场比赛没有组委会账号' });
      return { ...openSession(organiser.id), role: 'organiser' };
    },
  );

  /** Who a token or session belongs to: the console's first call after sign-in. */
  app.get(
    '/api/me',
    { onRequest: app.requireOfficial(['organiser', 'head-judge', 'judge']) },
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

  app.delete('/api/session', async (req) => {
    const m = /^Bearer ([0-9a-f]{32,128})$/.exec(req.headers.authorization ?? '');
    if (m)
      app.db
        .delete(sessions)
        .where(eq(sessions.tokenHash, hashToken(m[1]!)))
        .run();
    return { ok: true };
  });
};
export default routes;
