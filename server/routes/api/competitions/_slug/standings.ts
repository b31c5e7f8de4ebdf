import { StandingsResponse, TeamsResponse } from '#protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../../../../plugins/errors.ts';
import { sentAs, SlugParams } from '../../../../protocol/api.ts';
import { teamsResponse } from '../../../../services/festival.ts';
import { competitionOf, isStaff } from './scope.ts';

/**
 * Public reads; with an organiser or head-judge Bearer token of the competition, the live view:
 * - `GET /api/competitions/:slug/standings` — what the public may see (frozen, revealed, masked
 *   as the course says), or the live standings for its staff;
 * - `GET /api/competitions/:slug/teams` — the team ranking on the same view.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const standings = { params: SlugParams, response: { 200: sentAs(StandingsResponse) } };
  const teams = { params: SlugParams, response: { 200: sentAs(TeamsResponse) } };

  app.get('/standings', { schema: standings }, async (req) => {
    const live = competitionOf(req);
    const view = isStaff(req, live) ? live.snapshot() : live.publicSnapshot();
    const body: StandingsResponse = {
      competition: view.competition,
      revision: view.revision,
      columns: view.columns,
      provisional: view.rows.some((r) => r.provisional),
      rows: view.rows,
    };
    return body;
  });

  app.get('/teams', { schema: teams }, async (req) => {
    const live = competitionOf(req);
    const view = isStaff(req, live) ? live.snapshot() : live.publicSnapshot();
    // During the reveal the public holds only the revealed rows: no team ranking until final.
    const rows = view.competition.revealed !== null ? [] : view.rows;
    const body = teamsResponse(live, view.competition, rows);
    if (!body) throw new DomainError('teams/none', {});
    return body;
  });
};
export default routes;
