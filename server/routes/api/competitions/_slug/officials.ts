import { officialPayload } from '../../../../../db/pg/revision-channel.ts';
import type { Store } from '../../../../../db/store.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import { appendAudit } from '../../../../../db/repositories/audit.ts';
import { credentialsOf, shortCodeOf } from '../../../../../db/repositories/competitions.ts';
import {
  findOfficialByCode,
  insertOfficialRow,
  listOfficials,
  officialsById,
  updateOfficial,
} from '../../../../../db/repositories/officials.ts';
import { COMPETITION_NOT_FOUND, DomainError } from '../../../../plugins/errors.ts';
import {
  CardsResponse,
  CredentialAnswer,
  CredentialChange,
  NewOfficialRequest,
  OfficialCreated,
  OfficialEdited,
  OfficialParams,
  OfficialPatchRequest,
  OfficialsResponse,
  sentAs,
  SlugParams,
} from '../../../../protocol/api.ts';
import { CloseCode } from '../../../../protocol/constants.ts';
import { formatIssues } from '../../../../protocol/errors.ts';
import { recorderIssues } from '../../../../protocol/fixture.ts';
import type { LiveCompetition } from '../../../../services/live-competition.ts';
import { competitionOf } from './scope.ts';

const noSuchOfficial = (code: string) => new DomainError('official/not_found', { code });

/**
 * The organiser's management of officials (Bearer token of the organiser, own competition);
 * each change is in the audit log, in the same transaction:
 * - `GET /api/competitions/:slug/officials` — code, name, role, sheets, records, revoked, and
 *   whether the card can be printed again (never tokens);
 * - `GET …/officials/cards` — every official's token, short code and login path, for printing
 *   the cards: the same codes every time, nothing rotated, no tablet logged out. An official
 *   whose token cannot be recovered (made before tokens were sealed, or sealed under another
 *   server secret) has none: his card is printed only by rotating. Audited, never cached;
 * - `POST …/officials` — a new judge, head judge or organiser with their sheets; the login
 *   token and short code are returned once;
 * - `PATCH …/officials/:code` — rename, or assign other sheets (open tablets of that judge, and
 *   of a panel whose recorder moved, reconnect to see them);
 * - `POST …/officials/:code/revoke` — the token stops working at once, open sockets included;
 * - `POST …/officials/:code/rotate` — one official (a lost card): a new random 128-bit token,
 *   the old one, its short code and its sessions dead at once; answers how many of his open
 *   tablets (judge sockets) it logged out.
 */
/**
 * Inside the change's transaction: tells the other instances sharing the database that this
 * official changed (sent at the commit), so his logins and tablets there follow (plugins/live.ts).
 */
function tellInstances(tx: Store, competitionId: number, officialId: number): Promise<void> {
  return tx.notify(officialPayload({ origin: tx.instance, competitionId, officialId }));
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const organiser = app.requireOfficial(['organiser']);
  const own = { competition: { own: true } };
  const unknownSheets = (live: LiveCompetition, sheets: string[]) =>
    sheets.filter((s) => !live.index.sheets.has(s));
  const checkSheets = (live: LiveCompetition, sheets: string[]) => {
    const bad = unknownSheets(live, sheets);
    if (bad.length) throw new DomainError('official/unknown_sheet', { sheets: bad });
  };
  const checkRecorders = (
    live: LiveCompetition,
    changed: Parameters<typeof recorderProblem>[1],
  ) => {
    const problem = recorderProblem(live, changed);
    if (problem) throw new DomainError('official/recorder', { detail: problem });
  };

  app.get(
    '/officials',
    {
      onRequest: organiser,
      config: own,
      schema: { params: SlugParams, response: { 200: sentAs(OfficialsResponse) } },
    },
    async (req) => ({
      officials: (await listOfficials(app.store, competitionOf(req).id)).map((o) => ({
        code: o.code,
        name: o.name,
        role: o.role,
        sheets: JSON.parse(o.sheetsJson) as string[],
        /** Stations whose panel measurements he records (docs/scheme.md). */
        records: JSON.parse(o.recordsJson) as string[],
        revoked: o.revoked,
        printable: !o.revoked && app.custody.unseal(o.tokenSealed, o.tokenHash) !== null,
      })),
    }),
  );

  app.get(
    '/officials/cards',
    {
      onRequest: organiser,
      config: { ...own, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { params: SlugParams, response: { 200: sentAs(CardsResponse) } },
    },
    async (req, reply) => {
      const live = competitionOf(req);
      const cards = (await listOfficials(app.store, live.id)).map((o) => {
        const token = o.revoked ? null : app.custody.unseal(o.tokenSealed, o.tokenHash);
        return {
          code: o.code,
          name: o.name,
          role: o.role,
          sheets: JSON.parse(o.sheetsJson) as string[],
          revoked: o.revoked,
          /** `unrecoverable`: the token cannot be shown again; print his card by rotating. */
          status: o.revoked
            ? ('revoked' as const)
            : token
              ? ('printable' as const)
              : ('unrecoverable' as const),
          token,
          shortCode: token && shortCodeOf(token),
          loginPath: token && `/judge-tablet/#token=${token}`,
          consolePath: token && o.role !== 'judge' ? `/console/#token=${token}` : null,
        };
      });
      await appendAudit(app.store, {
        competitionId: live.id,
        officialId: req.official!.officialId,
        action: 'official.cards',
        detail: { codes: cards.filter((c) => c.token).map((c) => c.code) },
        revision: live.revision,
      });
      void reply.header('cache-control', 'no-store');
      return { cards };
    },
  );

  app.post(
    '/officials',
    {
      onRequest: organiser,
      config: own,
      schema: {
        params: SlugParams,
        body: NewOfficialRequest,
        response: { 201: sentAs(OfficialCreated) },
      },
    },
    async (req, reply) => {
      const live = competitionOf(req);
      const body = req.body;
      checkSheets(live, body.sheets);
      checkRecorders(live, { ...body });
      const taken = await findOfficialByCode(app.store, live.id, body.code);
      if (taken)
        throw new DomainError('official/code_taken', { code: body.code, name: taken.name });
      const token = randomBytes(16).toString('hex');
      // The row and its audit entry together: an official is never created unaudited.
      await app.store.transaction(async (tx) => {
        const officialId = await insertOfficialRow(tx, {
          competitionId: live.id,
          code: body.code,
          name: body.name,
          role: body.role,
          ...credentialsOf(app.custody, token),
          sheetsJson: JSON.stringify(body.sheets),
          recordsJson: JSON.stringify(body.records),
        });
        await appendAudit(tx, {
          competitionId: live.id,
          officialId: req.official!.officialId,
          action: 'official.create',
          detail: { code: body.code, role: body.role, sheets: body.sheets, records: body.records },
          revision: live.revision,
        });
        await tellInstances(tx, live.id, officialId);
      });
      live.setOfficials((await officialsById(app.store, live.id)).values());
      return reply.code(201).send({
        ...body,
        token,
        shortCode: shortCodeOf(token),
        loginPath: `/judge-tablet/#token=${token}`,
      });
    },
  );

  app.patch(
    '/officials/:code',
    {
      onRequest: organiser,
      config: {
        ...own,
        invalid: (issues, part) =>
          part === 'params'
            ? COMPETITION_NOT_FOUND
            : { error: 'request/invalid', params: { issues: formatIssues(issues) } },
      },
      schema: {
        params: OfficialParams,
        body: OfficialPatchRequest,
        response: { 200: sentAs(OfficialEdited) },
      },
    },
    async (req) => {
      const live = competitionOf(req);
      const body = req.body;
      checkSheets(live, body.sheets ?? []);
      const target = await findOfficialByCode(app.store, live.id, req.params.code);
      if (!target) throw noSuchOfficial(req.params.code);
      const sheets = JSON.parse(target.sheetsJson) as string[];
      const records = JSON.parse(target.recordsJson) as string[];
      checkRecorders(live, {
        code: target.code,
        sheets: body.sheets ?? sheets,
        records: body.records ?? records,
      });
      await app.store.transaction(async (tx) => {
        await updateOfficial(tx, target.id, {
          ...(body.name ? { name: body.name } : {}),
          ...(body.sheets ? { sheetsJson: JSON.stringify(body.sheets) } : {}),
          ...(body.records ? { recordsJson: JSON.stringify(body.records) } : {}),
        });
        await appendAudit(tx, {
          competitionId: live.id,
          officialId: req.official!.officialId,
          action: 'official.edit',
          detail: { code: target.code, ...body },
          revision: live.revision,
        });
        await tellInstances(tx, live.id, target.id);
      });
      app.live.officialsVersion++;
      live.setOfficials((await officialsById(app.store, live.id)).values());
      // The judge's open tablets reconnect and get a welcome with the new sheets; when the
      // recorder of a panel changed, so do the tablets of that panel (who records, read-only).
      const panelSheets = new Set(
        [...(body.records ?? []), ...records].flatMap(
          (st) => live.index.stations.get(st)?.sheetIds ?? [],
        ),
      );
      const recordersMoved =
        body.records !== undefined && JSON.stringify(body.records) !== target.recordsJson;
      for (const [ws, officialId] of app.live.judges.get(live.id) ?? [])
        if (
          officialId === target.id ||
          (recordersMoved && [...live.sheetsOf(officialId)].some((s) => panelSheets.has(s)))
        )
          ws.close(CloseCode.serverShutdown, 'assignment changed');
      return {
        code: target.code,
        name: body.name ?? target.name,
        sheets: body.sheets ?? sheets,
        records: body.records ?? records,
      };
    },
  );

  for (const action of ['revoke', 'rotate'] as const)
    app.post(
      `/officials/:code/${action}`,
      {
        onRequest: organiser,
        config: {
          rateLimit: { max: 60, timeWindow: '1 minute' },
          // Any part of the request that is not one of his own officials: the same answer.
          competition: { own: true, notFound: () => NO_OFFICIAL },
          invalid: { error: 'official/not_found', params: {} },
        },
        schema: {
          params: OfficialParams,
          body: CredentialChange,
          response: { 200: sentAs(CredentialAnswer) },
        },
      },
      async (req) => {
        const live = competitionOf(req);
        const target = await findOfficialByCode(app.store, live.id, req.params.code);
        if (!target) throw noSuchOfficial(req.params.code);
        if (target.id === req.official!.officialId && action === 'revoke')
          throw new DomainError('official/self', {});
        const token = action === 'rotate' ? randomBytes(16).toString('hex') : null;
        /** His open tablets, logged out below. */
        const tablets = () =>
          [...(app.live.judges.get(live.id) ?? [])]
            .filter(([, officialId]) => officialId === target.id)
            .map(([ws]) => ws);
        const open = tablets().length;
        await app.store.transaction(async (tx) => {
          await updateOfficial(
            tx,
            target.id,
            token
              ? // A new token, hash and seal; his short-code sessions were bound to the old hash.
                { ...credentialsOf(app.custody, token), revoked: false }
              : { revoked: true },
          );
          await appendAudit(tx, {
            competitionId: live.id,
            officialId: req.official!.officialId,
            action: `official.${action}`,
            detail: { code: target.code, loggedOut: open },
            reason: req.body?.reason ?? null,
            revision: live.revision,
          });
          await tellInstances(tx, live.id, target.id);
        });
        // A login check that began before the commit checks again (routes/ws/judge.ts).
        app.live.officialsVersion++;
        // A revoked recorder records no more; a rotated one is back.
        live.setOfficials((await officialsById(app.store, live.id)).values());
        // The old token is dead now, on open sockets too: the ones open now, listed after the
        // commit, so a tablet whose login was checked just before it is among them.
        const loggedOut = tablets();
        for (const ws of loggedOut) ws.close(CloseCode.authFailed, 'token revoked');
        for (const [ws, client] of app.live.boards.get(live.id) ?? [])
          if (client.officialId === target.id) ws.close(CloseCode.authFailed, 'token revoked');
        return token
          ? {
              code: target.code,
              token,
              shortCode: shortCodeOf(token),
              loginPath: `/judge-tablet/#token=${token}`,
              loggedOut: loggedOut.length,
            }
          : { code: target.code, revoked: true as const, loggedOut: loggedOut.length };
      },
    );
};

const NO_OFFICIAL = new DomainError('official/not_found', {});

/**
 * What is wrong with an official's recorder assignment once `changed` replaces his row among
 * the competition's other officials (not revoked): a second recorder for a station, a recorder
 * off the panel, an unknown station. A panel without a recorder yet is fine while assigning:
 * its marks are refused until one is named. Null when nothing is wrong.
 */
function recorderProblem(
  live: LiveCompetition,
  changed: { code: string; sheets: string[]; records: string[] },
): string | null {
  const others = [...live.recorderAssignments()].filter((o) => o.code !== changed.code);
  const all = [...others, changed];
  const issues = recorderIssues(live.index.scheme, all, false).filter(
    (i) => i.path[1] === all.length - 1 || i.message.includes(changed.code),
  );
  return issues.length ? issues.map((i) => i.message).join('；') : null;
}

export default routes;
