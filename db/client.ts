import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';
import { sqliteMarkLog } from './repositories/marks.ts';
import type { Store } from './store.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas every write relies on and runs
 * the committed migrations.
 *
 * - WAL: readers (exports, backups) never block the writer and vice versa.
 * - synchronous=FULL: a commit is on disk before it returns, so an ack means durable even
 *   across a power cut of the organiser's laptop.
 * - foreign_keys=ON, busy_timeout so a second connection waits instead of failing.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}

/**
 * The SQLite file as a {@link Store}. Transactions run one at a time (`BEGIN IMMEDIATE` on the
 * one connection, queued behind each other); a transaction body awaits only repository calls,
 * which better-sqlite3 settles in the same turn, so the mark writer (a later turn) never runs
 * inside one.
 */
export function sqliteStore(db: Db): Store {
  let tail: Promise<unknown> = Promise.resolve();
  const base = {
    engine: 'sqlite' as const,
    instance: randomUUID(),
    db,
    t: schema,
    markLog: sqliteMarkLog(db),
    notify: async () => {},
    ping: async () => {
      db.$client.prepare('SELECT 1').get();
    },
    snapshot: <T>(fn: (s: Store) => Promise<T>) => fn(outside),
    close: async () => {
      db.$client.close();
    },
  };
  const inside: Store = {
    ...base,
    inTransaction: true,
    transaction: (fn) => fn(inside),
    snapshot: (fn) => fn(inside),
  };
  const run = async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
    db.$client.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(inside);
      db.$client.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.$client.inTransaction) db.$client.exec('ROLLBACK');
      throw error;
    }
  };
  const outside: Store = {
    ...base,
    inTransaction: false,
    transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      const result = tail.then(() => run(fn));
      tail = result.catch(() => {});
      return result;
    },
  };
  return outside;
}
