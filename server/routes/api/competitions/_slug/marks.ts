import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../../../../db/repositories/audit.ts';
import { insertRescoreRequest, listMarks } from '../../../../../db/repositories/marks.ts';
import { officialsById } from '../../../../../db/repositories/officials.ts';
import { acceptRescore } from '../../../../engine/acceptance.ts';
import { DomainError } from '../../../../plugins/errors.ts';
import {
  MarkParams,
  MarksResponse,
  RerunRequest,
  RescoreAnswer,
  RescoreRequestBody,
  RescoresResponse,
  sentAs,
  SlugParams,
  VoidRequest,
  WriteOk,
} from '../../../../protocol/api.ts';
import type { MarkAck, MarkReject } from '../../../../protocol/judge.ts';
import { changeCompetition } from '../../../../services/course.ts';
import { competitionOf } from './scope.ts';

/**
 * The marks log and the head judge's actions on it:
 * - `GET /api/competitions/:slug/marks` (staff) — the whole log for review: who, when, why,
 *   whose line and what is current;
 * - `POST …/marks/:id/void`, `POST …/reruns` (head judge) — void a mark, grant a re-run: the
 *   judge socket's write path over HTTP; a refused write answers 409 whatever its code;
 * - `POST …/rescore` (head judge) — ask the judges of a sheet to score a contestant again;
 *   `GET …/rescores` (staff) — every such request and who has answered.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const staff = app.requireOfficial(['organiser', 'head-judge']);
  const headJudge = app.requireOfficial(['head-judge']);
  /** A write's answer over HTTP: its revision, or 409 with the writer's refusal. */
  const answer = (o: MarkAck | MarkReject) => {
    if (o.type === 'mark.ack') return { ok: true as const, revision: o.revision };
    throw DomainError.of({ code: o.code, params: o.params } as never, {
      status: 409,
      message: o.message,
    });
  };

  app.get(
    '/marks',
    {
      onRequest: staff,
      config: { competition: { own: true } },
      schema: { params: SlugParams, response: { 200: sentAs(MarksResponse) } },
    },
    async (req) => {
      const live = competitionOf(req);
      const people = await officialsById(app.store, live.id);
      return {
        marks: (await listMarks(app.store, live.id)).map((m) => {
          const c = live.contestants.get(m.contestantId);
          const judge = people.get(m.officialId);
          const sheet = m.sheetId ? live.index.sheets.get(m.sheetId) : undefined;
          return {
            id: m.id,
            kind: m.kind,
            contestantId: m.contestantId,
            bib: c?.bib ?? '',
            name: c?.name ?? '',
            sheetId: m.sheetId,
            stationId: m.stationId ?? sheet?.stationId ?? null,
            attempt: m.attempt,
            judge: { code: judge?.code ?? '', name: judge?.name ?? '' },
            values: JSON.parse(m.valuesJson) as Record<string, unknown>,
            reason: m.reason,
            supersedesId: m.supersedesId,
            targetMarkId: m.targetMarkId,
            createdAt: m.createdAt,
            revision: m.revision,
            /** Whose line it is (null: the line of a one-judge sheet); `judge` wrote it. */
            owner:
              m.kind !== 'mark'
                ? null
                : m.rules === 1
                  ? live.officialName(m.officialId)
                  : m.ownerId === null
                    ? null
                    : live.officialName(m.ownerId),
            current: m.kind === 'mark' && live.isCurrent(m.id),
          };
        }),
      };
    },
  );

  app.post(
    '/marks/:id/void',
    {
      onRequest: headJudge,
      config: { invalid: { error: 'request/invalid', params: { missing: 'void_reason' } } },
      schema: { params: MarkParams, body: VoidRequest, response: { 200: WriteOk } },
    },
    async (req) =>
      answer(
        await app.live.writer.submit(req.official!, competitionOf(req), {
          type: 'mark.void',
          clientId: req.body.clientId ?? randomUUID(),
          markId: req.params.id,
          reason: req.body.reason,
        }),
      ),
  );

  app.post(
    '/reruns',
    {
      onRequest: headJudge,
      config: { invalid: { error: 'request/invalid', params: { missing: 'rerun_fields' } } },
      schema: { params: SlugParams, body: RerunRequest, response: { 200: WriteOk } },
    },
    async (req) => {
      const { clientId, ...rest } = req.body;
      return answer(
        await app.live.writer.submit(req.official!, competitionOf(req), {
          type: 'attempt.rerun',
          clientId: clientId ?? randomUUID(),
          ...rest,
        }),
      );
    },
  );

  /**
   * Stored as server state (`rescore_requests`, with its audit entry, in one transaction) and
   * pushed to those judges' tablets as `judge.rescore`; a tablet that was closed gets it in its
   * next welcome, on any device, until the judge has marked the line again.
   */
  app.post(
    '/rescore',
    {
      onRequest: headJudge,
      config: {
        competition: { own: true },
        invalid: { error: 'request/invalid', params: { missing: 'rescore_fields' } },
      },
      schema: { params: SlugParams, body: RescoreRequestBody, response: { 200: RescoreAnswer } },
    },
    async (req) => {
      const live = competitionOf(req);
      const accepted = acceptRescore(live, req.body.contestantId, req.body.sheetId);
      if (!accepted.ok) throw DomainError.of(accepted);
      const { contestant, sheet } = accepted;
      const createdAt = new Date().toISOString();
      const { reason } = req.body;
      // A revision of its own, between mark batches: other instances see a change that is not a
      // mark and rebuild the competition, so their judges get the request too.
      const { row, delta } = await app.live.writer.exclusive(async () => {
        const base = live.revision;
        const { request, bumped } = await app.store.transaction(async (tx) => {
          const bumped = await changeCompetition(tx, live, {}, base);
          const request = await insertRescoreRequest(tx, {
            competitionId: live.id,
            contestantId: contestant.id,
            sheetId: sheet.id,
            officialId: req.official!.officialId,
            reason,
            revision: base,
            createdAt,
          });
          await appendAudit(tx, {
            competitionId: live.id,
            officialId: req.official!.officialId,
            action: 'mark.rescore',
            detail: { bib: contestant.bib, sheetId: sheet.id, id: request.id },
            reason,
            revision: base,
            createdAt,
          });
          return { request, bumped };
        });
        return { row: request, delta: live.applyCourse(bumped, {}, null) };
      });
      app.live.publish(live, delta);
      const notice = JSON.stringify({ type: 'judge.rescore', ...live.addRescore(row) });
      let told = 0;
      for (const [ws, officialId] of app.live.judges.get(live.id) ?? [])
        if (live.sheetsOf(officialId).has(sheet.id) && ws.readyState === ws.OPEN) {
          ws.send(notice);
          told++;
        }
      return { ok: true as const, id: row.id, tabletsTold: told };
    },
  );

  app.get(
    '/rescores',
    {
      onRequest: staff,
      config: { competition: { own: true } },
      schema: { params: SlugParams, response: { 200: sentAs(RescoresResponse) } },
    },
    async (req) => ({
      requests: competitionOf(req)
        .rescoreRequests()
        .map((r) => ({ ...r, pending: r.judges.some((j) => !j.done) })),
    }),
  );
};
export default routes;
