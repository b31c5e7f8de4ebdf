import type { FastifyPluginAsync } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashToken } from '../../../db/repositories/competitions.ts';
import { officials, sessions } from '../../../db/schema.ts';
import { verifyOrganiserPassword } from '../../services/password.ts';

/** How long a console session lasts. */
export const SESSION_HOURS = 12;

const Login = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
  password: z.string().min(1).max(200),
});

/**
 * `POST /api/session {slug, password}` — the organiser logs in with the password (set by
 * ORGANISER_PASSWORD or printed once at first start) and gets a session token for that
 * competition, used as `Authorization: Bearer` like an official's token, valid 12 hours.
 * `DELETE /api/session` logs out. Login attempts are rate-limited.
 */
const routes: FastifyPluginAsync = async (app) => {
  /** Stores a new 12-hour session of `officialId` (as SHA-256) and drops expired ones. */
  const openSession = (officialId: number) => {
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
        expiresAt,
        createdAt: now.toISOString(),
      })
      .run();
    return { token, expiresAt };
  };

  app.post(
    '/api/session',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const body = Login.safeParse(req.body);
      if (!body.success)
        return reply.code(400).send({ error: 'request/invalid', message: '请填写比赛和密码' });
      const live = app.live.get(body.data.slug);
      if (!live || !verifyOrganiserPassword(app.db, body.data.password))
        return reply.code(401).send({ error: 'auth/bad_password', message: '密码不正确' });
      const organiser = app.db
        .select()
        .from(officials)
        .where(and(eq(officials.competitionId, live.id), eq(officials.role, 'organiser')))
        .get();
      if (!organiser)
        return reply
          .code(409)
          .send({ error: 'auth/no_organiser', message: '本场比赛没有组委会账号' });
      return { ...openSession(organiser.id), role: 'organiser' };
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
      preHandler: app.requireOfficial(['organiser']),
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
    { preHandler: app.requireOfficial(['organiser', 'head-judge', 'judge']) },
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
