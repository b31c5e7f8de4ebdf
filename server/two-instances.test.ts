import type { MarkAck, MarkReject, MarkSubmit } from '#protocol';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, sqliteStore } from '../db/client.ts';
import { openPgDatabase, pgStore, type PgDb } from '../db/pg/client.ts';
import { copySqliteToPg } from '../db/pg/copy.ts';
import { startThrowawayCluster, type ThrowawayCluster } from '../db/pg/throwaway.ts';
import { listCompetitions } from '../db/repositories/competitions.ts';
import { readMarksAfter } from '../db/repositories/marks.ts';
import type { OfficialRow } from '../db/repositories/officials.ts';
import { readStoredCompetition } from '../db/repositories/stored.ts';
import type { Store } from '../db/store.ts';
import { until } from '../e2e/support/wait.ts';
import { plausibleValues } from '../fixtures/marks.ts';
import { readFixture, seedIfEmpty } from './plugins/seed.ts';
import { openCustody } from './services/custody.ts';
import { LiveCompetition } from './services/live-competition.ts';
import { identityOf, MarkWriter, type JudgeIdentity } from './services/mark-writer.ts';
import { RevisionFollower } from './services/revision-follower.ts';
import { RevisionHints } from './services/revision-hints.ts';

/**
 * Issue 14, parts 2 and 3, on a real PostgreSQL cluster: two instances of the write path
 * (their own pool, their own in-memory competition, their own MarkWriter) share one database,
 * as two servers behind the load balancer will. Instance B listens for revision hints as a
 * server with boards does; A does not, so what A knows of B's writes it learns inside its own
 * transactions.
 */
describe('two instances on one PostgreSQL database', () => {
  let cluster: ThrowawayCluster;
  let slug: string;
  const instances: Instance[] = [];

  interface Instance {
    db: PgDb;
    store: Store;
    live: LiveCompetition;
    officials: OfficialRow[];
    writer: MarkWriter;
    follower: RevisionFollower;
    /** The revisions of the board deltas this instance published, in order. */
    published: number[];
    /** How often the instance rebuilt its copy after a change other than a mark. */
    reloads: number;
    hints?: RevisionHints;
  }

  /** What submitting a mark needs of an instance. */
  type Writing = Pick<Instance, 'live' | 'officials' | 'writer'>;

  async function startInstance(listen: boolean): Promise<Instance> {
    const db = await openPgDatabase(cluster.url, 4);
    const store = pgStore(db);
    const stored = (await readStoredCompetition(store, slug))!;
    const published: number[] = [];
    const instance = { db, store, officials: stored.officials, published, reloads: 0 } as Instance;
    instance.live = LiveCompetition.fromStored(stored);
    instance.writer = new MarkWriter(store.markLog, (_l, delta) => published.push(delta.revision), {
      onStale: (id) => void instance.follower.follow(id),
    });
    instance.follower = new RevisionFollower(
      () => [instance.live],
      instance.writer,
      {
        readAfter: (id, revision) => readMarksAfter(store, id, revision),
        reload: async (live) =>
          LiveCompetition.fromStored((await readStoredCompetition(store, live.slug))!),
      },
      (fresh) => {
        instance.live = fresh;
        instance.reloads++;
      },
    );
    if (listen) {
      instance.hints = new RevisionHints(cluster.url, instance.follower);
      await instance.hints.start();
    }
    instances.push(instance);
    return instance;
  }

  /** A judge of the default contest by code, as the judge socket authenticates one. */
  function judge(on: Writing, code: string): JudgeIdentity {
    return identityOf(on.officials.find((o) => o.code === code))!;
  }

  function submit(
    on: Writing,
    code: string,
    contestantId: number,
    sheetId: string,
    extra: { clientId?: string; seen?: number | null; reason?: string } = {},
  ): Promise<MarkAck | MarkReject> {
    const sheet = on.live.index.sheets.get(sheetId)!;
    return on.writer.submit(judge(on, code), on.live, {
      type: 'mark.submit',
      clientId: extra.clientId ?? randomUUID(),
      contestantId,
      sheetId,
      attempt: 1,
      values: plausibleValues(
        sheet,
        contestantId,
        extra.reason ? 'again' : '',
      ) as MarkSubmit['values'],
      ...(extra.seen !== undefined ? { seen: extra.seen } : {}),
      ...(extra.reason ? { reason: extra.reason } : {}),
    });
  }

  const acked = (o: MarkAck | MarkReject): MarkAck => {
    expect(o, JSON.stringify(o)).toMatchObject({ type: 'mark.ack' });
    return o as MarkAck;
  };

  async function countRows(db: PgDb): Promise<{ n: number; revisions: number }> {
    const { rows } = await db.$client.query<{ n: number; revisions: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT (competition_id, revision))::int AS revisions FROM marks',
    );
    return rows[0]!;
  }

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    // The default contest as the SQLite path seeds it, copied into PostgreSQL with its ids.
    const dir = mkdtempSync(join(tmpdir(), 'jx-two-instances-'));
    const sqlite = openDatabase(join(dir, 'jiangxing.db'));
    const local = sqliteStore(sqlite);
    await seedIfEmpty(local, openCustody(dir).custody);
    slug = (await listCompetitions(local))[0]!.slug;
    const pg = await openPgDatabase(cluster.url, 1);
    await copySqliteToPg(sqlite, pg);
    // The copy is exact: the state a server rebuilds from is the same on both engines.
    expect(await readStoredCompetition(pgStore(pg), slug)).toEqual(
      await readStoredCompetition(local, slug),
    );
    expect((await listCompetitions(pgStore(pg))).map((c) => c.slug)).toEqual([slug]);
    await expect(copySqliteToPg(sqlite, pg)).rejects.toThrow(/already holds competitions/);
    await pg.$client.end();
    sqlite.$client.close();
  }, 120_000);

  afterAll(async () => {
    for (const i of instances) {
      await i.hints?.stop();
      await i.db.$client.end().catch(() => {});
    }
    await cluster?.destroy();
  }, 60_000);

  it('a mark acked on A reaches B in revision order, and both rank the same', async () => {
    const a = await startInstance(false);
    const b = await startInstance(true);
    const start = a.live.revision;
    const contestants = [...a.live.contestants.values()].slice(0, 12);
    // Marks arrive on A in two bursts: the first is one batch, whose commit is in flight when
    // the second arrives; the second waits for it and is the next batch.
    const first = contestants.map((c) => submit(a, 'J02', c.id, 's-bend'));
    await new Promise((r) => setImmediate(r));
    const second = contestants.map((c) => submit(a, 'J03', c.id, 'bridge'));
    const acks = await Promise.all([...first, ...second]);
    const revisions = acks.map((o) => acked(o).revision).sort((x, y) => x - y);
    expect(revisions).toEqual(revisions.map((_, i) => start + 1 + i));
    await until(() => b.live.revision === start + acks.length);
    await until(() => b.published.length === acks.length);
    expect(b.published).toEqual(revisions);
    expect(b.live.standings()).toEqual(a.live.standings());
    // And a fresh instance reading the database ranks the same: nothing lives only in memory.
    const fresh = LiveCompetition.fromStored((await readStoredCompetition(a.store, slug))!);
    expect(fresh.standings()).toEqual(a.live.standings());
  });

  it('writes on both at once get unique, consecutive revisions', async () => {
    const [a, b] = instances as [Instance, Instance];
    const start = (await readStoredCompetition(a.store, slug))!.row.revision;
    const before = await countRows(a.db);
    const field = [...a.live.contestants.values()].slice(12, 32);
    const acks = await Promise.all(
      field.flatMap((c) => [
        submit(a, 'J04', c.id, 'traffic-lights'),
        submit(b, 'J05', c.id, 'smoothness'),
      ]),
    );
    const revisions = acks.map((o) => acked(o).revision).sort((x, y) => x - y);
    expect(revisions).toEqual(revisions.map((_, i) => start + 1 + i));
    const after = await countRows(a.db);
    expect(after.n - before.n).toBe(acks.length);
    expect(after.revisions).toBe(after.n);
    // B hears every revision, A's and its own, and publishes each once, in order.
    await until(() => b.live.revision === start + acks.length);
    const tail = b.published.slice(-acks.length);
    expect(tail).toEqual(revisions);
    expect(new Set(b.published).size).toBe(b.published.length);
  });

  it('a resend to the other instance is acknowledged once, with the first ids', async () => {
    const [a, b] = instances as [Instance, Instance];
    const clientId = randomUUID();
    const c = [...a.live.contestants.values()][33]!;
    const first = acked(await submit(a, 'J02', c.id, 's-bend', { clientId }));
    const before = await countRows(a.db);
    const again = acked(await submit(b, 'J02', c.id, 's-bend', { clientId }));
    expect(again).toMatchObject({
      duplicate: true,
      markId: first.markId,
      revision: first.revision,
    });
    expect(await countRows(a.db)).toEqual(before);
  });

  it('a correction judged on an old copy is refused as stale', async () => {
    const [a, b] = instances as [Instance, Instance];
    const c = [...a.live.contestants.values()][34]!;
    const first = acked(await submit(a, 'J03', c.id, 'bridge', { seen: null }));
    // B corrects the mark it has seen; A has not heard of the correction (A does not listen).
    await until(() => b.live.revision >= first.revision);
    const fix = acked(
      await submit(b, 'J03', c.id, 'bridge', { seen: first.markId, reason: '复核' }),
    );
    expect(a.live.revision).toBeLessThan(fix.revision);
    const late = await submit(a, 'J03', c.id, 'bridge', { seen: first.markId, reason: '再核' });
    expect(late).toMatchObject({
      type: 'mark.reject',
      code: 'mark/stale',
      current: { markId: fix.markId },
    });
    // A learned the correction inside its transaction, and published it to its boards.
    expect(a.live.revision).toBe(fix.revision);
    expect(a.live.standings()).toEqual(b.live.standings());
  });

  it('a change other than a mark on another instance: both rebuild their copy and mark on', async () => {
    const [a, b] = instances as [Instance, Instance];
    const { revision: before } = await readMarksAfter(a.store, a.live.id, 0);
    // What a lock by a third instance commits (the course service on PostgreSQL will): its
    // row, the revision, the hint, in one transaction. No mark row has that revision.
    const h01 = a.officials.find((o) => o.code === 'H01')!;
    await a.db.$client.query('BEGIN');
    await a.db.$client.query(
      `INSERT INTO station_locks (competition_id, station_id, action, official_id, reason, revision, created_at)
       VALUES ($1, 'cleaning', 'lock', $2, '复核完毕', $3, $4)`,
      [a.live.id, h01.id, before + 1, new Date().toISOString()],
    );
    await a.db.$client.query('UPDATE competitions SET revision = $1 WHERE id = $2', [
      before + 1,
      a.live.id,
    ]);
    await a.db.$client.query(`SELECT pg_notify('jx_revision', $1)`, [`${a.live.id}:${before + 1}`]);
    await a.db.$client.query('COMMIT');
    // B hears the hint, finds no mark for it in the log, and rebuilds from the database.
    await until(() => b.reloads === 1 && b.live.revision === before + 1);
    expect(b.live.isLocked('cleaning')).toBe(true);
    // A does not listen: its next write finds its copy out of date inside the transaction, is
    // refused as retryable, and A rebuilds; the resend is then judged on the new state.
    const c = [...a.live.contestants.values()][5]!;
    const clientId = randomUUID();
    const first = await submit(a, 'J04', c.id, 'traffic-lights', { clientId, seen: null });
    expect(first).toMatchObject({ type: 'mark.reject', code: 'server/commit_failed' });
    await until(() => a.reloads === 1);
    expect(a.live.isLocked('cleaning')).toBe(true);
    const again = acked(await submit(a, 'J04', c.id, 'traffic-lights', { clientId, seen: null }));
    expect(again.revision).toBe(before + 2);
    await until(() => b.live.revision === before + 2);
    expect(b.live.standings()).toEqual(a.live.standings());
  });

  it('a batch larger than one statement may bind (an import of 4,000 lines) commits whole', async () => {
    // Its own database, with a field of 4,000: 4,000 marks in one turn are one batch, whose
    // rows need more than PostgreSQL's 65,535 parameters in a single INSERT.
    const admin = await openPgDatabase(cluster.url, 1);
    await admin.$client.query('CREATE DATABASE big');
    await admin.$client.end();
    const url = cluster.url.replace(/\/[^/]*$/, '/big');
    const dir = mkdtempSync(join(tmpdir(), 'jx-two-instances-big-'));
    const file = join(dir, 'fixture.json');
    const base = readFixture();
    writeFileSync(
      file,
      JSON.stringify({
        ...base,
        contestants: Array.from({ length: 4000 }, (_, i) => ({
          bib: String(i + 1),
          drawOrder: i + 1,
          name: `选手${i + 1}`,
        })),
      }),
    );
    const sqlite = openDatabase(join(dir, 'jiangxing.db'));
    await seedIfEmpty(sqliteStore(sqlite), openCustody(dir).custody, file);
    const db = await openPgDatabase(url, 2);
    await copySqliteToPg(sqlite, db);
    sqlite.$client.close();
    const store = pgStore(db);
    const stored = (await readStoredCompetition(store, slug))!;
    const big: Writing = {
      live: LiveCompetition.fromStored(stored),
      officials: stored.officials,
      writer: new MarkWriter(store.markLog, () => {}),
    };
    const start = big.live.revision;
    const acks = await Promise.all(
      [...big.live.contestants.keys()].map((id) => submit(big, 'J02', id, 's-bend')),
    );
    expect(acks.map((o) => acked(o).revision).sort((x, y) => x - y)).toEqual(
      acks.map((_, i) => start + 1 + i),
    );
    expect((await countRows(db)).n).toBe(4000);
    await db.$client.end();
  }, 60_000);

  it('an instance killed (SIGKILL) while judges write through it: the resends on another are stored exactly once', async () => {
    const [, b] = instances as [Instance, Instance];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/support/pg-writer.ts', cluster.url, slug],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise((r) => child.once('exit', r));
    const answers = new Map<string, MarkAck | MarkReject>();
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') return ready();
      const answer = JSON.parse(line) as MarkAck | MarkReject;
      answers.set(answer.clientId!, answer);
    });
    await started;
    const from = b.published.length;
    // 120 corrections of J02's S-bend lines, each naming its reason (no `seen`: a judge's own
    // line), four every few milliseconds; the instance dies after 30 answers, with writes in
    // its queue, in a transaction, and not yet sent.
    const riders = [...b.live.contestants.keys()];
    const writes = Array.from({ length: 120 }, (_, i) => ({
      code: 'J02',
      msg: {
        type: 'mark.submit' as const,
        clientId: randomUUID(),
        contestantId: riders[i % riders.length]!,
        sheetId: 's-bend',
        attempt: 1,
        values: { 's-bend-faults': { 'cone-touched': i % 3 } },
        reason: '复测',
      },
    }));
    let killed = false;
    const sending = (async () => {
      for (const [i, w] of writes.entries()) {
        if (killed) return;
        child.stdin!.write(`${JSON.stringify(w)}\n`);
        if (i % 4 === 3) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await until(() => answers.size >= 30, 30_000);
    killed = true;
    child.kill('SIGKILL');
    await exited;
    await sending;
    const ackedBefore = [...answers.values()].filter((a): a is MarkAck => a.type === 'mark.ack');
    expect(ackedBefore.length).toBeGreaterThanOrEqual(30);
    expect(ackedBefore.length).toBeLessThan(writes.length);
    // Every tablet sends again what it has no ack for, and may send again what it has: to B.
    const again = await Promise.all(
      writes.map((w) => b.writer.submit(judge(b, w.code), b.live, w.msg)),
    );
    for (const a of again) acked(a);
    for (const first of ackedBefore) {
      const resent = again.find((a) => a.clientId === first.clientId) as MarkAck;
      expect(resent).toMatchObject({
        duplicate: true,
        markId: first.markId,
        revision: first.revision,
      });
    }
    // In the database: each write exactly once.
    const { rows } = await b.db.$client.query<{ n: number; ids: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT client_id)::int AS ids FROM marks WHERE client_id = ANY($1)',
      [writes.map((w) => w.msg.clientId)],
    );
    expect(rows[0]).toEqual({ n: writes.length, ids: writes.length });
    // B's boards saw every revision since, once and in order, with no gap.
    const seen = b.published.slice(from);
    expect(seen).toEqual(seen.map((_, i) => seen[0]! + i));
    expect(seen.at(-1)).toBe(b.live.revision);
    const fresh = LiveCompetition.fromStored((await readStoredCompetition(b.store, slug))!);
    expect(fresh.revision).toBe(b.live.revision);
    expect(b.live.standings()).toEqual(fresh.standings());
  }, 60_000);

  it('a PostgreSQL restart refuses writes as retryable, then the resend is stored once', async () => {
    const [a, b] = instances as [Instance, Instance];
    const c = [...a.live.contestants.values()][0]!;
    const clientId = randomUUID();
    await cluster.stop();
    const refused = await submit(a, 'J04', c.id, 'traffic-lights', { clientId, seen: null });
    expect(refused).toMatchObject({ type: 'mark.reject', code: 'server/commit_failed' });
    await cluster.start();
    const stored = acked(await submit(a, 'J04', c.id, 'traffic-lights', { clientId, seen: null }));
    expect(stored.duplicate).toBe(false);
    // B's listener reconnects and catches up by revision: the hint sent while it was away is
    // not needed.
    await until(() => b.live.revision === stored.revision);
    expect(b.live.standings()).toEqual(a.live.standings());
  });
});
