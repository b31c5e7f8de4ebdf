/**
 * The write path on each storage engine (issue 14): the product's MarkWriter, its group commit
 * and its rules, on the embedded SQLite file and on PostgreSQL (a throwaway cluster, Debian's
 * package), with one instance and with two instances sharing the database. No websockets and
 * no boards: this isolates what the engine costs an ack. 100 judges, each writing its next mark
 * when its ack arrives (closed loop), and the same judges at a fixed 500 marks/s (open loop).
 * Prints nothing itself; `npm run bench` puts the result under `storage`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarkAck, MarkReject, MarkSubmit } from '../server/protocol/index.ts';
import { openDatabase, sqliteStore } from '../db/client.ts';
import type { MarkLog } from '../db/mark-log.ts';
import { openPgDatabase, pgStore, type PgDb } from '../db/pg/client.ts';
import { copySqliteToPg } from '../db/pg/copy.ts';
import { startThrowawayCluster } from '../db/pg/throwaway.ts';
import { listCompetitions } from '../db/repositories/competitions.ts';
import { readStoredCompetition, type StoredCompetition } from '../db/repositories/stored.ts';
import { seedIfEmpty } from '../server/plugins/seed.ts';
import { openCustody } from '../server/services/custody.ts';
import { LiveCompetition } from '../server/services/live-competition.ts';
import { identityOf, MarkWriter, type JudgeIdentity } from '../server/services/mark-writer.ts';
import { valuesFor } from './live.ts';
import { makeFixture, SOLO_SHEETS } from './procs.ts';

/** One writer process's view: its log, its copy of the competition, its judges. */
interface Instance {
  writer: MarkWriter;
  live: LiveCompetition;
  judges: JudgeIdentity[];
}

export interface StorageResult {
  engine: string;
  instances: number;
  judges: number;
  rate: number | 'closed-loop';
  acked: number;
  rejected: number;
  ackedPerSecond: number;
  ackMs: { p50: number; p99: number };
  /** Every ack's revision unique and the revisions gapless, over all instances. */
  revisionsExact: boolean;
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))]! * 100) / 100
    : 0;
};

function instanceOf(log: MarkLog, stored: StoredCompetition): Instance {
  const live = LiveCompetition.fromStored(stored);
  const judges = stored.officials.filter((o) => o.role === 'judge').map((o) => identityOf(o)!);
  return { writer: new MarkWriter(log, () => {}), live, judges };
}

/**
 * Drives `judges` judges spread over the instances for `seconds` (after a second's warm-up):
 * closed loop (`rate` 0) or `rate` marks/s in all, one judge after another.
 */
async function drive(
  instances: Instance[],
  judges: number,
  rate: number,
  seconds: number,
): Promise<Omit<StorageResult, 'engine' | 'instances'>> {
  const ackMs: number[] = [];
  const revisions: number[] = [];
  let acked = 0;
  let rejected = 0;
  let measuring = false;
  let running = true;
  const lanes = Array.from({ length: judges }, (_, k) => {
    const on = instances[k % instances.length]!;
    const judge = on.judges[k % on.judges.length]!;
    const mine = [...on.live.contestants.values()].filter((_, i) => i % judges === k);
    return { on, judge, mine, next: 0, heads: new Map<string, number>() };
  });
  const send = async (k: number): Promise<void> => {
    const l = lanes[k]!;
    const c = l.mine[l.next % l.mine.length]!;
    const sheetId = SOLO_SHEETS[Math.floor(l.next / l.mine.length) % SOLO_SHEETS.length]!;
    l.next++;
    const key = `${c.id}:${sheetId}`;
    const head = l.heads.get(key);
    const msg: MarkSubmit = {
      type: 'mark.submit',
      clientId: randomUUID(),
      contestantId: c.id,
      sheetId,
      attempt: 1,
      values: valuesFor(sheetId, l.next) as MarkSubmit['values'],
      seen: head ?? null,
      ...(head ? { reason: '压测更正' } : {}),
    };
    const t0 = performance.now();
    const counted = measuring;
    const o: MarkAck | MarkReject = await l.on.writer.submit(l.judge, l.on.live, msg);
    if (o.type === 'mark.ack') {
      l.heads.set(key, o.markId);
      if (counted) {
        acked++;
        ackMs.push(performance.now() - t0);
      }
      revisions.push(o.revision);
    } else if (counted) rejected++;
    if (rate === 0 && running) return send(k);
  };
  let ticker: NodeJS.Timeout | null = null;
  const loops: Promise<void>[] = [];
  if (rate === 0) for (let k = 0; k < judges; k++) loops.push(send(k));
  else {
    let n = 0;
    const started = performance.now();
    ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - started) * rate) / 1000);
      for (; n < due; n++) loops.push(send(n % judges));
    }, 1);
  }
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true;
  const from = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - from) / 1000;
  running = false;
  if (ticker) clearInterval(ticker);
  await Promise.all(loops);
  const sorted = [...revisions].sort((a, b) => a - b);
  return {
    judges,
    rate: rate || 'closed-loop',
    acked,
    rejected,
    ackedPerSecond: Math.round(acked / elapsed),
    ackMs: { p50: q(ackMs, 0.5), p99: q(ackMs, 0.99) },
    revisionsExact: sorted.every((r, i) => i === 0 || r === sorted[i - 1]! + 1),
  };
}

/**
 * SQLite, PostgreSQL with one instance and PostgreSQL with two instances, each fresh from the
 * same seeded contest (1,000 contestants, 100 judges), closed loop and 500 marks/s.
 * @returns one result per engine and load, or `{skipped}` when PostgreSQL cannot be started.
 */
export async function storageBench(
  seconds: number,
  log: (s: string) => void,
): Promise<StorageResult[] | { skipped: string }> {
  const { file } = makeFixture(1000, 100);
  const seed = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jx-bench-storage-'));
    const db = openDatabase(join(dir, 'jiangxing.db'));
    const store = sqliteStore(db);
    await seedIfEmpty(store, openCustody(dir).custody, file);
    return { db, store, slug: (await listCompetitions(store))[0]!.slug };
  };
  const loads = [0, 500];
  const out: StorageResult[] = [];
  for (const rate of loads) {
    log(`storage sqlite rate=${rate || 'closed-loop'}`);
    const { store, slug } = await seed();
    const one = instanceOf(store.markLog, (await readStoredCompetition(store, slug))!);
    out.push({ engine: 'sqlite', instances: 1, ...(await drive([one], 100, rate, seconds)) });
    await store.close();
  }
  let cluster;
  try {
    cluster = await startThrowawayCluster();
  } catch (err) {
    return { skipped: `PostgreSQL: ${String(err).split('\n')[0]}` };
  }
  try {
    for (const instances of [1, 2])
      for (const rate of loads) {
        log(`storage postgres ×${instances} rate=${rate || 'closed-loop'}`);
        const pools: PgDb[] = [];
        const url = `${cluster.url.replace(/\/[^/]*$/, '')}/b${instances}r${rate}`;
        const admin = await openPgDatabase(cluster.url, 1);
        await admin.$client.query(`CREATE DATABASE b${instances}r${rate}`);
        await admin.$client.end();
        const { db, slug } = await seed();
        const first = await openPgDatabase(url, 10);
        pools.push(first);
        await copySqliteToPg(db, first);
        db.$client.close();
        for (let i = 1; i < instances; i++) pools.push(await openPgDatabase(url, 10));
        const all = await Promise.all(
          pools.map(async (p) => {
            const store = pgStore(p);
            return instanceOf(store.markLog, (await readStoredCompetition(store, slug))!);
          }),
        );
        out.push({ engine: 'postgres', instances, ...(await drive(all, 100, rate, seconds)) });
        await Promise.all(pools.map((p) => p.$client.end()));
      }
  } finally {
    await cluster.destroy();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await storageBench(Number(process.argv[2] ?? 3), (s) =>
    process.stderr.write(`bench: ${s}\n`),
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
