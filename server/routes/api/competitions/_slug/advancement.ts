import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../../../../plugins/errors.ts';
import { AdvanceAnswer, sentAs, SlugParams } from '../../../../protocol/api.ts';
import { AdvancementPreview } from '../../../../protocol/http.ts';
import { previewAdvancement, runAdvancement } from '../../../../services/festival.ts';
import { reloadEveryone } from '../../../../services/reload.ts';
import { competitionOf } from './scope.ts';

/**
 * From one round to the next (own competition):
 * - `GET /api/competitions/:slug/advancement` (organiser, head judge) — who would go on;
 * - `POST /api/competitions/:slug/advance` (organiser) — makes them the next round's field.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const own = { competition: { own: true } };

  app.get(
    '/advancement',
    {
      onRequest: app.requireOfficial(['organiser', 'head-judge']),
      config: own,
      schema: { params: SlugParams, response: { 200: sentAs(AdvancementPreview) } },
    },
    async (req) => previewAdvancement(app.live.all(), competitionOf(req)),
  );

  app.post(
    '/advance',
    {
      onRequest: app.requireOfficial(['organiser']),
      config: own,
      schema: { params: SlugParams, response: { 200: AdvanceAnswer } },
    },
    async (req) => {
      const live = competitionOf(req);
      // On the copies as they are when its turn comes (a second advancement just before it has
      // filled the next round), and reloaded before the next change may start.
      const r = await app.live.writer.exclusive(async () => {
        const current = app.live.get(live.slug) ?? live;
        const done = await runAdvancement(
          app.store,
          app.live.all(),
          current,
          req.official!.officialId,
        );
        // Both competitions' revisions moved (the audit entries): their boards start afresh.
        if (done.ok) {
          await reloadEveryone(app, done.next.slug);
          await reloadEveryone(app, live.slug);
        }
        return done;
      });
      if (!r.ok) throw DomainError.of(r);
      return { next: r.next.slug, count: r.count };
    },
  );
};
export default routes;
