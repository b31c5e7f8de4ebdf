import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ServerInfo } from '../../protocol/api.ts';

/**
 * `GET /api/server-info` — the server's LAN addresses, so a board opened on the server itself
 * can show phones a QR code that works. Always plain HTTP on PORT, also when asked over HTTPS:
 * phones and tablets that have not installed the venue CA open those.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/server-info', { schema: { response: { 200: ServerInfo } } }, async () => {
    const port = (app.server.address() as AddressInfo | null)?.port ?? 0;
    const lanUrls = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => `http://${a!.address}:${port}`);
    // Behind a balancer (PUBLIC_URL) phones and tablets must open the public address first,
    // not this one instance's.
    return { lanUrls: [...app.publicOrigins, ...lanUrls] };
  });
};
export default routes;
