import { judgeDeviations, resolveLog } from '#engine';
import type { FastifyPluginAsync } from 'fastify';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, officials } from '../../../db/schema.ts';
import { listMarks } from '../../../db/repositories/marks.ts';
import { applyCourseAction, CourseAction } from '../../services/course.ts';
import { toLogEntry } from '../../services/live-competition.ts';

const SlugParams = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/) });

/**
 * Staff endpoints (Bearer token of the organiser or head judge):
 * - `POST /api/competitions/:slug/course` — lock / re-open a station, freeze, unfreeze, reveal
 *   the next row, publish as official, change name display (body: {@link CourseAction});
 * - `GET /api/competitions/:slug/judge-stats` — each judge's deviation from the panel;
 * - `GET /api/competitions/:slug/audit` — the audit log of the competition's course.
 */
const routes: FastifyPluginAsync = async (app) => {
  const staff = app.requireOfficial(['organiser', 'head-judge']);

  app.post(
    '/api/competitions/:slug/course',
    { preHandler: staff, config: { rateLimit: { max: 120, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const p = SlugParams.safeParse(req.params);
      const live = p.success ? app.live.get(p.data.slug) : undefined;
      if (!live)
        return reply.code(404).send({ error: 'competition/not_found', message: '没有这场比赛' });
      const body = CourseAction.safeParse(req.body);
      if (!body.success)
        return reply.code(400).send({
          error: 'request/invalid',
          message: body.error.issues
            .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; '),
        });
      app.live.writer.flush(); // marks already queued commit first, so the course acts on them
      const r = applyCourseAction(app.db, live, req.official!, body.data, new Date());
      if (!r.ok) return reply.code(r.status).send({ error: r.error, message: r.message });
      app.live.publish(live, r.delta);
      return { competition: live.summary, lockedStations: live.lockedStations };
    },
  );

  app.get('/api/competitions/:slug/judge-stats', { preHandler: staff }, async (req, reply) => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live || req.official!.competitionId !== live.id)
      return reply.code(404).send({ error: 'competition/not_found', message: '没有这场比赛' });
    const people = new Map(
      app.db
        .select()
        .from(officials)
        .where(eq(officials.competitionId, live.id))
        .all()
        .map((o) => [o.id, o]),
    );
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

  app.get('/api/competitions/:slug/audit', { preHandler: staff }, async (req, reply) => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live || req.official!.competitionId !== live.id)
      return reply.code(404).send({ error: 'competition/not_found', message: '没有这场比赛' });
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
