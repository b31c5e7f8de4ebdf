import type { FastifyReply, FastifyRequest } from 'fastify';
import { networkInterfaces } from 'node:os';
import { localHostName } from '../services/venue-ca.ts';
import { errorBody } from './errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Origins served besides this machine's own addresses (PUBLIC_URL, a load balancer). */
    publicOrigins: ReadonlySet<string>;
  }
}

/**
 * This machine's own host names and addresses (loopback, every interface, and its mDNS name
 * `<hostname>.local`, which the venue certificate holds for HTTPS).
 */
export function ownHostnames(): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  const local = localHostName();
  if (local) names.add(local);
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      names.add(a.family === 'IPv6' ? `[${a.address.toLowerCase()}]` : a.address);
  return names;
}

let cached: { at: number; names: Set<string> } | null = null;
/** {@link ownHostnames}, refreshed at most every 10 s (an address can change at a venue). */
function hostnames(now: number): Set<string> {
  if (!cached || now - cached.at > 10_000) cached = { at: now, names: ownHostnames() };
  return cached.names;
}

/**
 * Whether a browser page at `origin` is one this server serves: one of this machine's own
 * addresses (loopback, its LAN addresses) on the port the request came in on, or a configured
 * public origin. The request's Host header is not trusted: a page on any host name that
 * resolves to the server (DNS rebinding) sends a matching Host, but not an own address.
 */
export function isServedOrigin(
  origin: string,
  localPort: number | undefined,
  publicOrigins: ReadonlySet<string>,
  now = Date.now(),
): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (publicOrigins.has(url.origin)) return true;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return port === localPort && hostnames(now).has(url.hostname.toLowerCase());
}

/**
 * Websocket upgrades from a page of another site are refused (cross-site websocket hijacking,
 * DNS rebinding): a browser always sends `Origin`, and it must be one this server serves
 * ({@link isServedOrigin}). Clients that are not browsers (the simulator, tests) may omit it.
 */
export async function checkOrigin(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const origin = req.headers.origin;
  if (!origin) return;
  if (!isServedOrigin(origin, req.socket.localPort, req.server.publicOrigins))
    await reply.code(403).send(errorBody('origin/forbidden', {}));
}
