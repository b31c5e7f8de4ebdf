/**
 * The storage floor: raw better-sqlite3, one mark-sized row per transaction, with the pragmas
 * the product uses (WAL, synchronous=FULL) on a file in the same temp folder kind.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function sqliteBaseline(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'jx-bench-sqlite-'));
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table marks (id integer primary key autoincrement, client_id text not null unique,
    contestant_id integer not null, sheet_id text not null, official_id integer not null,
    values_json text not null, revision integer not null, created_at text not null)`);
  const insert = db.prepare(
    'insert into marks (client_id, contestant_id, sheet_id, official_id, values_json, revision, created_at) values (?, ?, ?, ?, ?, ?, ?)',
  );
  const one = db.transaction((i: number) =>
    insert.run(
      randomUUID(),
      i % 1000,
      's-bend',
      1,
      '{"s-bend-faults":{"cone-touched":1}}',
      i,
      new Date().toISOString(),
    ),
  );
  const ms: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    one(i);
    ms.push(performance.now() - t);
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  ms.sort((a, b) => a - b);
  const q = (p: number) => Math.round(ms[Math.floor((ms.length - 1) * p)]! * 1000) / 1000;
  return {
    commits: n,
    commitMs: { p50: q(0.5), p99: q(0.99) },
    commitsPerSecond: Math.round(n / seconds),
  };
}
