import type { MarkAck, MarkReject, PanelMeasurement } from '#protocol';
import { describe, expect, it } from 'vitest';
import {
  emptyOutbox,
  lineKey,
  RESEND_AFTER_MS,
  step,
  type NewMark,
  type OutboxContext,
  type OutboxEffect,
  type OutboxEvent,
  type OutboxState,
  type WelcomePanel,
} from './outbox.ts';

/** Sheet → station of the test scheme: `floor` is a panel station recorded by J08 (id 8). */
const STATIONS: Record<string, string> = { floor: 'floor', emergency: 'emergency' };
const J08 = { code: 'J08', name: '程玉兰' };

/** Runs events through the reducer from `state`, collecting every effect in order. */
function run(
  events: OutboxEvent[],
  opts: { state?: OutboxState; now?: number; saved?: Record<string, number> } = {},
) {
  let state = opts.state ?? emptyOutbox;
  const effects: OutboxEffect[] = [];
  const ctx: OutboxContext = {
    now: opts.now ?? 1_000_000,
    savedMarkId: (c, s, a) => opts.saved?.[lineKey(c, s, a)] ?? null,
    stationOf: (sheetId) => STATIONS[sheetId],
  };
  for (const e of events) {
    const r = step(state, e, ctx);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

const mark = (clientId: string, over: Partial<NewMark> = {}): NewMark => ({
  clientId,
  contestantId: 7,
  sheetId: 'floor',
  attempt: 1,
  values: { 'floor-judgement': '8' },
  ...over,
});
const queue = (clientId: string, over: Partial<NewMark> = {}): OutboxEvent => ({
  type: 'queue',
  mark: mark(clientId, over),
});
const stored = (...clientIds: string[]): OutboxEvent => ({ type: 'stored', clientIds, ok: true });
const welcome = (panel: Partial<WelcomePanel> = {}): OutboxEvent => ({
  type: 'welcome',
  welcome: { judge: { records: [] }, recorders: { floor: J08 }, measurements: [], ...panel },
  live: true,
});
const ack = (clientId: string, markId: number, duplicate = false): MarkAck => ({
  type: 'mark.ack',
  clientId,
  markId,
  revision: markId,
  duplicate,
  stationScore: '8.00',
});
const reject = (
  clientId: string,
  code: MarkReject['code'],
  current?: MarkReject['current'],
): MarkReject => ({
  type: 'mark.reject',
  clientId,
  code,
  message: `refused: ${code}`,
  ...(current !== undefined ? { current } : {}),
});
const sent = (effects: OutboxEffect[]) =>
  effects.flatMap((e) => (e.kind === 'send' ? [e.message.clientId] : []));
const kinds = (effects: OutboxEffect[]) => effects.map((e) => e.kind);

/** A welcomed tablet with entries `ids` sent and unanswered. */
function inFlight(...ids: string[]) {
  return run([
    welcome(),
    ...ids.flatMap((id, i) => [queue(id, { contestantId: 7 + i }), stored(id)]),
  ]);
}

describe('outbox reducer', () => {
  it('commits a mark to storage before its first send, then sends it with the seen mark id', () => {
    const queued = run([welcome(), queue('a')], { saved: { [lineKey(7, 'floor', 1)]: 41 } });
    expect(kinds(queued.effects)).toEqual(['store']);
    expect(queued.state.entries.map((e) => e.clientId)).toEqual(['a']);
    const after = run([stored('a')], { state: queued.state });
    expect(after.effects).toEqual([
      {
        kind: 'send',
        message: {
          type: 'mark.submit',
          clientId: 'a',
          contestantId: 7,
          sheetId: 'floor',
          attempt: 1,
          values: { 'floor-judgement': '8' },
          seen: 41,
        },
      },
    ]);
  });

  it('holds marks while not welcomed and resends every unanswered one, in queue order, after a reconnect', () => {
    const offline = run([queue('a'), stored('a'), queue('b', { contestantId: 8 }), stored('b')]);
    expect(sent(offline.effects)).toEqual([]);
    const back = run([welcome()], { state: offline.state });
    expect(sent(back.effects)).toEqual(['a', 'b']);
    // The link drops; the next welcome sends both again with the same clientIds.
    const again = run([{ type: 'down' }, welcome()], { state: back.state });
    expect(sent(again.effects)).toEqual(['a', 'b']);
    expect(again.state.entries.map((e) => e.queuedAt)).toEqual([1_000_000, 1_000_001]);
  });

  it('does not send an entry whose storage write is still in flight, even after a welcome', () => {
    const r = run([queue('a'), welcome()]);
    expect(sent(r.effects)).toEqual([]);
    expect(sent(run([stored('a')], { state: r.state }).effects)).toEqual(['a']);
  });

  it('an ack removes exactly its mark and reports it; a duplicate ack is harmless', () => {
    const { state } = inFlight('a', 'b', 'c');
    const r = run([ack('b', 52)], { state });
    expect(r.state.entries.map((e) => e.clientId)).toEqual(['a', 'c']);
    expect(r.effects).toEqual([
      expect.objectContaining({ kind: 'acked', ack: expect.objectContaining({ markId: 52 }) }),
    ]);
    expect(r.state.acks.b?.markId).toBe(52);
    expect(r.state.sentAt.b).toBeUndefined();
    const twice = run([ack('b', 52, true)], { state: r.state });
    expect(twice.effects).toEqual([]);
    expect(twice.state.entries).toEqual(r.state.entries);
  });

  it('keeps a mark refused with a retryable code, with a notice, and resends it once unanswered long enough', () => {
    const { state } = inFlight('a');
    const r = run([reject('a', 'server/commit_failed')], { state });
    expect(r.state.entries.map((e) => e.clientId)).toEqual(['a']);
    expect(r.effects).toEqual([
      { kind: 'notice', code: 'server/commit_failed', message: 'refused: server/commit_failed' },
    ]);
    expect(r.state.rejected).toEqual({});
    expect(sent(run([{ type: 'tick' }], { state: r.state, now: 1_000_000 + 1 }).effects)).toEqual(
      [],
    );
    const later = run([{ type: 'tick' }], { state: r.state, now: 1_000_000 + RESEND_AFTER_MS });
    expect(sent(later.effects)).toEqual(['a']);
    // Not while the link is down.
    const down = run([{ type: 'down' }, { type: 'tick' }], {
      state: r.state,
      now: 1_000_000 + RESEND_AFTER_MS,
    });
    expect(sent(down.effects)).toEqual([]);
  });

  it('drops a mark refused with a final code, holds the refusal on its line until the line is marked again', () => {
    const { state } = inFlight('a', 'b');
    const r = run([reject('a', 'mark/off_scale')], { state });
    expect(r.state.entries.map((e) => e.clientId)).toEqual(['b']);
    expect(kinds(r.effects)).toEqual(['rejected']);
    const held = r.state.rejected[lineKey(7, 'floor', 1)];
    expect(held).toMatchObject({ code: 'mark/off_scale', message: 'refused: mark/off_scale' });
    expect(held?.entry.clientId).toBe('a');
    // A second refusal of the same clientId (a resend answered twice) finds nothing.
    expect(run([reject('a', 'mark/off_scale')], { state: r.state }).effects).toEqual([]);
    // Marking the line again clears the refusal.
    expect(run([queue('a2')], { state: r.state }).state.rejected).toEqual({});
  });

  it('after a stale refusal the next mark on the line is sent against the mark the server reported', () => {
    const { state } = inFlight('a');
    const stale = run([reject('a', 'mark/stale', { markId: 60, values: { x: 1 } })], {
      state,
      saved: { [lineKey(7, 'floor', 1)]: 41 },
    });
    expect(stale.state.rejected[lineKey(7, 'floor', 1)]?.current).toEqual({
      markId: 60,
      values: { x: 1 },
    });
    const next = run([queue('b'), stored('b')], {
      state: stale.state,
      saved: { [lineKey(7, 'floor', 1)]: 41 },
    });
    expect(next.effects.at(-1)).toMatchObject({ kind: 'send', message: { seen: 60 } });
  });

  it('orders by client id: a correction waits for the answer to the mark it corrects, then goes out against it', () => {
    const { state } = inFlight('a');
    const corrected = run([queue('a2', { values: { 'floor-judgement': '9' } }), stored('a2')], {
      state,
    });
    expect(corrected.state.entries[1]).toMatchObject({ clientId: 'a2', after: 'a' });
    expect(sent(corrected.effects)).toEqual([]);
    // Not on a resend either.
    expect(sent(run([{ type: 'down' }, welcome()], { state: corrected.state }).effects)).toEqual([
      'a',
    ]);
    const acked = run([ack('a', 70)], { state: corrected.state });
    const released = acked.state.entries[0]!;
    expect(released).toMatchObject({ clientId: 'a2', seen: 70 });
    expect(released.after).toBeUndefined();
    // Stored again without `after`, then sent.
    expect(acked.effects.find((e) => e.kind === 'store')).toEqual({
      kind: 'store',
      entries: [released],
    });
    const out = run([stored('a2')], { state: acked.state });
    expect(out.effects).toEqual([
      { kind: 'send', message: expect.objectContaining({ clientId: 'a2', seen: 70 }) },
    ]);
  });

  it('a correction of a refused mark goes out against what the line held before', () => {
    const { state } = inFlight('a');
    const corrected = run([queue('a2'), stored('a2'), reject('a', 'mark/bad_value')], { state });
    expect(corrected.state.entries).toEqual([
      expect.objectContaining({ clientId: 'a2', seen: null }),
    ]);
  });

  it('restores the stored outbox before what was confirmed meanwhile, and sends it once welcomed', () => {
    const meanwhile = run([welcome(), queue('new'), stored('new')], { now: 5 });
    const stored1 = { ...mark('old'), seen: null, queuedAt: 3 };
    const r = run([{ type: 'restored', entries: [stored1], ok: true }], {
      state: meanwhile.state,
    });
    expect(r.state.entries.map((e) => e.clientId)).toEqual(['old', 'new']);
    expect(sent(r.effects)).toEqual(['old']);
    expect(r.state.lastQueuedAt).toBe(5);
    const broken = run([{ type: 'restored', entries: [], ok: false }]);
    expect(broken.state.storageOk).toBe(false);
  });

  it('gives strictly increasing queue times, even when the clock stands still or steps back', () => {
    const r = run([queue('a'), queue('b', { contestantId: 8 })], { now: 100 });
    const back = run([queue('c', { contestantId: 9 })], { state: r.state, now: 50 });
    expect(back.state.entries.map((e) => e.queuedAt)).toEqual([100, 101, 102]);
  });
});

describe('outbox reducer: who records a panel', () => {
  /** What the server says after the organiser took `emergency` from J08 and named nobody. */
  const measured: PanelMeasurement = {
    contestantId: 7,
    sheetId: 'emergency',
    attempt: 1,
    markId: 30,
    values: { faults: { f1: 1 } },
    recorder: J08,
  };
  const noRecorder: WelcomePanel = {
    judge: { records: [] },
    recorders: { floor: J08 },
    // J08's measurements stay current: he recorded them while he was the recorder.
    measurements: [measured],
  };
  const before = () =>
    run([
      welcome({ recorders: { floor: J08, emergency: J08 }, measurements: [measured] }),
      queue('e', { sheetId: 'emergency' }),
      stored('e'),
    ]).state;

  it('a welcome arriving right after a recorder refusal leaves the same state as one arriving before it', () => {
    const refusal = reject('e', 'mark/no_recorder');
    const w: OutboxEvent = { type: 'welcome', welcome: noRecorder, live: true };
    const refusalFirst = run([refusal, w], { state: before() });
    const welcomeFirst = run([w, refusal], { state: before() });
    expect(refusalFirst.state).toEqual(welcomeFirst.state);
    // Nobody records the panel: the measurements' author is not named as its recorder.
    expect(refusalFirst.state.recorders).toEqual({ floor: J08 });
    expect(refusalFirst.state.measurements[lineKey(7, 'emergency', 1)]).toEqual(measured);
    expect(refusalFirst.state.rejected[lineKey(7, 'emergency', 1)]?.code).toBe('mark/no_recorder');
    // The refusal asks for a fresh welcome, after it has been reported.
    expect(kinds(run([refusal], { state: before() }).effects)).toEqual(['rejected', 'reconnect']);
  });

  it('a judge told he no longer records a panel sends judgements only, in either order', () => {
    const recorder = run([
      welcome({
        judge: { records: ['emergency'] },
        recorders: { emergency: { code: 'J09', name: '' } },
      }),
      queue('e', { sheetId: 'emergency' }),
      stored('e'),
    ]).state;
    const now: WelcomePanel = { judge: { records: [] }, recorders: { emergency: J08 } };
    const w: OutboxEvent = { type: 'welcome', welcome: now, live: true };
    const refusal = reject('e', 'mark/not_recorder');
    const a = run([refusal, w], { state: recorder }).state;
    const b = run([w, refusal], { state: recorder }).state;
    expect(a).toEqual(b);
    expect(a.records).toEqual([]);
    expect(a.recorders).toEqual({ emergency: J08 });
  });

  it('a cached welcome (at start) names who records but sends nothing until the server welcomes', () => {
    const queued = run([queue('a'), stored('a')]).state;
    const r = run(
      [{ type: 'welcome', welcome: { ...noRecorder, judge: { records: ['floor'] } }, live: false }],
      { state: queued },
    );
    expect(r.state.records).toEqual(['floor']);
    expect(r.state.recorders).toEqual({ floor: J08 });
    expect(r.state.ready).toBe(false);
    expect(r.effects).toEqual([]);
    // One cached by an older page, without the panel fields, names nobody.
    const old = run([{ type: 'welcome', welcome: { judge: {} }, live: false }]).state;
    expect([old.records, old.recorders, old.measurements]).toEqual([[], {}, {}]);
  });

  it('a push names a recorder the tablet did not know, keeps the newest mark per line, and a scoped push replaces its line', () => {
    const first = run([welcome({ recorders: {} })]).state;
    const pushed = run(
      [
        { type: 'judge.measurements', items: [measured] },
        { type: 'judge.measurements', items: [{ ...measured, markId: 20 }] },
      ],
      { state: first },
    ).state;
    expect(pushed.recorders).toEqual({ emergency: J08 });
    expect(pushed.measurements[lineKey(7, 'emergency', 1)]?.markId).toBe(30);
    const scoped = run(
      [{ type: 'judge.measurements', items: [], scope: { contestantId: 7, sheetId: 'emergency' } }],
      { state: pushed },
    ).state;
    expect(scoped.measurements).toEqual({});
  });
});
