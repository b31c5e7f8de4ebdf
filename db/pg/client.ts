import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import * as schema from './schema.ts';
import type * as sqliteSchema from '../schema.ts';
import type { Db } from '../client.ts';
import type { Store } from '../store.ts';
import { pgMarkLog } from './repositories/marks.ts';
import { sql } from 'drizzle-orm';
import { REVISION_CHANNEL } from './revision-channel.ts';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens a pool on the PostgreSQL database at `url` (`postgres://user@host:port/db`), checks the
 * settings an acknowledgement relies on and runs the committed migrations (db/pg/migrations/).
 *
 * - `synchronous_commit` must be `on` (or `remote_apply`/`remote_write` on a replicated
 *   cluster): a COMMIT returns only once its WAL is flushed, so an ack means durable. A
 *   cluster with `off` or `local`-less settings is refused with an error naming the setting,
 *   because acks there could be lost on a crash.
 * - `fsync` must be `on` for the same reason.
 *
 * A cut connection never ends the process: the query on it fails (a write is refused as
 * retryable) and the pool connects afresh for the next one.
 *
 * @param poolSize connections this instance keeps (default 10).
 * @throws Error when the database is unreachable, a setting is unsafe or a migration fails.
 */
export async function openPgDatabase(url: string, poolSize = 10): Promise<PgDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A database that does not answer refuses the write in seconds, not never.
    connectionTimeoutMillis: 5_000,
    // A transaction left open by an instance cut off mid-batch releases its row locks.
    options: '-c idle_in_transaction_session_timeout=15000',
  });
  // An idle connection cut by the server (a restart, an administrator) is dropped by the pool,
  // and the next query opens a new one; without a listener the cut would end the process.
  pool.on('error', () => {});
  // So is one cut while it is checked out (a transaction in flight): its query fails, and the
  // write is refused as retryable; the client's own 'error' event must not end the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    const settings = await pool.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync')",
    );
    for (const { name, setting } of settings.rows) {
      const safe = name === 'fsync' ? setting === 'on' : setting !== 'off' && setting !== 'local';
      if (!safe)
        throw new Error(
          `PostgreSQL 的 ${name} 是 '${setting}'：崩溃时已确认的评分可能丢失。` +
            `请把 ${name} 设为 on（postgresql.conf，或 ALTER DATABASE / ALTER ROLE … SET 设过的那处）。`,
        );
    }
    const db = drizzle(pool, { schema }) as PgDb;
    await migrate(db, { migrationsFolder: MIGRATIONS });
    return db;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * PostgreSQL as a {@link Store}: the repositories' queries run on the pool (or, inside
 * `transaction`, on the transaction's connection) against the tables of db/pg/schema.ts, which
 * mirror SQLite's column for column. A revision moved inside a transaction is announced by a
 * NOTIFY that PostgreSQL delivers at the commit.
 */
export function pgStore(pool: PgDb): Store {
  type Handle = Parameters<Parameters<PgDb['transaction']>[0]>[0] | PgDb;
  const markLog = pgMarkLog(pool);
  const instance = randomUUID();
  const over = (db: Handle, inTransaction: boolean): Store => {
    const store: Store = {
      engine: 'postgres',
      instance,
      // The same query builder as SQLite's for every query the repositories make (see Store).
      db: db as unknown as Db,
      t: schema as unknown as typeof sqliteSchema,
      inTransaction,
      markLog,
      transaction: (fn) =>
        inTransaction ? fn(store) : pool.transaction((tx) => fn(over(tx, true))),
      snapshot: (fn) =>
        inTransaction
          ? fn(store)
          : pool.transaction((tx) => fn(over(tx, true)), {
              isolationLevel: 'repeatable read',
              accessMode: 'read only',
            }),
      async notify(payload) {
        await db.execute(sql`SELECT pg_notify(${REVISION_CHANNEL}, ${payload})`);
      },
      async ping() {
        // On a connection of its own, ended after 5 s without an answer: a ping stuck on a
        // connection cut without a word must not hold /healthz at 503 for TCP's 15 minutes.
        const client = await pool.$client.connect();
        let released = false;
        const release = (destroy?: boolean) => {
          if (released) return;
          released = true;
          client.release(destroy);
        };
        const timer = setTimeout(() => release(true), 5_000);
        try {
          await client.query('SELECT 1');
        } finally {
          clearTimeout(timer);
          release();
        }
      },
      close: () => pool.$client.end(),
    };
    return store;
  };
  return over(pool, false);
}
