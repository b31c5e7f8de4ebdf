import type { BoardDelta } from '#protocol';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { getCompetitionBySlug, listCompetitions } from '../../db/repositories/competitions.ts';
import { LiveCompetition } from '../services/live-competition.ts';
import { MarkWriter } from '../services/mark-writer.ts';

/** Live state of every competition, the board sockets watching each, and the mark writer. */
export interface Live {
  get(slug: string): LiveCompetition | undefined;
  all(): LiveCompetition[];
  /** Loads (or reloads) a competition from the database, e.g. after it was created. */
  load(slug: string): LiveCompetition | undefined;
  writer: MarkWriter;
  /** Board sockets per competition id. */
  boards: Map<number, Set<WebSocket>>;
  /** Judge sockets, closed with a reason on shutdown. */
  judges: Set<WebSocket>;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: Live;
  }
}

/**
 * Builds the live registry from the database at boot. Broadcasting serialises each delta
 * once and writes the same string to every board of the competition.
 */
export default fp(
  async (app) => {
    const bySlug = new Map<string, LiveCompetition>();
    const boards = new Map<number, Set<WebSocket>>();
    const broadcast = (live: LiveCompetition, delta: BoardDelta) => {
      const set = boards.get(live.id);
      if (!set?.size) return;
      const frame = JSON.stringify(delta);
      for (const ws of set) if (ws.readyState === ws.OPEN) ws.send(frame);
    };
    const load = (slug: string) => {
      const row = getCompetitionBySlug(app.db, slug);
      if (!row) return undefined;
      const live = LiveCompetition.load(app.db, row);
      bySlug.set(slug, live);
      return live;
    };
    for (const row of listCompetitions(app.db))
      bySlug.set(row.slug, LiveCompetition.load(app.db, row));
    const live: Live = {
      get: (slug) => bySlug.get(slug),
      all: () => [...bySlug.values()],
      load,
      writer: new MarkWriter(app.db, broadcast),
      boards,
      judges: new Set(),
    };
    app.decorate('live', live);
    app.addHook('preClose', async () => {
      live.writer.flush();
      for (const set of boards.values())
        for (const ws of set) ws.close(4009, 'server shutting down');
      for (const ws of live.judges) ws.close(4009, 'server shutting down');
    });
  },
  { name: 'live', dependencies: ['db'] },
);
