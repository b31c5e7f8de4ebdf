import type { FastifyInstance, FastifyRequest } from 'fastify';
import { competitionNotFound, type DomainError } from '../../../../plugins/errors.ts';
import type { LiveCompetition } from '../../../../services/live-competition.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The competition of the URL, resolved once for every route under
     * `/api/competitions/:slug` (routes/api/competitions/_slug/); null elsewhere.
     */
    competition: LiveCompetition | null;
  }
  interface FastifyContextConfig {
    /**
     * Under `/api/competitions/:slug`: `own` — the competition must be the signed-in
     * official's own (else the not-found answer); `notFound` — that answer, when it is not
     * "no such competition".
     */
    competition?: { own?: boolean; notFound?: () => DomainError };
  }
}

/**
 * The one scope of every route under `/api/competitions/:slug`: before the request is
 * validated (after the login check at onRequest, so a refused login still answers 401/403
 * first), the slug is looked up once and the competition put on `req.competition`; a slug
 * that is malformed or unknown, or a competition that is not the caller's own where the route
 * says `own`, answers 404. Routes then read `competitionOf(req)`.
 */
export function competitionScope(app: FastifyInstance): void {
  app.decorateRequest('competition', null);
  app.addHook('preValidation', async (req) => {
    const { slug } = req.params as { slug?: unknown };
    const live = typeof slug === 'string' ? app.live.get(slug) : undefined;
    const rule = req.routeOptions.config.competition;
    if (!live || (rule?.own && req.official?.competitionId !== live.id))
      throw (rule?.notFound ?? competitionNotFound)();
    req.competition = live;
  });
}

/** The competition the scope resolved for this request. */
export function competitionOf(req: FastifyRequest): LiveCompetition {
  return req.competition!;
}

/** Whether the caller sees a competition as its staff (its own organiser or head judge). */
export function isStaff(req: FastifyRequest, live: LiveCompetition): boolean {
  const who = req.official;
  return !!who && who.competitionId === live.id && who.role !== 'judge';
}
