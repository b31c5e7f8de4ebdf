import { judgeDeviations, resolveLog } from '#engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { listAudit } from '../../../../../db/repositories/audit.ts';
import { listMarks } from '../../../../../db/repositories/marks.ts';
import { officialsById } from '../../../../../db/repositories/officials.ts';
import { DomainError } from '../../../../plugins/errors.ts';
import {
  JudgeStatsResponse,
  JsonAnswer,
  SchemeResponse,
  sentAs,
  SlugParams,
} from '../../../../protocol/api.ts';
import { CourseAnswer, CourseAction } from '../../../../protocol/course.ts';
import { applyCourseAction } from '../../../../services/course.ts';
import { toLogEntry } from '../../../../services/live-competition.ts';
import { competitionOf } from './scope.ts';

/**
 * The course and what staff read of it (Bearer token of the organiser or head judge):
 * - `POST /api/competitions/:slug/course` — lock / re-open a station, freeze, unfreeze, reveal
 *   the next row, publish as official, change name display (body: {@link CourseAction}); a lock
 *   of a station with open lines is refused with 409 and the lines (`OpenLinesRefusal`) unless
 *   it carries a reason; a publish answers how many rows stay provisional (`PublishReport`);
 * - `GET …/scheme` — the marking scheme, for staff screens that name sheets and criteria;
 * - `GET …/judge-stats` — each judge's deviation from the panel;
 * - `GET …/audit` — the audit log of the competition's course.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const staff = app.requireOfficial(['organiser', 'head-judge']);
  const read = {
    onRequest: staff,
    config: { competition: { own: true } },
    schema: { params: SlugParams, response: { 200: JsonAnswer } },
  };

  app.post(
    '/course',
    {
      onRequest: staff,
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { params: SlugParams, body: CourseAction, response: { 200: sentAs(CourseAnswer) } },
    },
    async (req) => {
      const live = competitionOf(req);
      // Marks already queued commit first, so the course acts on them.
      const r = await app.live.writer.exclusive(() =>
        applyCourseAction(app.store, live, req.official!, req.body, new Date()),
      );
      if (!r.ok)
        throw DomainError.of({ code: r.error, params: r.params } as never, {
          status: r.status,
          detail: r.detail,
          message: r.message,
        });
      app.live.publish(live, r.delta);
      return { competition: live.summary, lockedStations: live.lockedStations, ...r.answer };
    },
  );

  /** `read` with the answer's schema. */
  const reading = <S extends z.ZodType>(answer: S) => ({
    ...read,
    schema: { params: SlugParams, response: { 200: sentAs(answer) } },
  });

  app.get('/scheme', reading(SchemeResponse), async (req) => ({
    scheme: competitionOf(req).index.scheme,
  }));

  app.get('/judge-stats', reading(JudgeStatsResponse), async (req) => {
    const live = competitionOf(req);
    const people = await officialsById(app.store, live.id);
    const book = resolveLog((await listMarks(app.store, live.id)).map(toLogEntry));
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

  app.get('/audit', read, async (req) => ({
    entries: await listAudit(app.store, competitionOf(req).id),
  }));
};
export default routes;
