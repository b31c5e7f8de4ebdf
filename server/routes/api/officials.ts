import type { FastifyPluginAsync } from 'fastify';
import { officialsById } from '../../../db/repositories/competitions.ts';
import { and, asc, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashToken, shortCodeOf } from '../../../db/repositories/competitions.ts';
import { auditLog, officials } from '../../../db/schema.ts';
import { CloseCode } from '../../protocol/constants.ts';
import { SafeText } from '../../protocol/judge.ts';

const Params = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
  code: z.string().regex(/^[A-Z0-9]{2,8}$/),
});
const SlugParams = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/) });
const Body = z.object({ reason: SafeText.max(200).optional() }).default({});

/**
 * The organiser's management of officials' logins (Bearer token of the organiser):
 * - `GET /api/competitions/:slug/officials` — code, name, role, sheets, revoked (never tokens);
 * - `POST …/officials/:code/revoke` — the token stops working at once, open sockets included;
 * - `POST …/officials/:code/rotate` — a new random 128-bit token, shown once, the old one dead.
 */
const routes: FastifyPluginAsync = async (app) => {
  const organiser = app.requireOfficial(['organiser']);

  app.get('/api/competitions/:slug/officials', { preHandler: organiser }, async (req, reply) => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live || live.id !== req.official!.competitionId)
      return reply.code(404).send({ error: 'competition/not_found', message: '没有这场比赛' });
    const rows = app.db
      .select()
      .from(officials)
      .where(eq(officials.competitionId, live.id))
      .orderBy(asc(officials.code))
      .all();
    return {
      officials: rows.map((o) => ({
        code: o.code,
        name: o.name,
        role: o.role,
        sheets: JSON.parse(o.sheetsJson) as string[],
        /** Stations whose panel measurements he records (docs/scheme.md). */
        records: JSON.parse(o.recordsJson) as string[],
        revoked: o.revoked,
      })),
    };
  });

  for (const action of ['revoke', 'rotate'] as const)
    app.post(
      `/api/competitions/:slug/officials/:code/${action}`,
      { preHandler: organiser, config: { rateLimit: { max: 60, timeWindow: '1 minute' } } },
      async (req, reply) => {
        const p = Params.safeParse(req.params);
        const body = Body.safeParse(req.body ?? {});
        const live = p.success ? app.live.get(p.data.slug) : undefined;
        if (!p.success || !body.success || !live || live.id !== req.official!.competitionId)
          return reply.code(404).send({ error: 'official/not_found', message: '没有这位工作人员' });
        const target = app.db
          .select()
          .from(officials)
          .where(and(eq(officials.competitionId, live.id), eq(officials.code, p.data.code)))
          .get();
        if (!target)
          return reply
            .code(404)
            .send({ error: 'official/not_found', message: `没有编号为 ${p.data.code} 的工作人员` });
        if (target.id === req.official!.officialId && action === 'revoke')
          return reply.code(409).send({ error: 'official/self', message: '不能停用自己的登录码' });
        const token = action === 'rotate' ? randomBytes(16).toString('hex') : null;
        app.db.transaction((tx) => {
          tx.update(officials)
            .set(
              token
                ? {
                    tokenHash: hashToken(token),
                    shortCodeHash: hashToken(shortCodeOf(token)),
                    revoked: false,
                  }
                : { revoked: true },
            )
            .where(eq(officials.id, target.id))
            .run();
          tx.insert(auditLog)
            .values({
              competitionId: live.id,
              officialId: req.official!.officialId,
              action: `official.${action}`,
              detailJson: JSON.stringify({ code: target.code }),
              reason: body.data.reason ?? null,
              revision: live.revision,
              createdAt: new Date().toISOString(),
            })
            .run();
        });
        // A revoked recorder records no more; a rotated one is back.
        live.setOfficials(officialsById(app.db, live.id).values());
        // The old token is dead now, on open sockets too.
        for (const [ws, officialId] of app.live.judges.get(live.id) ?? [])
          if (officialId === target.id) ws.close(CloseCode.authFailed, 'token revoked');
        for (const [ws, client] of app.live.boards.get(live.id) ?? [])
          if (client.officialId === target.id) ws.close(CloseCode.authFailed, 'token revoked');
        return token
          ? {
              code: target.code,
              token,
              shortCode: shortCodeOf(token),
              loginPath: `/judge-tablet/#token=${token}`,
            }
          : { code: target.code, revoked: true };
      },
    );
};
export default routes;
