import type { StandingsResponse } from '#protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { competitionNotFound } from '../../plugins/errors.ts';
import { Slug } from '../../protocol/fixture.ts';

const SlugParams = z.object({ slug: Slug });

/** Public, read-only competition endpoints. */
const routes: FastifyPluginAsync = async (app) => {
  /**
   * The server's LAN addresses, so a board opened on the server itself can show phones a QR code
   * that works. Always plain HTTP on PORT, also when asked over HTTPS: phones and tablets that
   * have not installed the venue CA open those.
   */
  app.get('/api/server-info', async () => {
    const port = (app.server.address() as AddressInfo | null)?.port ?? 0;
    const lanUrls = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => `http://${a!.address}:${port}`);
    return { lanUrls };
  });

  app.get('/api/competitions', async () => ({
    competitions: app.live.all().map((l) => l.publicSummary),
  }));

  /**
   * The standings: what the public may see (frozen, revealed, masked as the course says), or,
   * with an organiser or head-judge Bearer token, the live standings.
   */
  app.get('/api/competitions/:slug/standings', async (req) => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live) throw competitionNotFound();
    const who = req.official;
    const staff = !!who && who.competitionId === live.id && who.role !== 'judge';
    const view = staff ? live.snapshot() : live.publicSnapshot();
    const body: StandingsResponse = {
      competition: view.competition,
      revision: view.revision,
      columns: view.columns,
      provisional: view.rows.some((r) => r.provisional),
      rows: view.rows,
    };
    return body;
  });
};
export default routes;
