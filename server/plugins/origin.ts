import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Websocket upgrades from a page of another site are refused (cross-site websocket hijacking):
 * a browser always sends `Origin`, and it must name this server's own host. Clients that are
 * not browsers (the simulator, tests) may omit it.
 */
export async function checkOrigin(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const origin = req.headers.origin;
  if (!origin) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host !== req.headers.host)
    await reply.code(403).send({ error: 'origin/forbidden', message: '拒绝来自其他网站的连接' });
}
