import type { Db } from './client.ts';
import type { MarkLog } from './mark-log.ts';
import type * as schema from './schema.ts';

/**
 * The database as every repository (db/repositories/) takes it, on either engine (issue 14:
 * "one schema, the same repositories; no scoring or protocol code knows which engine it runs
 * on"): the embedded SQLite file (db/client.ts `sqliteStore`) or PostgreSQL (db/pg/client.ts
 * `pgStore`).
 *
 * The repositories are written once with drizzle's query builder, whose queries both drivers
 * share, and every query is awaited: never `.get()`, `.all()` or `.run()`, which only the
 * SQLite driver has. `db` and `t` are typed as SQLite's; on PostgreSQL they are the
 * PostgreSQL database and its tables (db/pg/schema.ts), which have the same columns and row
 * types (db/pg/schema.test.ts fails on any difference), so one repository body serves both.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** The query builder of this engine (typed as SQLite's: see above). */
  readonly db: Db;
  /** The tables of this engine's schema. */
  readonly t: typeof schema;
  /** This process's name among the instances sharing the database (random at each start). */
  readonly instance: string;
  /** Inside {@link Store.transaction}: a nested call joins the open transaction. */
  readonly inTransaction: boolean;
  /** The append-only mark log of the write path (db/mark-log.ts) on this engine. */
  readonly markLog: MarkLog;
  /**
   * Runs `fn` in one transaction and resolves after the commit; a throw rolls back everything
   * `fn` wrote and rejects with it. Called inside a transaction, `fn` joins it.
   *
   * SQLite: one transaction at a time on the process's one connection (`BEGIN IMMEDIATE`);
   * `fn` must await nothing but repository calls, which settle in the same turn of the event
   * loop, so no other request's statement can land between its statements.
   * PostgreSQL: a transaction on a pooled connection (READ COMMITTED).
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`'s reads as one consistent snapshot: on PostgreSQL a REPEATABLE READ, read-only
   * transaction; on SQLite as it is (reads settle in one turn, and this process is the only
   * writer).
   */
  snapshot<T>(fn: (s: Store) => Promise<T>): Promise<T>;
  /**
   * Tells the other instances what changed (a payload of db/pg/revision-channel.ts): a
   * PostgreSQL NOTIFY, which inside a transaction is sent at its commit and never for a
   * rollback. Nothing on SQLite, where this process is the only one.
   */
  notify(payload: string): Promise<void>;
  /**
   * Resolves when the database answers a trivial query (`SELECT 1`), rejects with the driver's
   * error when it does not (PostgreSQL stopped or unreachable, the file closed).
   */
  ping(): Promise<void>;
  /** Ends the connection(s), after everything else. */
  close(): Promise<void>;
}

/** The first row of a query's result, or undefined (what SQLite's `.get()` returns). */
export async function first<R>(rows: PromiseLike<R[]>): Promise<R | undefined> {
  return (await rows)[0];
}
