import fc from 'fast-check';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkAck } from '#protocol';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
} from './test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const count = (table: string) =>
  (server.app.store.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number })
    .n;

/** Frames no valid client sends: random JSON, mark-shaped objects with wrong fields, junk text, deep nesting. */
const hostileFrame = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 300 }),
  fc
    .record({
      type: fc.constantFrom(
        'mark.submit',
        'mark.void',
        'attempt.rerun',
        'judge.hello',
        'mark.delete',
        '',
      ),
      clientId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(null)),
      contestantId: fc.oneof(fc.double(), fc.string(), fc.constant(-1), fc.constant(2 ** 60)),
      sheetId: fc.oneof(fc.string({ maxLength: 100 }), fc.integer()),
      values: fc.oneof(
        fc.anything({ maxDepth: 3 }),
        fc.constant({ 's-bend-faults': { 'cone-touched': 1e308 } }),
      ),
      reason: fc.oneof(fc.string({ maxLength: 400 }), fc.constant('\u0000\u001b[2J')),
    })
    .map((o) => JSON.stringify(o)),
  fc.integer({ min: 1, max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.constant('{"type":"mark.submit","clientId":"' + 'x'.repeat(70_000) + '"}'),
);

describe('hostile input (fuzzed)', () => {
  it('answers thousands of malformed judge frames with structured errors, never crashes, and stores nothing', async () => {
    const before = {
      marks: count('marks'),
      revision: server.app.live.get('gaoxin-2024')!.revision,
    };
    let judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    let answered = 0;
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileFrame, { minLength: 1, maxLength: 15 }), async (frames) => {
        // Oversized frames end the connection (maxPayload); the tablet would reconnect, so do we.
        if (judge.ws.readyState !== judge.ws.OPEN)
          judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
        const from = judge.received.length;
        for (const f of frames) judge.send(f);
        sent += frames.length;
        // A ping after the burst: once its pong is back, every earlier frame has been answered.
        judge.send({ type: 'ping', t: sent });
        const done = await Promise.race([
          judge.next((m) => m.type === 'pong' && m.t === sent, 5000, from).then(() => true),
          judge.closed.then(() => false),
        ]);
        const replies = judge.received.slice(from).filter((m) => m.type !== 'pong');
        for (const r of replies) expect(['error', 'mark.reject']).toContain(r.type);
        answered += replies.length;
        // Every frame is answered unless the server ended an abusive connection (too many bad
        // frames, a frame over maxPayload, a flood), which it does with a reason.
        if (done)
          expect(replies.length).toBeGreaterThanOrEqual(
            frames.filter((f) => f.length < 64 * 1024).length,
          );
        else expect([1009, 4008, 4029]).toContain((await judge.closed).code);
      }),
      { numRuns: 300 },
    );
    expect(answered).toBeGreaterThan(150);
    expect(count('marks')).toBe(before.marks);
    expect(server.app.live.get('gaoxin-2024')!.revision).toBe(before.revision);
    // And the server still serves a real judge.
    const ok = await submitMark(await connectJudge(server.ws, tokenOf(server.fixture, 'J03')), {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 'bridge',
      values: { 'bridge-faults': {}, 'bridge-fell': false },
    });
    expect(ok.type).toBe('mark.ack');
    judge.close();
  });

  it('answers malformed HTTP bodies with 4xx, never 5xx, and changes nothing', async () => {
    const marks = count('marks');
    const audit = count('audit_log');
    const organiser = tokenOf(server.fixture, 'O01');
    const paths = [
      '/api/competitions/gaoxin-2024/course',
      '/api/competitions/gaoxin-2024/imports/theory-score',
      '/api/competitions/gaoxin-2024/officials/J02/rotate',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 500 })),
        fc.constantFrom(
          'application/json',
          'text/csv',
          'text/plain',
          'application/x-www-form-urlencoded',
          'image/png',
        ),
        fc.boolean(),
        async (path, body, type, auth) => {
          // Never a valid request: rotating needs a real code, so the fuzz uses an unknown one.
          const url = server.url + path.replace('J02', 'ZZ9');
          const r = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': type,
              ...(auth ? { authorization: `Bearer ${organiser}` } : {}),
            },
            body,
          });
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(r.status).toBeLessThan(500);
          const text = await r.text();
          if (text) expect(() => JSON.parse(text)).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
    expect(count('marks')).toBe(marks);
    expect(count('audit_log')).toBe(audit);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('never lets a board socket change anything, whatever it sends', async () => {
    const board = connectBoard(server.ws, 'gaoxin-2024');
    await board.next((m) => m.type === 'board.snapshot');
    const marks = count('marks');
    await fc.assert(
      fc.asyncProperty(hostileFrame, async (f) => {
        if (board.ws.readyState === board.ws.OPEN) board.send(f);
      }),
      { numRuns: 300 },
    );
    // The server has read every frame once it answers a ping sent after them (or closed the
    // socket, after which it reads nothing more).
    await Promise.race([board.barrier(), board.closed]);
    expect(count('marks')).toBe(marks);
    board.close();
  });
});

describe('a long read beside writers', () => {
  it('lets judges commit during a three-second read transaction (an export or a backup) without SQLITE_BUSY', async () => {
    const reader = new Database(join(server.dataDir, 'jiangxing.db'), { readonly: true });
    reader.exec('begin');
    const before = (reader.prepare('select count(*) as n from marks').get() as { n: number }).n;
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J04'));
    const started = Date.now();
    const acks: MarkAck[] = [];
    let i = 0;
    while (Date.now() - started < 3000) {
      const c = judge.welcome.contestants[i++ % 35]!;
      const r = await submitMark(judge, {
        contestantId: c.id,
        sheetId: 'traffic-lights',
        values: { 'lights-faults': {}, 'red-light-run': false },
        ...(i > 35 ? { reason: '复核' } : {}),
      });
      expect(r.type).toBe('mark.ack');
      acks.push(r as MarkAck);
      await new Promise((res) => setTimeout(res, 20));
    }
    // The reader still sees its snapshot: consistent, untouched by the commits beside it.
    expect((reader.prepare('select count(*) as n from marks').get() as { n: number }).n).toBe(
      before,
    );
    reader.exec('commit');
    expect((reader.prepare('select count(*) as n from marks').get() as { n: number }).n).toBe(
      before + acks.length,
    );
    reader.close();
    judge.close();
  });
});
