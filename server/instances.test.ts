import { indexScheme } from '#engine';
import type {
  BoardDelta,
  BoardSnapshot,
  JudgeWelcome,
  MarkAck,
  MarkReject,
  StandingsResponse,
} from '#protocol';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startThrowawayCluster, type ThrowawayCluster } from '../db/pg/throwaway.ts';
import { until } from '../e2e/support/wait.ts';
import { plausibleValues } from '../fixtures/marks.ts';
import { readFixture } from './plugins/seed.ts';
import { CloseCode } from './protocol/constants.ts';
import { startBalancer } from './support/balancer.ts';
import { endProcesses, startProcess } from './support/server-process.ts';
import {
  connectBoard,
  connectJudge,
  submitMark,
  tokenOf,
  type JudgeSocket,
} from './test-support.ts';

const run = promisify(execFile);
const fixture = readFixture();
const slug = fixture.competition.slug;
const PASSWORD = 'festival-password-2026';

/**
 * Issue 14 with the real server: two `npm start` processes on one PostgreSQL database, as a
 * city-wide festival runs them (docs/deployment.md), behind nginx with the configuration the
 * deployment guide gives. Judges, boards and the organiser talk to them as they would.
 */
describe('several server instances on one PostgreSQL database, behind nginx', () => {
  let cluster: ThrowawayCluster;
  let databaseUrl: string;
  let a: Awaited<ReturnType<typeof startProcess>>;
  /** The first instance's data folder, whose server secret every other instance copies. */
  let dirA: string;
  let b: Awaited<ReturnType<typeof startProcess>>;
  let nginx: Awaited<ReturnType<typeof startBalancer>>;
  let balancer: string;
  const sockets: { close(): void }[] = [];
  const ws = (url: string) => url.replace('http', 'ws');

  const envOf = (dataDir: string, nginxPort: number) => ({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    HTTPS: 'off',
    LOG_LEVEL: 'warn',
    ORGANISER_PASSWORD: PASSWORD,
    TRUST_PROXY: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
  });

  /** Every committed mark of the festival database: client id and revision. */
  async function storedMarks(url = databaseUrl): Promise<{ clientId: string; revision: number }[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ clientId: string; revision: number }>(
        'SELECT client_id AS "clientId", revision FROM marks ORDER BY revision',
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  /** A plausible mark of `sheetId` for contestant `contestantId`, as a judge enters it. */
  const valuesOf = (welcome: JudgeWelcome, sheetId: string, contestantId: number, judge = '') =>
    plausibleValues(indexScheme(welcome.scheme).sheets.get(sheetId)!, contestantId, judge);

  /** The revisions a board's deltas covered, in the order they came (a frame may merge several). */
  const revisionsOf = (board: { received: { type: string }[] }) =>
    board.received
      .filter((m): m is BoardDelta => m.type === 'board.delta')
      .flatMap((d) =>
        Array.from(
          { length: d.revision - (d.from ?? d.revision) + 1 },
          (_, i) => (d.from ?? d.revision) + i,
        ),
      );

  const standingsOf = async (url: string) =>
    (await (await fetch(`${url}/api/competitions/${slug}/standings`)).json()) as StandingsResponse;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE festival');
    await admin.end();
    databaseUrl = cluster.url.replace(/\/[^/]*$/, '/festival');
    // The balancer's port first: the instances accept websocket upgrades from pages there.
    const nginxPort = await freePort();
    dirA = mkdtempSync(join(tmpdir(), 'jx-instance-a-'));
    const dirB = mkdtempSync(join(tmpdir(), 'jx-instance-b-'));
    // The first instance creates the tables, loads the default contest and the server secret,
    // which every other instance shares (docs/deployment.md).
    a = await startProcess(dirA, envOf(dirA, nginxPort));
    copyFileSync(join(dirA, 'server-secret.key'), join(dirB, 'server-secret.key'));
    b = await startProcess(dirB, envOf(dirB, nginxPort));
    const port = (u: string) => Number(new URL(u).port);
    nginx = await startBalancer([port(a.url), port(b.url)], nginxPort);
    balancer = nginx.url;
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    nginx?.stop();
    endProcesses();
    await cluster?.destroy();
  });

  it('a mark from a judge on one instance reaches a board on the other in revision order, and both rank alike', async () => {
    const board = connectBoard(ws(b.url), slug);
    sockets.push(board);
    const snapshot = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(ws(a.url), tokenOf(fixture, 'J02'));
    sockets.push(judge);
    const acks: MarkAck[] = [];
    for (const c of judge.welcome.contestants.slice(0, 6))
      acks.push(
        (await submitMark(judge, {
          contestantId: c.id,
          sheetId: 's-bend',
          values: valuesOf(judge.welcome, 's-bend', c.id),
        })) as MarkAck,
      );
    expect(acks.every((x) => x.type === 'mark.ack')).toBe(true);
    const last = acks.at(-1)!.revision;
    await board.next((m) => m.type === 'board.delta' && (m as BoardDelta).revision === last);
    // Every revision once, in order, from the snapshot's on.
    expect(revisionsOf(board)).toEqual(
      Array.from({ length: last - snapshot.revision }, (_, i) => snapshot.revision + 1 + i),
    );
    const [onA, onB] = await Promise.all([standingsOf(a.url), standingsOf(b.url)]);
    expect(onB.revision).toBe(last);
    expect(onB.rows).toEqual(onA.rows);
  });

  it('a station locked on one instance is locked on the other: its tablets there reconnect and are told', async () => {
    const onB = await connectJudge(ws(b.url), tokenOf(fixture, 'J03'));
    sockets.push(onB);
    const station = indexScheme(onB.welcome.scheme).sheets.get('bridge')!.stationId!;
    expect(onB.welcome.lockedStations).not.toContain(station);
    const locked = await fetch(`${a.url}/api/competitions/${slug}/course`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(fixture, 'H01')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: 'station.lock', stationId: station, reason: '核对无误' }),
    });
    expect(locked.status, await locked.clone().text()).toBe(200);
    expect((await onB.closed).code).toBe(CloseCode.serverShutdown);
    const again = await connectJudge(ws(b.url), tokenOf(fixture, 'J03'));
    sockets.push(again);
    expect(again.welcome.lockedStations).toContain(station);
    // And a mark for it, sent to the instance that did not lock it, is refused.
    const refused = (await submitMark(again, {
      contestantId: again.welcome.contestants[0]!.id,
      sheetId: 'bridge',
      values: valuesOf(again.welcome, 'bridge', again.welcome.contestants[0]!.id),
    })) as MarkReject;
    expect(refused).toMatchObject({ type: 'mark.reject', code: 'mark/station_locked' });
  });

  it('a judge revoked on one instance is logged out on the other at once', async () => {
    const onB = await connectJudge(ws(b.url), tokenOf(fixture, 'J04'));
    sockets.push(onB);
    expect(onB.welcome.type).toBe('judge.welcome');
    const revoked = await fetch(`${a.url}/api/competitions/${slug}/officials/J04/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(fixture, 'O01')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: '平板遗失' }),
    });
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    await onB.closed;
    const retry = await connectJudge(ws(b.url), tokenOf(fixture, 'J04'));
    expect(retry.welcome).toMatchObject({ type: 'error', code: 'auth/unknown_token' });
    expect((await retry.closed).code).toBe(CloseCode.authFailed);
  });

  it('failed logins from one address count on every instance', async () => {
    const login = (url: string, from: string, password = 'not-the-password') =>
      fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ slug, password }),
      });
    for (let i = 0; i < 10; i++) expect((await login(a.url, '203.0.113.9')).status).toBe(401);
    // The tenth failure on A reached B: the same address is refused there unchecked.
    await until(async () => {
      const r = await login(b.url, '203.0.113.9', PASSWORD);
      return (
        r.status === 429 && ((await r.json()) as { error: string }).error === 'auth/rate_limited'
      );
    });
    // Another address, behind the same balancer, is not.
    expect((await login(b.url, '203.0.113.10', PASSWORD)).status).toBe(200);
  });

  it('pg_dump while a judge marks: the dump restores to a whole prefix of the log, which a new instance serves', async () => {
    const judge = await connectJudge(ws(b.url), tokenOf(fixture, 'J07'));
    sockets.push(judge);
    let marking = true;
    // Round after round over the field: the second mark of a contestant corrects the first.
    const writing = (async () => {
      const current = new Map<number, number>();
      for (let i = 0; marking; i++) {
        const c = judge.welcome.contestants[i % judge.welcome.contestants.length]!;
        const seen = current.get(c.id) ?? null;
        const ack = (await submitMark(judge, {
          contestantId: c.id,
          sheetId: 'route-planning',
          values: valuesOf(judge.welcome, 'route-planning', c.id, String(i)),
          seen,
          ...(seen === null ? {} : { reason: '复核更正' }),
        })) as MarkAck;
        expect(ack.type, JSON.stringify(ack)).toBe('mark.ack');
        current.set(c.id, ack.markId);
      }
    })();
    await until(async () => (await storedMarks()).length >= 20);
    const dump = join(mkdtempSync(join(tmpdir(), 'jx-dump-')), 'festival.dump');
    const bin = (
      await run('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | tail -1'])
    ).stdout.trim();
    await run(`${bin}/pg_dump`, ['--format=custom', `--file=${dump}`, databaseUrl]);
    marking = false;
    await writing;
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE restored');
    await admin.end();
    const restoredUrl = cluster.url.replace(/\/[^/]*$/, '/restored');
    await run(`${bin}/pg_restore`, ['--no-owner', `--dbname=${restoredUrl}`, dump]);
    const live = await storedMarks();
    const restored = await storedMarks(restoredUrl);
    expect(restored.length).toBeGreaterThanOrEqual(20);
    expect(restored).toEqual(live.slice(0, restored.length));
    // A new instance on the restored database needs the server secret kept beside the dump
    // (docs/deployment.md): without it, it says which file to copy and stops; with it, it
    // serves the competition at the dump's revision.
    const dir = mkdtempSync(join(tmpdir(), 'jx-instance-r-'));
    await expect(
      startProcess(dir, { ...envOf(dir, 1), DATABASE_URL: restoredUrl }),
    ).rejects.toThrow(/exited with 2[^]*无法启动：[^]*server-secret\.key/);
    copyFileSync(join(dirA, 'server-secret.key'), join(dir, 'server-secret.key'));
    const r = await startProcess(dir, { ...envOf(dir, 1), DATABASE_URL: restoredUrl });
    expect((await standingsOf(r.url)).revision).toBe(restored.at(-1)!.revision);
  });

  it('PostgreSQL restarted while a judge marks: the write is refused as retryable, pages keep being served, and the resend is stored once and reaches the other instance', async () => {
    const board = connectBoard(ws(a.url), slug);
    sockets.push(board);
    await board.next((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(ws(b.url), tokenOf(fixture, 'J01'));
    sockets.push(judge);
    const c = judge.welcome.contestants[0]!;
    const mark = {
      clientId: randomUUID(),
      contestantId: c.id,
      sheetId: 'theory-exam',
      seen: null,
      values: valuesOf(judge.welcome, 'theory-exam', c.id),
    };
    // A burst in flight on both instances as PostgreSQL stops: transactions are cut mid-way.
    const burst = await connectJudge(ws(a.url), tokenOf(fixture, 'J08'));
    sockets.push(burst);
    const sendBurst = () => {
      for (const sheetId of ['communication', 'emergency'])
        for (const x of burst.welcome.contestants)
          burst.send({
            type: 'mark.submit',
            clientId: randomUUID(),
            contestantId: x.id,
            sheetId,
            seen: null,
            values: valuesOf(burst.welcome, sheetId, x.id, 'burst'),
          });
    };
    sendBurst();
    const stopping = cluster.stop();
    sendBurst(); // refused as duplicates of lines, or cut with the database
    await stopping;
    expect(await submitMark(judge, mark)).toMatchObject({
      type: 'mark.reject',
      code: 'server/commit_failed',
    });
    // The standings are served from memory while the database is away, and /healthz says
    // that writes are not (a monitor or balancer must know).
    expect((await fetch(`${b.url}/api/competitions/${slug}/standings`)).status).toBe(200);
    await until(async () => (await fetch(`${b.url}/healthz`)).status === 503);
    expect(await (await fetch(`${b.url}/healthz`)).json()).toMatchObject({
      ok: false,
      storage: 'unavailable',
    });
    await cluster.start();
    // The tablet resends until it is acknowledged (the pool may first meet a connection the
    // restart cut): once, and stored once.
    const resend = () => {
      const from = judge.received.length;
      judge.send({ type: 'mark.submit', ...mark });
      return judge.next<MarkAck | MarkReject>(
        (m) => 'clientId' in m && m.clientId === mark.clientId,
        10_000,
        from,
      );
    };
    let answer = await resend();
    await until(async () => {
      if (answer.type === 'mark.ack') return true;
      expect(answer).toMatchObject({ code: 'server/commit_failed' });
      answer = await resend();
      return false;
    });
    const ack = answer as MarkAck;
    expect(ack.duplicate).toBe(false);
    // The other instance's listener came back and caught up by revision.
    await board.next(
      (m) => m.type === 'board.delta' && (m as BoardDelta).revision >= ack.revision,
      20_000,
    );
    expect((await storedMarks()).filter((m) => m.clientId === mark.clientId)).toHaveLength(1);
    // Both instances lived through it.
    for (const instance of [a, b]) {
      expect(instance.child.exitCode).toBeNull();
      await until(async () => (await fetch(`${instance.url}/healthz`)).status === 200);
    }
  });

  it('kill -9 the instance a judge writes through: the tablet reconnects through nginx and resends; every acked mark is stored once, and a board on the other instance sees no gap', async () => {
    const board = connectBoard(ws(b.url), slug);
    sockets.push(board);
    const snapshot = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(ws(a.url), tokenOf(fixture, 'J06'));
    sockets.push(judge);
    const contestants = judge.welcome.contestants;
    // The tablet's outbox: every mark until it is acknowledged.
    const outbox = new Map(
      contestants.map((c) => [
        randomUUID(),
        {
          type: 'mark.submit' as const,
          contestantId: c.id,
          sheetId: 'order-acceptance',
          attempt: 1,
          seen: null,
          values: valuesOf(judge.welcome, 'order-acceptance', c.id),
        },
      ]),
    );
    const acked = new Map<string, MarkAck>();
    const listen = (s: JudgeSocket) =>
      s.ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as MarkAck | MarkReject;
        if (m.type === 'mark.ack') acked.set(m.clientId, m);
      });
    listen(judge);
    for (const [clientId, mark] of outbox) judge.send({ ...mark, clientId });
    await until(() => acked.size >= 5);
    a.child.kill('SIGKILL');
    await judge.closed;
    // Reconnect through the balancer (the dead instance is skipped) and resend the whole outbox,
    // the acknowledged marks too: the tablet may not have read their acks.
    const again = await connectJudge(ws(balancer), tokenOf(fixture, 'J06'));
    sockets.push(again);
    expect(again.welcome.type).toBe('judge.welcome');
    const first = new Map(acked);
    listen(again);
    for (const [clientId, mark] of outbox) again.send({ ...mark, clientId });
    await until(
      () =>
        acked.size === outbox.size &&
        [...first.keys()].every((id) => acked.get(id) !== first.get(id)),
      20_000,
    );
    // The marks acknowledged before the kill come back as duplicates with their first ids.
    for (const [id, ack] of first)
      expect(acked.get(id)).toMatchObject({ markId: ack.markId, revision: ack.revision });
    const stored = await storedMarks();
    for (const id of outbox.keys())
      expect(
        stored.filter((m) => m.clientId === id),
        id,
      ).toHaveLength(1);
    // The board on the surviving instance saw every revision once, in order.
    const last = Math.max(...[...acked.values()].map((x) => x.revision));
    await board.next((m) => m.type === 'board.delta' && (m as BoardDelta).revision >= last);
    const revisions = revisionsOf(board);
    expect(revisions).toEqual(
      Array.from({ length: revisions.length }, (_, i) => snapshot.revision + 1 + i),
    );
    // And a phone reaching the festival through the balancer gets the same standings.
    expect((await standingsOf(balancer)).rows).toEqual((await standingsOf(b.url)).rows);
  });
});
