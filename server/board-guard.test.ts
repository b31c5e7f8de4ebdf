import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '#protocol';
import { Writable } from 'node:stream';
import { until } from '../e2e/support/wait.ts';
import { MAX_FRAME_BYTES } from './app.ts';
import { connectJudge, startTestServer, submitMark, tokenOf } from './test-support.ts';

/**
 * The public board socket is anonymous, so hostile by default (issue "Hardening", 2): a flood
 * of frames, junk frames, oversized frames and too many sockets from one address are closed
 * with a reason, and the judges' acks keep coming.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
afterEach(async () => {
  await server.close();
});
const board = () =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${server.ws}/ws/board?competition=gaoxin-2024`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
/**
 * The next frame the socket receives other than a snapshot (the one it gets on connect may
 * come at any moment), parsed; null when the socket closes first.
 */
const answer = (ws: WebSocket) =>
  new Promise<{ type: string } | null>((resolve) => {
    const done = (m: { type: string } | null) => {
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(m);
    };
    const onMessage = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString()) as { type: string };
      if (m.type !== 'board.snapshot') done(m);
    };
    const onClose = () => done(null);
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
const closeOf = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

describe('board sockets', () => {
  it('ends a board that sends a frame over the limit (1009) with one debug line, not an error with its stack', async () => {
    const lines: { level: number; msg?: string; code?: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n'))
          if (line) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    server = await startTestServer(undefined, undefined, { logger: { level: 'debug', stream } });
    const sockets = await Promise.all(Array.from({ length: 5 }, () => board()));
    const codes = await Promise.all(
      sockets.map((ws) => {
        const closed = closeOf(ws);
        ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
        return closed;
      }),
    );
    expect(codes.map((c) => c.code)).toEqual([1009, 1009, 1009, 1009, 1009]);
    await until(
      () => lines.filter((l) => l.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH').length === 5,
    );
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    // And the server goes on: a judge still scores.
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const riders = judge.welcome.contestants.map((c) => c.id);
    const ack = await submitMark(judge, {
      contestantId: riders[0]!,
      sheetId: 's-bend',
      values: { 's-bend-faults': { 'cone-touched': 1 } },
    });
    expect(ack.type).toBe('mark.ack');
    judge.close();
  });

  it('closes a board that floods frames (4029) and one that sends nothing but junk (4008)', async () => {
    server = await startTestServer();
    const flood = await board();
    const flooded = closeOf(flood);
    for (let i = 0; i < 50; i++) flood.send(JSON.stringify({ type: 'ping', t: i }));
    expect((await flooded).code).toBe(CloseCode.rateLimited);

    const junk = await board();
    const junked = closeOf(junk);
    // Within the bucket (one frame at a time, each answered), but every frame junk: large,
    // binary, not JSON, wrong type.
    const frames = ['x'.repeat(60_000), Buffer.from([1, 2, 3]), '{nope', '{"type":"mark.submit"}'];
    for (let i = 0; i < 8 && junk.readyState === WebSocket.OPEN; i++) {
      const answered = answer(junk);
      junk.send(frames[i % frames.length]!);
      expect((await answered)?.type ?? 'closed').toMatch(/^(error|closed)$/);
    }
    expect((await junked).code).toBe(CloseCode.tooManyErrors);
  });

  it('keeps serving the judges while boards flood', async () => {
    server = await startTestServer();
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const boards = await Promise.all(Array.from({ length: 5 }, board));
    for (const b of boards) for (let i = 0; i < 30; i++) b.send('x'.repeat(60_000));
    const ack = await submitMark(judge, {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': {} },
      clientId: randomUUID(),
    });
    expect(ack.type).toBe('mark.ack');
    judge.close();
  });

  it('caps the board sockets one address holds', async () => {
    server = await startTestServer(undefined, undefined, {
      boardSocketsPerAddress: 3,
      countLoopback: true,
    });
    const held = await Promise.all([board(), board(), board()]);
    const fourth = await board();
    expect((await closeOf(fourth)).code).toBe(CloseCode.rateLimited);
    held[0]!.close();
    await closeOf(held[0]!);
    // The server counts the closed socket off when its own side has closed, which may come
    // just after the client's: a board that answers a ping is in, one turned away is closed.
    let again: WebSocket | undefined;
    await expect
      .poll(
        async () => {
          const b = await board();
          const answered = answer(b);
          b.send(JSON.stringify({ type: 'ping', t: 0 }));
          if ((await answered)?.type === 'pong') again = b;
          return again?.readyState;
        },
        { timeout: 10_000 },
      )
      .toBe(WebSocket.OPEN);
    [...held, again!].forEach((b) => b.close());
  });

  it('lets a well-behaved board ping every 5 s and say hello', async () => {
    server = await startTestServer();
    const b = await board();
    const seen: string[] = [];
    b.on('message', (d) => seen.push((JSON.parse(d.toString()) as { type: string }).type));
    // Each ping waits for its pong, as a board's heartbeat does (5 s apart there).
    for (let i = 0; i < 4; i++) {
      const answered = answer(b);
      b.send(JSON.stringify({ type: 'ping', t: i }));
      expect((await answered)?.type).toBe('pong');
    }
    // The staff view answers the hello: a second snapshot after the one on connect.
    const snapshots = () => seen.filter((t) => t === 'board.snapshot').length;
    const before = snapshots();
    b.send(JSON.stringify({ type: 'board.hello', token: tokenOf(server.fixture, 'O01') }));
    await expect.poll(snapshots).toBe(before + 1);
    expect(b.readyState).toBe(WebSocket.OPEN);
    expect(seen.filter((t) => t === 'pong')).toHaveLength(4);
    expect(seen.at(-1)).toBe('board.snapshot');
    b.close();
  });
});
