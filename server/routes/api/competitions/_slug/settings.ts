import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { appendAudit } from '../../../../../db/repositories/audit.ts';
import { DomainError } from '../../../../plugins/errors.ts';
import { sentAs, SettingsAnswer, SettingsPatch, SlugParams } from '../../../../protocol/api.ts';
import { changeCompetition } from '../../../../services/course.ts';
import { competitionOf } from './scope.ts';

/**
 * `PATCH /api/competitions/:slug` (organiser) — title, venue, date, time zone, locale; the
 * change and its audit entry in one transaction, then pushed to boards and tablets.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.patch(
    '/',
    {
      onRequest: app.requireOfficial(['organiser']),
      config: { competition: { own: true } },
      schema: {
        params: SlugParams,
        body: SettingsPatch,
        response: { 200: sentAs(SettingsAnswer) },
      },
    },
    async (req) => {
      const live = competitionOf(req);
      if (req.body.timeZone && !isTimeZone(req.body.timeZone))
        throw new DomainError('request/invalid', { timeZone: req.body.timeZone });
      const { title, ...rest } = req.body;
      const delta = await app.live.writer.exclusive(async () => {
        const row = await app.store.transaction(async (tx) => {
          const updated = await changeCompetition(tx, live, {
            ...rest,
            ...(title ? { titleZh: title.zh, titleEn: title.en } : {}),
          });
          await appendAudit(tx, {
            competitionId: live.id,
            officialId: req.official!.officialId,
            action: 'competition.edit',
            detail: req.body,
            revision: live.revision,
          });
          return updated;
        });
        return live.applyCourse(row, {}, null);
      });
      app.live.publish(live, delta);
      return { competition: live.summary };
    },
  );
};

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export default routes;
