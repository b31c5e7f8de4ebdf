import type { BoardDelta, BoardServerMessage, MarkAck } from '#protocol';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connectJudge, startTestServer, submitMark, tokenOf } from './test-support.ts';

/** Server liveness (ws's sweep) with a shortened sweep, and replay-then-subscribe on boards. */
const SWEEP_MS = 250;
let server: Awaited<ReturnType<typeof startTestServer>>;
afterEach(async () => {
  await server.close();
});
const health = async () =>
  (
    (await (await fetch(`${server.url}/healthz`)).json()) as {
      sockets: { judges: number; boards: number; pending: number };
    }
  ).sockets;

/** A raw client that never answers protocol pings and sends nothing: a tablet out of range. */
const silent = (path: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${server.ws}${path}`, { autoPong: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
/**
 * Resolves when `ws` has received `n` more protocol pings, i.e. when that many more sweeps of
 * the server found it alive (a sweep terminates a socket that stayed silent since the one
 * before, and pings the rest).
 */
const sweptAlive = (ws: WebSocket, n: number) =>
  new Promise<void>((resolve, reject) => {
    if (ws.readyState !== WebSocket.OPEN) return reject(new Error('terminated already'));
    let left = n;
    const onClose = () => reject(new Error(`terminated with ${left} sweeps to go`));
    const onPing = () => {
      if (--left > 0) return;
      ws.off('ping', onPing);
      ws.off('close', onClose);
      resolve();
    };
    ws.on('ping', onPing);
    ws.once('close', onClose);
  });
/** How long after this call `ws` closes, ms (listening from now: call it on an open socket). */
const closedWithin = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    const t0 = performance.now();
    ws.once('close', () => resolve(performance.now() - t0));
  });

describe('the server heartbeat', () => {
  it('terminates judge and board sockets that stop answering within two sweeps; /healthz counts them', async () => {
    server = await startTestServer(undefined, undefined, { heartbeatMs: SWEEP_MS });
    // A healthy tablet (ws answers pings by itself, as browsers do) stays.
    const healthy = await connectJudge(server.ws, tokenOf(server.fixture, 'J03'));
    // A judge that logged in, and then its Wi-Fi went away.
    const judge = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${server.ws}/ws/judge`, { autoPong: false });
      ws.once('open', () =>
        ws.send(
          JSON.stringify({
            type: 'judge.hello',
            protocol: 1,
            token: tokenOf(server.fixture, 'J02'),
          }),
        ),
      );
      ws.once('message', () => resolve(ws));
      ws.once('error', reject);
    });
    const judgeClosed = closedWithin(judge);
    const board = await silent('/ws/board?competition=gaoxin-2024');
    const boardClosed = closedWithin(board);
    expect(await health()).toEqual({ judges: 2, boards: 1, pending: 0 });
    const [j, b] = await Promise.all([judgeClosed, boardClosed]);
    expect(Math.max(j, b)).toBeLessThan(SWEEP_MS * 2 + 500);
    expect(await health()).toEqual({ judges: 1, boards: 0, pending: 0 });
    // Four more sweeps found the tablet that answers pings alive, each after a ping it answered.
    await sweptAlive(healthy.ws, 4);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    expect(
      await submitMark(healthy, {
        contestantId: healthy.welcome.contestants[0]!.id,
        sheetId: 'bridge',
        values: { 'bridge-faults': {}, 'bridge-fell': false },
      }),
    ).toMatchObject({ type: 'mark.ack' });
    healthy.close();
  });

  it('a socket that talks only by app pings is alive', async () => {
    server = await startTestServer(undefined, undefined, { heartbeatMs: SWEEP_MS });
    const board = await silent('/ws/board?competition=gaoxin-2024');
    // It never answers the sweep's pings (no autoPong): it sends an app ping between sweeps
    // (on each of theirs, so it lands before the next sweep however loaded the machine), and
    // four sweeps find it alive.
    const appPing = () => board.send(JSON.stringify({ type: 'ping', t: 1 }));
    board.on('ping', appPing);
    await sweptAlive(board, 4);
    board.off('ping', appPing);
    expect(board.readyState).toBe(WebSocket.OPEN);
    board.close();
  });
});

describe('a board that connects while marks stream', () => {
  it('never receives a revision twice (raw frames), whether it resumes or starts afresh', async () => {
    server = await startTestServer();
    const judges = await Promise.all(
      ['J02', 'J03', 'J04', 'J05'].map((c) => connectJudge(server.ws, tokenOf(server.fixture, c))),
    );
    const sheets = {
      J02: 's-bend',
      J03: 'bridge',
      J04: 'traffic-lights',
      J05: 'smoothness',
    } as const;
    const values = {
      's-bend': { 's-bend-faults': {} },
      bridge: { 'bridge-faults': {}, 'bridge-fell': false },
      'traffic-lights': { 'lights-faults': {}, 'red-light-run': false },
      smoothness: { 'smoothness-faults': {}, 'course-time': 35000 },
    } as Record<string, Record<string, unknown>>;
    const contestants = judges[0]!.welcome.contestants;
    let stop = false;
    let lastRevision = 0;
    const stream = (async () => {
      for (let i = 0; !stop && i < 35; i++)
        await Promise.all(
          judges.map(async (j, k) => {
            const sheetId = sheets[(['J02', 'J03', 'J04', 'J05'] as const)[k]!];
            const a = (await submitMark(j, {
              contestantId: contestants[i]!.id,
              sheetId,
              values: values[sheetId]!,
              clientId: randomUUID(),
            })) as MarkAck;
            lastRevision = Math.max(lastRevision, a.revision ?? 0);
          }),
        );
    })();
    const boards: { frames: BoardServerMessage[]; ws: WebSocket }[] = [];
    // Each board connects after a few more marks are in: the first ones mid-stream, resuming
    // or afresh, while the marks go on.
    const revisionPast = async (r: number) => {
      while (lastRevision < r && !stop) await new Promise((res) => setImmediate(res));
    };
    for (let n = 0; n < 8; n++) {
      await revisionPast(lastRevision + 2 + n);
      const since = n % 2 ? Math.max(0, lastRevision - 3) : undefined;
      const frames: BoardServerMessage[] = [];
      const ws = new WebSocket(
        `${server.ws}/ws/board?competition=gaoxin-2024${since === undefined ? '' : `&since=${since}`}`,
      );
      ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as BoardServerMessage));
      boards.push({ frames, ws });
    }
    await stream;
    stop = true;
    const final = lastRevision;
    // Every board has the last revision, and its pong: nothing sent before is still on its way.
    const pongs = boards.map(
      ({ ws }) =>
        new Promise<void>((resolve) =>
          ws.on('message', (d) => {
            if ((JSON.parse(d.toString()) as { type: string }).type === 'pong') resolve();
          }),
        ),
    );
    await expect
      .poll(() =>
        boards.every(({ frames }) => frames.some((f) => 'revision' in f && f.revision === final)),
      )
      .toBe(true);
    for (const { ws } of boards) ws.send(JSON.stringify({ type: 'ping', t: 0 }));
    await Promise.all(pongs);
    for (const { frames, ws } of boards) {
      let have = -1;
      for (const f of frames) {
        if (f.type === 'board.snapshot') {
          expect(have).toBe(-1);
          have = f.revision;
          continue;
        }
        if (f.type !== 'board.delta') continue;
        const d = f as BoardDelta;
        const from = d.from ?? d.revision;
        if (have === -1) have = from - 1; // a resume starts with deltas after `since`
        // Exactly the next revisions: never one it has (a duplicate), never a hole.
        expect(from).toBe(have + 1);
        expect(d.revision).toBeGreaterThanOrEqual(from);
        have = d.revision;
      }
      expect(have).toBe(final);
      ws.close();
    }
    judges.forEach((j) => j.close());
  });
});

describe('one login on two devices', () => {
  it('tells every device of the official how many are logged in', async () => {
    server = await startTestServer();
    const first = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    expect(await first.next((m) => m.type === 'judge.sessions')).toEqual({
      type: 'judge.sessions',
      count: 1,
    });
    const from = first.received.length;
    const second = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    expect(await second.next((m) => m.type === 'judge.sessions')).toMatchObject({ count: 2 });
    expect(await first.next((m) => m.type === 'judge.sessions', 5_000, from)).toMatchObject({
      count: 2,
    });
    const after = first.received.length;
    second.close();
    expect(await first.next((m) => m.type === 'judge.sessions', 5_000, after)).toMatchObject({
      count: 1,
    });
    first.close();
  });
});
