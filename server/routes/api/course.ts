import { judgeDeviations, resolveLog } from '#engine';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { asc, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditLog } from '../../../db/schema.ts';
import { insertRescoreRequest, listMarks } from '../../../db/repositories/marks.ts';
import { SafeText } from '../../protocol/judge.ts';
import { officialsById } from '../../../db/repositories/officials.ts';
import { applyCourseAction, CourseAction } from '../../services/course.ts';
import { toLogEntry } from '../../services/live-competition.ts';
import { competitionNotFound } from '../../plugins/errors.ts';
import { formatIssues } from '../../protocol/errors.ts';
import { Slug } from '../../protocol/fixture.ts';

const SlugParams = z.object({ slug: Slug });

/**
 * Staff endpoints (Bearer token of the organiser or head judge):
 * - `POST /api/competitions/:slug/course` — lock / re-open a station, freeze, unfreeze, reveal
 *   the next row, publish as official, change name display (body: {@link CourseAction}); a lock
 *   of a station with open lines is refused with 409 and the lines (`OpenLinesRefusal`) unless
 *   it carries a reason; a publish answers how many rows stay provisional (`PublishReport`);
 * - `GET /api/competitions/:slug/judge-stats` — each judge's deviation from the panel;
 * - `GET /api/competitions/:slug/audit` — the audit log of the competition's course.
 */

const routes: FastifyPluginAsync = async (app) => {
  const staff = app.requireOfficial(['organiser', 'head-judge']);
  /** The competition of the URL, when it is the signed-in official's own. */
  const ownCompetition = (req: FastifyRequest) => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    return live && req.official?.competitionId === live.id ? live : undefined;
  };

  app.post(
    '/api/competitions/:slug/course',
    { onRequest: staff, config: { rateLimit: { max: 120, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const p = SlugParams.safeParse(req.params);
      const live = p.success ? app.live.get(p.data.slug) : undefined;
      if (!live) throw competitionNotFound();
      const body = CourseAction.safeParse(req.body);
      if (!body.success)
        return reply.code(400).send({
          error: 'request/invalid',
          message: formatIssues(body.error.issues),
        });
      app.live.writer.flush(); // marks already queued commit first, so the course acts on them
      const r = applyCourseAction(app.db, live, req.official!, body.data, new Date());
      if (!r.ok)
        return reply.code(r.status).send({ error: r.error, message: r.message, ...r.detail });
      app.live.publish(live, r.delta);
      return { competition: live.summary, lockedStations: live.lockedStations, ...r.answer };
    },
  );

  app.get('/api/competitions/:slug/judge-stats', { onRequest: staff }, async (req) => {
    const live = ownCompetition(req);
    if (!live) throw competitionNotFound();
    const people = officialsById(app.db, live.id);
    const book = resolveLog(listMarks(app.db, live.id).map(toLogEntry));
    return {
      judges: judgeDeviations(live.index, book).map((d) => ({
        ...d,
        code: people.get(d.judgeId)?.code ?? '',
        name: people.get(d.judgeId)?.name ?? '',
        criterion: live.index.sheets
          .get(live.index.criterionSheet.get(d.criterionId)!)!
          .criteria.find((c) => c.id === d.criterionId)!.label,
      })),
    };
  });

  /** The marking scheme, for staff screens that name sheets, criteria and attempts. */
  app.get('/api/competitions/:slug/scheme', { onRequest: staff }, async (req) => {
    const live = ownCompetition(req);
    if (!live) throw competitionNotFound();
    return { scheme: live.index.scheme };
  });

  /** The whole marks log for the head judge's review, with who, when, why and what is current. */
  app.get('/api/competitions/:slug/marks', { onRequest: staff }, async (req) => {
    const live = ownCompetition(req);
    if (!live) throw competitionNotFound();
    const people = officialsById(app.db, live.id);
    return {
      marks: listMarks(app.db, live.id).map((m) => {
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
  });

  const Reason = z.object({
    reason: z.string().trim().min(2).max(200),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  });
  const RerunBody = Reason.extend({
    contestantId: z.number().int().positive(),
    stationId: z.string().max(64),
    attempt: z.number().int().min(1).max(20),
  });

  /** Head judge: void a mark, or grant a re-run, over HTTP (same write path as the judge socket). */
  app.post(
    '/api/competitions/:slug/marks/:id/void',
    { onRequest: app.requireOfficial(['head-judge']) },
    async (req, reply) => {
      const p = SlugParams.safeParse(req.params);
      const live = p.success ? app.live.get(p.data.slug) : undefined;
      const body = Reason.safeParse(req.body);
      const markId = Number((req.params as { id: string }).id);
      if (!live) throw competitionNotFound();
      if (!body.success || !Number.isInteger(markId))
        return reply
          .code(400)
          .send({ error: 'request/invalid', message: '请填写撤销原因（至少 2 个字）' });
      const o = await app.live.writer.submit(req.official!, live, {
        type: 'mark.void',
        clientId: body.data.clientId ?? randomUUID(),
        markId,
        reason: body.data.reason,
      });
      return o.type === 'mark.ack'
        ? { ok: true, revision: o.revision }
        : reply.code(409).send({ error: o.code, message: o.message });
    },
  );

  app.post(
    '/api/competitions/:slug/reruns',
    { onRequest: app.requireOfficial(['head-judge']) },
    async (req, reply) => {
      const p = SlugParams.safeParse(req.params);
      const live = p.success ? app.live.get(p.data.slug) : undefined;
      const body = RerunBody.safeParse(req.body);
      if (!live) throw competitionNotFound();
      if (!body.success)
        return reply
          .code(400)
          .send({ error: 'request/invalid', message: '请填写选手、站点、轮次和原因' });
      const { clientId, ...rest } = body.data;
      const o = await app.live.writer.submit(req.official!, live, {
        type: 'attempt.rerun',
        clientId: clientId ?? randomUUID(),
        ...rest,
      });
      return o.type === 'mark.ack'
        ? { ok: true, revision: o.revision }
        : reply.code(409).send({ error: o.code, message: o.message });
    },
  );

  /**
   * Head judge: ask the judges of a sheet to score a contestant again (e.g. a disagreement).
   * Stored as server state (`rescore_requests`, with its audit entry, in one transaction) and
   * pushed to those judges' tablets as `judge.rescore`; a tablet that was closed gets it in its
   * next welcome, on any device, until the judge has marked the line again.
   */
  app.post(
    '/api/competitions/:slug/rescore',
    { onRequest: app.requireOfficial(['head-judge']) },
    async (req, reply) => {
      const live = ownCompetition(req);
      if (!live) throw competitionNotFound();
      const body = z
        .object({
          contestantId: z.number().int().positive(),
          sheetId: z.string().max(64),
          reason: SafeText.min(2).max(200),
        })
        .safeParse(req.body);
      if (!body.success)
        return reply
          .code(400)
          .send({ error: 'request/invalid', message: '请填写选手、评分项和原因' });
      const contestant = live.contestants.get(body.data.contestantId);
      const sheet = live.index.sheets.get(body.data.sheetId);
      if (!contestant || !sheet)
        return reply
          .code(404)
          .send({ error: 'rescore/not_found', message: '没有这位选手或这个评分项' });
      if (live.isLocked(sheet.stationId))
        return reply.code(409).send({
          error: 'mark/station_locked',
          message: `${sheet.label.zh} 已锁定，请先重新开放`,
        });
      const createdAt = new Date().toISOString();
      const row = app.db.transaction((tx) => {
        const request = insertRescoreRequest(tx as unknown as typeof app.db, {
          competitionId: live.id,
          contestantId: contestant.id,
          sheetId: sheet.id,
          officialId: req.official!.officialId,
          reason: body.data.reason,
          revision: live.revision,
          createdAt,
        });
        tx.insert(auditLog)
          .values({
            competitionId: live.id,
            officialId: req.official!.officialId,
            action: 'mark.rescore',
            detailJson: JSON.stringify({ bib: contestant.bib, sheetId: sheet.id, id: request.id }),
            reason: body.data.reason,
            revision: live.revision,
            createdAt,
          })
          .run();
        return request;
      });
      const notice = JSON.stringify({ type: 'judge.rescore', ...live.addRescore(row) });
      let told = 0;
      for (const [ws, officialId] of app.live.judges.get(live.id) ?? [])
        if (live.sheetsOf(officialId).has(sheet.id) && ws.readyState === ws.OPEN) {
          ws.send(notice);
          told++;
        }
      return { ok: true, id: row.id, tabletsTold: told };
    },
  );

  /** Staff: every re-score request, with each judge of the sheet and whether he has answered. */
  app.get('/api/competitions/:slug/rescores', { onRequest: staff }, async (req) => {
    const live = ownCompetition(req);
    if (!live) throw competitionNotFound();
    return {
      requests: live.rescoreRequests().map((r) => ({
        ...r,
        pending: r.judges.some((j) => !j.done),
      })),
    };
  });

  app.get('/api/competitions/:slug/audit', { onRequest: staff }, async (req) => {
    const live = ownCompetition(req);
    if (!live) throw competitionNotFound();
    return {
      entries: app.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.competitionId, live.id))
        .orderBy(asc(auditLog.id))
        .all(),
    };
  });
};
export default routes;
