import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Runs `fn` in one transaction (better-sqlite3: synchronous; a throw rolls everything back)
 * with a handle every repository function accepts, so a multi-step write (a row, its audit
 * entry, a revision) commits as one.
 */
export function transaction<T>(db: Db, fn: (tx: Db) => T): T {
  // Drizzle's transaction handle has every query method of the database but not `$client`,
  // which no repository uses on a transaction.
  return db.transaction((tx) => fn(tx as unknown as Db));
}

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
