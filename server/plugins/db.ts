import fp from 'fastify-plugin';
import { openDatabase, sqliteStore } from '../../db/client.ts';
import { openPgDatabase, pgStore } from '../../db/pg/client.ts';
import type { Store } from '../../db/store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The database on its engine (db/store.ts): every repository takes it. */
    store: Store;
  }
}

/**
 * Opens the database a server runs on: PostgreSQL when `databaseUrl` is given
 * (`DATABASE_URL=postgres://…`, a city-wide deployment of several instances), else the
 * embedded SQLite file (WAL) at `file`. Migrations run on open either way.
 * @throws Error when PostgreSQL is unreachable or unsafe for acks (db/pg/client.ts).
 */
export async function openStore(o: { file: string; databaseUrl?: string }): Promise<Store> {
  return o.databaseUrl
    ? pgStore(await openPgDatabase(o.databaseUrl))
    : sqliteStore(openDatabase(o.file));
}

/** Serves `store` to the routes and closes it after everything else. */
export default fp(
  async (app, opts: { store: Store }) => {
    app.decorate('store', opts.store);
    app.addHook('onClose', async () => {
      await opts.store.close();
    });
  },
  { name: 'db' },
);
