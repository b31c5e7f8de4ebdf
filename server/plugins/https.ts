import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { VenueTls } from '../services/venue-ca.ts';

/**
 * The same app over HTTPS, for staff devices that installed the venue's CA (`/setup/`).
 * Plain HTTP (`app.server`) keeps serving everything as before; this second server is made
 * here, listened by main.ts (`app.https.listen`) and closed with the app.
 */
export interface HttpsListener {
  server: Server;
  tls: VenueTls;
  /** Listens on `port` (0: any free one); resolves to the port. */
  listen(port: number, host: string): Promise<number>;
  /** The port it listens on, or null before it does. */
  port(): number | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The HTTPS server beside `app.server`, or null when HTTPS is off. */
    https: HttpsListener | null;
  }
}

/** Long enough for a tablet that went to sleep mid-request, as Fastify's own server. */
const KEEP_ALIVE_MS = 72_000;

export default fp(
  async (app: FastifyInstance, opts: { tls?: VenueTls | null }) => {
    const tls = opts.tls;
    if (!tls) {
      app.decorate('https', null);
      return;
    }
    // Every request goes through the app's router exactly as on HTTP: same routes, hooks,
    // limits and pages (`app.routing` is Fastify's HTTP handler).
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) =>
      app.routing(req, res),
    );
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1_000;
    // @fastify/websocket listens for upgrades on app.server only: hand it ours. Once the app
    // closes it has stopped listening, and an upgrade then is refused.
    server.on('upgrade', (req, socket, head) => {
      if (app.server.listenerCount('upgrade') === 0) return socket.destroy();
      app.server.emit('upgrade', req, socket, head);
    });
    // A device that does not trust the CA yet drops the handshake: nothing to log.
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    server.on('clientError', (_err, socket) => socket.destroy());

    let listening = false;
    app.decorate('https', {
      server,
      tls,
      listen: (port, host) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host }, () => {
            server.off('error', reject);
            listening = true;
            resolve((server.address() as AddressInfo).port);
          });
        }),
      port: () => (listening ? ((server.address() as AddressInfo | null)?.port ?? null) : null),
    } satisfies HttpsListener);

    // The set-up page, served over HTTP, asks HTTPS /healthz whether this device trusts the CA
    // yet (a fetch in 'cors' mode succeeds only then): answer CORS for that page's origin.
    app.addHook('onSend', async (req, reply) => {
      if (req.protocol !== 'https' || req.routeOptions.url !== '/healthz') return;
      reply.header('vary', 'Origin');
      if (sameHostHttpOrigin(req.headers.origin, req.hostname))
        reply.header('access-control-allow-origin', req.headers.origin!);
    });

    // Closed with the app: no new connections, idle ones closed at once, the rest (websockets
    // are being closed by @fastify/websocket's preClose) after a grace.
    app.addHook('onClose', async () => {
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    });
  },
  { name: 'https' },
);

/** An `Origin` of a page served over plain HTTP from the same host as this request. */
export function sameHostHttpOrigin(origin: string | undefined, hostname: string): boolean {
  if (!origin) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.hostname.toLowerCase() === hostname.toLowerCase();
  } catch {
    return false;
  }
}

/** A host as it may stand in a header: a DNS name, an IPv4 address or a bracketed IPv6 one. */
export function safeHostname(hostname: string): string | null {
  return /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/i.test(hostname) ? hostname.toLowerCase() : null;
}
