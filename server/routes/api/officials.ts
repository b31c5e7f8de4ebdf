import type { FastifyPluginAsync } from 'fastify';
import { officialsById } from '../../../db/repositories/officials.ts';
import { and, asc, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { credentialsOf, shortCodeOf } from '../../../db/repositories/competitions.ts';
import { auditLog, officials } from '../../../db/schema.ts';
import { CloseCode } from '../../protocol/constants.ts';
import { SafeText } from '../../protocol/judge.ts';
import { competitionNotFound } from '../../plugins/errors.ts';
import { Slug } from '../../protocol/fixture.ts';

const Params = z.object({
  slug: Slug,
  code: z.string().regex(/^[A-Z0-9]{2,8}$/),
});
const SlugParams = z.object({ slug: Slug });
const Body = z.object({ reason: SafeText.max(200).optional() }).default({});

/**
 * The organiser's management of officials' logins (Bearer token of the organiser):
 * - `GET /api/competitions/:slug/officials` — code, name, role, sheets, revoked, and whether
 *   the card can be printed again (never tokens);
 * - `GET …/officials/cards` — every official's token, short code and login path, for printing
 *   the cards: the same codes every time, nothing rotated, no tablet logged out. An official
 *   whose token cannot be recovered (made before tokens were sealed, or sealed under another
 *   server secret) has none: his card is printed only by rotating. Audited, never cached;
 * - `POST …/officials/:code/revoke` — the token stops working at once, open sockets included;
 * - `POST …/officials/:code/rotate` — one official (a lost card): a new random 128-bit token,
 *   the old one, its short code and its sessions dead at once; answers how many of his open
 *   tablets (judge sockets) it logged out. Audited.
 */
const routes: FastifyPluginAsync = async (app) => {
  const organiser = app.requireOfficial(['organiser']);
  /** The competition of the request when it is the organiser's own. */
  const own = (params: unknown, competitionId: number) => {
    const p = SlugParams.safeParse(params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    return live && live.id === competitionId ? live : undefined;
  };
  const rowsOf = (competitionId: number) =>
    app.db
      .select()
      .from(officials)
      .where(eq(officials.competitionId, competitionId))
      .orderBy(asc(officials.code))
      .all();

  app.get('/api/competitions/:slug/officials', { onRequest: organiser }, async (req) => {
    const live = own(req.params, req.official!.competitionId);
    if (!live) throw competitionNotFound();
    return {
      officials: rowsOf(live.id).map((o) => ({
        code: o.code,
        name: o.name,
        role: o.role,
        sheets: JSON.parse(o.sheetsJson) as string[],
        /** Stations whose panel measurements he records (docs/scheme.md). */
        records: JSON.parse(o.recordsJson) as string[],
        revoked: o.revoked,
        printable: !o.revoked && app.custody.unseal(o.tokenSealed, o.tokenHash) !== null,
      })),
    };
  });

  app.get(
    '/api/competitions/:slug/officials/cards',
    { onRequest: organiser, config: { rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const live = own(req.params, req.official!.competitionId);
      if (!live) throw competitionNotFound();
      const cards = rowsOf(live.id).map((o) => {
        const token = o.revoked ? null : app.custody.unseal(o.tokenSealed, o.tokenHash);
        return {
          code: o.code,
          name: o.name,
          role: o.role,
          sheets: JSON.parse(o.sheetsJson) as string[],
          revoked: o.revoked,
          /** `unrecoverable`: the token cannot be shown again; print his card by rotating. */
          status: o.revoked ? 'revoked' : token ? 'printable' : 'unrecoverable',
          token,
          shortCode: token && shortCodeOf(token),
          loginPath: token && `/judge-tablet/#token=${token}`,
          consolePath: token && o.role !== 'judge' ? `/console/#token=${token}` : null,
        };
      });
      app.db
        .insert(auditLog)
        .values({
          competitionId: live.id,
          officialId: req.official!.officialId,
          action: 'official.cards',
          detailJson: JSON.stringify({
            codes: cards.filter((c) => c.token).map((c) => c.code),
          }),
          reason: null,
          revision: live.revision,
          createdAt: new Date().toISOString(),
        })
        .run();
      void reply.header('cache-control', 'no-store');
      return { cards };
    },
  );

  for (const action of ['revoke', 'rotate'] as const)
    app.post(
      `/api/competitions/:slug/officials/:code/${action}`,
      { onRequest: organiser, config: { rateLimit: { max: 60, timeWindow: '1 minute' } } },
      async (req, reply) => {
        const p = Params.safeParse(req.params);
        const body = Body.safeParse(req.body ?? {});
        const live = own(req.params, req.official!.competitionId);
        if (!p.success || !body.success || !live)
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
        // His open tablets, logged out below: the count goes in the answer and the audit log.
        const tablets = [...(app.live.judges.get(live.id) ?? [])]
          .filter(([, officialId]) => officialId === target.id)
          .map(([ws]) => ws);
        app.db.transaction((tx) => {
          tx.update(officials)
            .set(
              token
                ? // A new token, hash and seal; his short-code sessions were bound to the old hash.
                  { ...credentialsOf(app.custody, token), revoked: false }
                : { revoked: true },
            )
            .where(eq(officials.id, target.id))
            .run();
          tx.insert(auditLog)
            .values({
              competitionId: live.id,
              officialId: req.official!.officialId,
              action: `official.${action}`,
              detailJson: JSON.stringify({ code: target.code, loggedOut: tablets.length }),
              reason: body.data.reason ?? null,
              revision: live.revision,
              createdAt: new Date().toISOString(),
            })
            .run();
        });
        // A revoked recorder records no more; a rotated one is back.
        live.setOfficials(officialsById(app.db, live.id).values());
        // The old token is dead now, on open sockets too.
        for (const ws of tablets) ws.close(CloseCode.authFailed, 'token revoked');
        for (const [ws, client] of app.live.boards.get(live.id) ?? [])
          if (client.officialId === target.id) ws.close(CloseCode.authFailed, 'token revoked');
        return token
          ? {
              code: target.code,
              token,
              shortCode: shortCodeOf(token),
              loginPath: `/judge-tablet/#token=${token}`,
              loggedOut: tablets.length,
            }
          : { code: target.code, revoked: true, loggedOut: tablets.length };
      },
    );
};
export default routes;
