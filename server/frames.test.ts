import type { BoardDelta, BoardSnapshot, MarkAck } from '#protocol';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOfficials } from '../db/repositories/officials.ts';
import { BOARD_FRAME_MS } from './plugins/live.ts';
import { applyCourseAction } from './services/course.ts';
import { FAN_OUT_CHUNK } from './services/fan-out.ts';
import { FRAME_PACING } from './services/frame-pacer.ts';
import { identityOf } from './services/mark-writer.ts';
import {
  connectBoard,
  connectJudge,
  framesBeforeFreeze,
  startTestServer,
  submitMark,
  tokenOf,
} from './test-support.ts';

/**
 * Board frames at the leading edge (server/plugins/live.ts, docs/architecture.md "Board
 * frames"): a mark committed while the board has been quiet for a frame goes out at once as its
 * own frame; marks committed inside the interval are merged into the next frame. Asserted on
 * the frames' structure and on the order the server sent them, never on elapsed time.
 */

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const mark = (contestantId: number, cones: number) => ({
  contestantId,
  sheetId: 's-bend',
  values: { 's-bend-faults': { 'cone-touched': cones } },
});

type Sent = { to: 'judge' | 'board'; m: { type: string; revision?: number; clientId?: string } };

/** Records, in order, every frame the server writes to the judge and board sockets open now. */
function recordSends(): Sent[] {
  const log: Sent[] = [];
  const patch = (ws: WebSocket, to: Sent['to']) => {
    const send = ws.send.bind(ws) as (...a: unknown[]) => void;
    ws.send = ((data: unknown, ...rest: unknown[]) => {
      log.push({ to, m: JSON.parse(String(data)) as Sent['m'] });
      send(data, ...rest);
    }) as typeof ws.send;
  };
  for (const set of server.app.live.boards.values())
    for (const ws of set.keys()) patch(ws, 'board');
  for (const set of server.app.live.judges.values())
    for (const ws of set.keys()) patch(ws, 'judge');
  return log;
}

/** A frame that carries exactly one revision: `from` absent (or equal), no merged events. */
function expectOwnFrame(f: BoardDelta, revision: number, contestantId: number) {
  expect(f.revision).toBe(revision);
  expect(f.from ?? f.revision).toBe(revision);
  expect(f.events).toBeUndefined();
  expect(f.rows.map((r) => r.contestantId)).toEqual([contestantId]);
  expect(f.event).not.toBeNull();
}

describe('board frames at the leading edge', () => {
  it('sends the first mark after a quiet spell at once as its own frame, after its ack; merges a burst with its whole revision range', async () => {
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const riders = judge.welcome.contestants.map((c) => c.id);
    const log = recordSends();
    const deltas = () => board.received.filter((m): m is BoardDelta => m.type === 'board.delta');
    const sentAt = (pred: (s: Sent) => boolean) => {
      const i = log.findIndex(pred);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };

    /**
     * A quiet board: mark A, and mark B sent by the judge as soon as A's ack arrives. A's frame
     * must be A alone, written after A's ack and before B's ack: before the server even read B.
     * Held for a window, A would have waited and shared a frame with B.
     */
    const atOnce = async (a: number, b: number, revision: number) => {
      const [idA, idB] = [randomUUID(), randomUUID()];
      const ackA = (await submitMark(judge, { ...mark(a, 1), clientId: idA })) as MarkAck;
      const ackB = (await submitMark(judge, { ...mark(b, 3), clientId: idB })) as MarkAck;
      expect([ackA.type, ackA.revision, ackB.revision]).toEqual([
        'mark.ack',
        revision,
        revision + 1,
      ]);
      await board.next((m) => m.type === 'board.delta' && m.revision === ackB.revision);
      const own = deltas().find((f) => f.revision === revision)!;
      expectOwnFrame(own, revision, a);
      const frameA = sentAt((s) => s.to === 'board' && s.m.revision === revision);
      expect(sentAt((s) => s.to === 'judge' && s.m.clientId === idA)).toBeLessThan(frameA);
      expect(frameA).toBeLessThan(sentAt((s) => s.to === 'judge' && s.m.clientId === idB));
      return ackB.revision;
    };

    // 1. A board that never had a frame.
    const base = await atOnce(riders[0]!, riders[30]!, snap.revision + 1);

    // 2. A burst in one turn (committed together): merged, with the whole range and every
    // event. Inside the window of the frame before it, it all waits for the next frame; had
    // that frame been a frame ago already, the burst's first mark would go at once and the
    // rest merge: never more frames.
    const before = deltas().length;
    const n = 8;
    const ids = Array.from({ length: n }, () => randomUUID());
    const acks = ids.map((clientId) =>
      judge.next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === clientId),
    );
    ids.forEach((clientId, i) =>
      judge.send({ type: 'mark.submit', clientId, ...mark(riders[1 + i]!, 2) }),
    );
    const burst = await Promise.all(acks);
    const last = base + n;
    expect(burst.map((a) => a.revision)).toEqual(Array.from({ length: n }, (_, i) => base + 1 + i));
    await board.next((m) => m.type === 'board.delta' && m.revision === last);
    const frames = deltas().slice(before);
    expect(frames.length).toBeLessThanOrEqual(2);
    if (frames.length === 2) expectOwnFrame(frames[0]!, base + 1, riders[1]!);
    const merged = frames.at(-1)!;
    expect(merged.revision).toBe(last);
    expect(merged.from).toBe(last - (frames.length === 2 ? n - 2 : n - 1));
    const range = Array.from(
      { length: merged.revision - merged.from! + 1 },
      (_, i) => merged.revision - i,
    );
    expect(merged.events!.map((e) => e.revision)).toEqual(range); // newest first
    expect({ ...merged.event, revision: merged.revision }).toEqual(merged.events![0]);
    expect(merged.rows).toHaveLength(range.length);
    // Every ack of the burst went out before any frame of it.
    const firstFrame = sentAt((s) => s.to === 'board' && s.m.revision! > base);
    for (const clientId of ids)
      expect(sentAt((s) => s.to === 'judge' && s.m.clientId === clientId)).toBeLessThan(firstFrame);

    // 3. After a quiet spell (a precondition, nothing is timed), a mark goes at once again.
    await new Promise((r) => setTimeout(r, 3 * BOARD_FRAME_MS));
    const end = await atOnce(riders[20]!, riders[31]!, last + 1);

    // Every revision reached the board once, in order.
    let at = snap.revision;
    for (const f of deltas()) {
      expect(f.from ?? f.revision).toBe(at + 1);
      at = f.revision;
    }
    expect(at).toBe(end);
    judge.close();
    board.close();
  });

  it('acknowledges a mark read while a frame is still on its way to many boards', async () => {
    // Ten chunks of boards: the frame of mark A takes ten turns of the event loop to reach them
    // all. Mark B, sent when A's ack arrives, is read between two chunks, and its ack goes out
    // before A's frame has reached the last board. Written all at once, A's frame would reach
    // every board before the server even read B (issue 14: fan-out must not delay judges).
    const n = 10 * FAN_OUT_CHUNK;
    const many = Array.from({ length: n }, () => connectBoard(server.ws, slug));
    const snaps = await Promise.all(
      many.map((b) => b.next<BoardSnapshot>((m) => m.type === 'board.snapshot')),
    );
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const [a, b] = judge.welcome.contestants.map((c) => c.id);
    const log = recordSends();
    const idA = randomUUID();
    const idB = randomUUID();
    const ackA = (await submitMark(judge, { ...mark(a!, 1), clientId: idA })) as MarkAck;
    const ackB = (await submitMark(judge, { ...mark(b!, 2), clientId: idB })) as MarkAck;
    await Promise.all(
      many.map((board) =>
        board.next((m) => m.type === 'board.delta' && m.revision === ackB.revision),
      ),
    );
    const framesOfA = log.flatMap((s, i) =>
      s.to === 'board' && s.m.revision === ackA.revision ? [i] : [],
    );
    expect(framesOfA).toHaveLength(n);
    const ackOfB = log.findIndex((s) => s.to === 'judge' && s.m.clientId === idB);
    expect(ackOfB).toBeLessThan(framesOfA.at(-1)!);
    // And still every board got every revision once, in order.
    many.forEach((board, i) => {
      const revisions = board.received.flatMap((m) =>
        m.type === 'board.delta' ? [[m.from ?? m.revision, m.revision]] : [],
      );
      expect(revisions).toEqual([
        [snaps[i]!.revision + 1, ackA.revision],
        [ackB.revision, ackB.revision],
      ]);
      board.close();
    });
    judge.close();
  });

  it('marks committed while a frame is still on its way wait and merge: frames never pile up', async () => {
    // No interval at all: only the fan-out itself holds the next frame back.
    await server.close();
    server = await startTestServer(undefined, undefined, {
      framePacing: { ...FRAME_PACING, minMs: 0, writesPerSecond: 1e9, cpuShare: 1e9 },
    });
    const n = 10 * FAN_OUT_CHUNK;
    const many = Array.from({ length: n }, () => connectBoard(server.ws, slug));
    const snaps = await Promise.all(
      many.map((b) => b.next<BoardSnapshot>((m) => m.type === 'board.snapshot')),
    );
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const riders = judge.welcome.contestants.map((c) => c.id);
    // Each mark sent when the one before is acknowledged, i.e. while its frame fans out.
    const acks: MarkAck[] = [];
    for (let i = 0; i < 5; i++)
      acks.push((await submitMark(judge, mark(riders[i]!, 1))) as MarkAck);
    const last = acks.at(-1)!.revision;
    await Promise.all(
      many.map((b) => b.next((m) => m.type === 'board.delta' && m.revision === last)),
    );
    many.forEach((board, i) => {
      const frames = board.received.filter((m): m is BoardDelta => m.type === 'board.delta');
      // Fewer frames than marks: the marks behind the first one were merged while it was
      // written; written one frame per mark, the queue would have grown with the rate.
      expect(frames.length).toBeLessThan(acks.length);
      let at = snaps[i]!.revision;
      for (const f of frames) {
        expect(f.from ?? f.revision).toBe(at + 1);
        at = f.revision;
      }
      expect(at).toBe(last);
      board.close();
    });
    judge.close();
  });

  it('a mark committed just ahead of a change of course reaches a staff board before it', async () => {
    // As the course route does: the marks queued in this turn are committed first (flush),
    // then the course acts and its frame goes at once. The marks' deltas wait for the next
    // turn (after their acks); had they gone after the freeze's higher revision, a staff board
    // would have skipped them as old and kept the marked rider's old row.
    const staff = connectBoard(server.ws, slug);
    await staff.next((m) => m.type === 'board.snapshot');
    staff.send({ type: 'board.hello', token: tokenOf(server.fixture, 'O01') });
    await staff.next((m) => m.type === 'board.snapshot' && m.staff === true);
    const { app } = server;
    const live = app.live.get(slug)!;
    const officials = await listOfficials(app.store, live.id);
    const as = (code: string) => identityOf(officials.find((x) => x.code === code))!;
    const rider = [...live.contestants.keys()][3]!;
    const acked = app.live.writer.submit(as('J02'), live, {
      type: 'mark.submit',
      clientId: randomUUID(),
      attempt: 1,
      seen: null,
      ...mark(rider, 2),
    });
    // As the course route does: the queued mark commits first, then the course acts.
    const freeze = await app.live.writer.exclusive(() =>
      applyCourseAction(app.store, live, as('O01'), { action: 'competition.freeze' }, new Date()),
    );
    expect(freeze.ok).toBe(true);
    if (freeze.ok) app.live.publish(live, freeze.delta);
    const ack = (await acked) as MarkAck;
    const frozen = await staff.next<BoardDelta>(
      (m) => m.type === 'board.delta' && m.competition?.state === 'frozen',
    );
    const deltas = staff.received.filter((m): m is BoardDelta => m.type === 'board.delta');
    const ofMark = deltas.find((d) => d.revision === ack.revision);
    expect(ofMark?.rows.map((r) => r.contestantId)).toEqual([rider]);
    expect(deltas.indexOf(ofMark!)).toBeLessThan(deltas.indexOf(frozen));
    staff.close();
  });

  it('a mark committed at shutdown reaches the boards before they are closed', async () => {
    const board = connectBoard(server.ws, slug);
    await board.next((m) => m.type === 'board.snapshot');
    const closed = new Promise<number>((resolve) =>
      board.ws.once('close', (code) => resolve(code)),
    );
    const { app } = server;
    const live = app.live.get(slug)!;
    const j02 = (await listOfficials(app.store, live.id)).find((o) => o.code === 'J02')!;
    const rider = [...live.contestants.keys()][4]!;
    const acked = app.live.writer.submit(identityOf(j02)!, live, {
      type: 'mark.submit',
      clientId: randomUUID(),
      attempt: 1,
      seen: null,
      ...mark(rider, 1),
    });
    // Stopped in the same turn: the close commits the queued mark, then closes every socket.
    const stopping = server.close(false);
    const ack = (await acked) as MarkAck;
    expect(ack.type).toBe('mark.ack');
    expect(await closed).toBe(4009);
    await stopping;
    const deltas = board.received.filter((m): m is BoardDelta => m.type === 'board.delta');
    expect(deltas.map((d) => d.revision)).toEqual([ack.revision]);
    server = await startTestServer();
  });

  it('sends a public board the marks the pacing held before a freeze, then the frozen board', async () => {
    // Frames held until a flush: a mark inside the interval waits for the freeze.
    await server.close();
    server = await startTestServer(undefined, undefined, {
      framePacing: { ...FRAME_PACING, minMs: 60_000, maxMs: 60_000 },
    });
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const [a, b] = judge.welcome.contestants.map((c) => c.id);
    // Two marks in one turn: the first goes at once, the second is held.
    const ids = [randomUUID(), randomUUID()];
    const acks = ids.map((clientId) =>
      judge.next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === clientId),
    );
    judge.send({ type: 'mark.submit', clientId: ids[0], ...mark(a!, 1) });
    judge.send({ type: 'mark.submit', clientId: ids[1], ...mark(b!, 2) });
    const [, held] = await Promise.all(acks);
    await board.next((m) => m.type === 'board.delta' && m.revision === held!.revision - 1);

    const frozen = await framesBeforeFreeze(server, slug, board);
    // Committed while live, so the public board is told of it, before the freeze.
    const delivered = frozen.flatMap((m) =>
      m.type === 'board.delta' ? [[m.from ?? m.revision, m.revision]] : [],
    );
    expect(delivered).toEqual([
      [snap.revision + 1, snap.revision + 1],
      [held!.revision, held!.revision],
    ]);
    const last = frozen.at(-1) as BoardDelta;
    expect(last.rows.map((r) => r.contestantId)).toEqual([b]);
    expect(last.event).not.toBeNull();
    judge.close();
    board.close();
  });
});
