import type { FastifyInstance } from 'fastify';
import { CloseCode } from '#protocol';

/**
 * After the field itself changed (a contestant list, a draw, an advancement), rebuilds the
 * competition's live state and asks every board and tablet to reconnect (close 4009), so each
 * gets the new list in a fresh snapshot or welcome.
 */
export function reloadEveryone(app: FastifyInstance, slug: string): void {
  const fresh = app.live.load(slug)!;
  for (const ws of app.live.boards.get(fresh.id)?.keys() ?? [])
    ws.close(CloseCode.serverShutdown, 'contestants changed');
  for (const ws of app.live.judges.get(fresh.id)?.keys() ?? [])
    ws.close(CloseCode.serverShutdown, 'contestants changed');
}
