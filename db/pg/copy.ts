import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client.ts';
import * as lite from '../schema.ts';
import type { PgDb } from './client.ts';
import * as pg from './schema.ts';

/** The tables in an order that satisfies every foreign key. */
const ORDER = [
  'festivals',
  'competitions',
  'contestants',
  'officials',
  'marks',
  'stationLocks',
  'auditLog',
  'settings',
  'sessions',
  'rescoreRequests',
] as const;

/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

/**
 * Copies every row of a SQLite database (db/client.ts) into an empty PostgreSQL database with
 * the same schema (db/pg/schema.ts, held column for column by db/pg/schema.test.ts), ids
 * included, in one transaction, then moves each identity sequence past the highest id. This
 * is how a venue's file becomes the festival's database, and how tests seed PostgreSQL with
 * the contest the SQLite code path loads.
 *
 * @returns the number of rows copied per table.
 * @throws Error when the PostgreSQL database already holds a competition (nothing is copied).
 */
export async function copySqliteToPg(from: Db, to: PgDb): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await to.transaction(async (tx) => {
    const [{ n }] = (
      await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM competitions`)
    ).rows as [{ n: number }];
    if (n > 0) throw new Error('the PostgreSQL database already holds competitions');
    for (const name of ORDER) {
      const source = lite[name] as SQLiteTable;
      const target = pg[name] as PgTable;
      const rows = from.select().from(source).all() as Record<string, unknown>[];
      counts[name] = rows.length;
      const per = Math.max(1, Math.floor(MAX_PARAMS / getTableConfig(target).columns.length));
      for (let i = 0; i < rows.length; i += per)
        await tx.insert(target).values(rows.slice(i, i + per));
      const { name: table, columns } = getTableConfig(target);
      if (columns.some((c) => c.name === 'id'))
        await tx.execute(
          sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'),
                            COALESCE((SELECT max(id) FROM ${sql.identifier(table)}), 0) + 1, false)`,
        );
    }
  });
  return counts;
}
