import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { and, eq, gt } from 'drizzle-orm';
import { findOfficialByToken, hashToken } from '../../db/repositories/competitions.ts';
import { officials, sessions } from '../../db/schema.ts';
import type { JudgeIdentity } from '../services/mark-writer.ts';

declare module 'fastify' {
  interface FastifyRequest {
    official: JudgeIdentity | null;
  }
  interface FastifyInstance {
    /** preHandler: the request must carry `Authorization: Bearer TOKEN` of an official with one of `roles`. */
    requireOfficial(
      roles: JudgeIdentity['role'][],
    ): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/** Looks a login token up (hashed) and returns who it belongs to, or null. */
export function identify(
  app: { db: Parameters<typeof findOfficialByToken>[0] },
  token: string,
): JudgeIdentity | null {
  const o = findOfficialByToken(app.db, token) ?? officialBySession(app.db, token);
  if (!o || o.revoked) return null;
  return {
    officialId: o.id,
    competitionId: o.competitionId,
    code: o.code,
    name: o.name,
    role: o.role,
    sheets: new Set(JSON.parse(o.sheetsJson) as string[]),
  };
}

/** Bearer-token authentication of officials for HTTP routes that write. */
export default fp(
  async (app) => {
    app.decorateRequest('official', null);
    app.decorate(
      'requireOfficial',
      (roles: JudgeIdentity['role'][]) => async (req: FastifyRequest, reply: FastifyReply) => {
        const m = /^Bearer ([0-9a-f]{32,128})$/.exec(req.headers.authorization ?? '');
        const who = m ? identify(app, m[1]!) : null;
        if (!who)
          return void (await reply
            .code(401)
            .send({ error: 'auth/required', message: '请先登录（登录码无效或已停用）' }));
        if (!roles.includes(who.role))
          return void (await reply
            .code(403)
            .send({ error: 'auth/forbidden', message: '您没有权限执行此操作' }));
        req.official = who;
      },
    );
  },
  { name: 'auth', dependencies: ['db'] },
);

/** The official behind an unexpired password session, if the token is one. */
function officialBySession(db: Parameters<typeof findOfficialByToken>[0], token: string) {
  const row = db
    .select({ official: officials })
    .from(sessions)
    .innerJoin(officials, eq(sessions.officialId, officials.id))
    .where(
      and(
        eq(sessions.tokenHash, hashToken(token)),
        gt(sessions.expiresAt, new Date().toISOString()),
      ),
    )
    .get();
  return row?.official;
}
