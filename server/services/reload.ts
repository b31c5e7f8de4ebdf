import type { FastifyInstance } from 'fastify';

/**
 * After the field itself changed (a contestant list, a draw, an advancement), rebuilds the
 * competition's live state and asks every board and tablet to reconnect (close 4009), so each
 * gets the new list in a fresh snapshot or welcome.
 */
export async function reloadEveryone(app: FastifyInstance, slug: string): Promise<void> {
  const fresh = await app.live.load(slug);
  if (fresh) app.live.replace(fresh, 'contestants changed');
}
