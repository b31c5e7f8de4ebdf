import { getTableConfig as pgConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sqlite from '../schema.ts';
import { openPgDatabase, type PgDb } from './client.ts';
import * as postgres from './schema.ts';
import { startThrowawayCluster, type ThrowawayCluster } from './throwaway.ts';

/** A table's shape in dialect-free words, so the two schemas compare column by column. */
interface Shape {
  columns: Record<
    string,
    {
      type: string;
      notNull: boolean;
      hasDefault: boolean;
      primary: boolean;
      unique: boolean;
      enumValues?: string[];
    }
  >;
  indexes: string[];
  foreignKeys: string[];
}

/** SQLite's 0/1 boolean and PostgreSQL's boolean are the same column here. */
const TYPE = (sqlType: string) =>
  sqlType
    .replace(/^SQLiteBoolean$/, 'boolean')
    .replace(/^(SQLite|Pg)/, '')
    .toLowerCase();

function shape(cfg: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>): Shape {
  const columns: Shape['columns'] = {};
  for (const c of cfg.columns)
    columns[c.name] = {
      type: TYPE(c.columnType),
      notNull: c.notNull,
      hasDefault: c.hasDefault,
      primary: c.primary,
      unique: c.isUnique,
      ...(c.enumValues ? { enumValues: [...c.enumValues] } : {}),
    };
  const indexes = cfg.indexes
    .map(
      (i) =>
        `${i.config.name}${i.config.unique ? ' unique' : ''}(${i.config.columns.map((c) => ('name' in c ? c.name : '?')).join(',')})`,
    )
    .sort();
  const foreignKeys = cfg.foreignKeys
    .map((fk) => {
      const r = fk.reference();
      return `${r.columns.map((c) => c.name).join(',')}→${r.foreignColumns.map((c) => c.name).join(',')}`;
    })
    .sort();
  return { columns, indexes, foreignKeys };
}

const sqliteTables = Object.fromEntries(
  Object.entries(sqlite).map(([key, t]) => [key, shape(sqliteConfig(t as SQLiteTable))]),
);
const pgTables = Object.fromEntries(
  Object.entries(postgres).map(([key, t]) => [key, shape(pgConfig(t as PgTable))]),
);

describe('the PostgreSQL schema is the SQLite schema', () => {
  it('has the same tables', () => {
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(sqliteTables).sort());
  });

  it.each(Object.keys(sqliteTables))(
    '%s: same columns, types, defaults, keys and indexes',
    (name) => {
      expect(pgTables[name]).toEqual(sqliteTables[name]);
    },
  );
});

describe('on a throwaway PostgreSQL cluster', () => {
  let cluster: ThrowawayCluster;
  let db: PgDb;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    db = await openPgDatabase(cluster.url);
  }, 120_000);

  afterAll(async () => {
    await db?.$client.end();
    await cluster?.destroy();
  }, 60_000);

  it('applies the migrations once, and again without change', async () => {
    const tables = await db.$client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      Object.values(postgres)
        .map((t) => pgConfig(t as PgTable).name)
        .sort(),
    );
    const again = await openPgDatabase(cluster.url, 1);
    await again.$client.end();
  });

  it('refuses a second mark with the same client id', async () => {
    const c = db.$client;
    const f = await c.query<{ id: number }>(
      "INSERT INTO competitions (slug, title_zh, title_en, date, scheme_json) VALUES ('pg-dup', '测试', 'Test', '2026-12-06', '{}') RETURNING id",
    );
    const competitionId = f.rows[0]!.id;
    const o = await c.query<{ id: number }>(
      "INSERT INTO officials (competition_id, code, name, role, token_hash) VALUES ($1, 'J1', '裁判', 'judge', 'h-dup') RETURNING id",
      [competitionId],
    );
    const k = await c.query<{ id: number }>(
      "INSERT INTO contestants (competition_id, bib, draw_order, name) VALUES ($1, '001', 1, '张三') RETURNING id",
      [competitionId],
    );
    const insert = () =>
      c.query(
        "INSERT INTO marks (client_id, competition_id, contestant_id, sheet_id, official_id, revision, created_at) VALUES ('same-id', $1, $2, 's', $3, 1, 'now')",
        [competitionId, k.rows[0]!.id, o.rows[0]!.id],
      );
    await insert();
    await expect(insert()).rejects.toMatchObject({ code: '23505' });
    const count = await c.query("SELECT count(*)::int AS n FROM marks WHERE client_id = 'same-id'");
    expect(count.rows[0].n).toBe(1);
  });

  it('hands out each revision once: a second bump waits for the first transaction to commit', async () => {
    const created = await db.$client.query<{ id: number }>(
      "INSERT INTO competitions (slug, title_zh, title_en, date, scheme_json) VALUES ('pg-rev', '测试', 'Test', '2026-12-06', '{}') RETURNING id",
    );
    const id = created.rows[0]!.id;
    const a = new pg.Client({ connectionString: cluster.url });
    const b = new pg.Client({ connectionString: cluster.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      const bump =
        'UPDATE competitions SET revision = revision + 1 WHERE id = $1 RETURNING revision';
      await a.query('BEGIN');
      const first = await a.query(bump, [id]);
      await b.query('BEGIN');
      const second = b.query(bump, [id]);
      // b waits on a's row lock: seen by the server, not guessed with a sleep.
      for (;;) {
        const waiting = await db.$client.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE competitions%'",
        );
        if (waiting.rows[0].n === 1) break;
      }
      await a.query('COMMIT');
      const next = await second;
      await b.query('COMMIT');
      expect([first.rows[0].revision, next.rows[0].revision]).toEqual([1, 2]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});
