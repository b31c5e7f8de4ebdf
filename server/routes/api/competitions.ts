import type { StandingsResponse } from '#protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

const SlugParams = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/) });

/** Public, read-only competition endpoints. */
const routes: FastifyPluginAsync = async (app) => {
  app.get('/api/competitions', async () => ({
    competitions: app.live.all().map((l) => l.summary),
  }));

  app.get('/api/competitions/:slug/standings', async (req, reply) => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live)
      return reply.code(404).send({ error: 'competition/not_found', message: '没有这场比赛' });
    const rows = live.standings();
    const body: StandingsResponse = {
      competition: live.summary,
      revision: live.revision,
      columns: live.columns,
      provisional: rows.some((r) => r.provisional),
      rows,
    };
    return body;
  });
};
export default routes;
