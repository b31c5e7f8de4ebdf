import type { BoardDelta, BoardEvent, BoardServerMessage, BoardSnapshot } from '#protocol';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import {
  boardSocketPath,
  BoardSync,
  deltaFit,
  mergeRows,
  newEvents,
  type BoardView,
  type DeltaOutcome,
} from './board-sync.ts';

type Row = { contestantId: number; total: string };

/** A view as BoardState and StaffBoard are, without runes: rows by contestant, events, revision. */
class FakeView implements BoardView {
  revision: number | null = null;
  partial = false;
  rows: Row[] = [];
  events: number[] = [];
  snapshots = 0;
  applySnapshot(s: BoardSnapshot): void {
    this.snapshots++;
    this.revision = s.revision;
    this.rows = s.rows as unknown as Row[];
    this.events = [];
  }
  applyDelta(d: BoardDelta): DeltaOutcome {
    const fit = deltaFit(this.revision, d);
    if (fit !== 'apply') return fit;
    this.events = [...newEvents(d, this.revision!).map((e) => e.revision), ...this.events];
    this.rows = mergeRows(this.rows, d.rows as unknown as Row[], (r) => r);
    this.revision = d.revision;
    return 'applied';
  }
}

const event = (revision: number) =>
  ({ bib: String(revision), revision }) as unknown as BoardEvent & { revision: number };
const snapshot = (revision: number, rows: Row[] = []) =>
  ({ type: 'board.snapshot', revision, rows }) as unknown as BoardSnapshot;
const delta = (revision: number, rows: Row[] = [], from?: number): BoardDelta =>
  ({
    type: 'board.delta',
    revision,
    rows,
    event: null,
    ...(from === undefined
      ? { event: event(revision) }
      : {
          from,
          events: Array.from({ length: revision - from + 1 }, (_, i) => event(revision - i)),
        }),
  }) as unknown as BoardDelta;

/** A core whose flushes run when the test says (the page runs them at the next frame). */
function setup(opts: { admit?: (m: BoardServerMessage) => boolean } = {}) {
  const view = new FakeView();
  let resyncs = 0;
  let pending: (() => void) | null = null;
  const sync = new BoardSync(view, {
    resync: () => resyncs++,
    schedule: (flush) => (pending = flush),
    ...opts,
  });
  const flush = () => {
    const run = pending;
    pending = null;
    run?.();
  };
  return { view, sync, flush, resyncs: () => resyncs };
}

describe('boardSocketPath', () => {
  it('says the competition and the protocol version, and the revision to resume from', () => {
    const fresh = new URL(boardSocketPath('gaoxin-2024'), 'http://x');
    expect(fresh.pathname).toBe('/ws/board');
    expect(Object.fromEntries(fresh.searchParams)).toEqual({
      competition: 'gaoxin-2024',
      protocol: String(PROTOCOL_VERSION),
    });
    const resumed = new URL(boardSocketPath('gaoxin-2024', 41), 'http://x');
    expect(resumed.searchParams.get('since')).toBe('41');
    expect(resumed.searchParams.get('protocol')).toBe(String(PROTOCOL_VERSION));
  });
});

describe('deltaFit', () => {
  it('applies the next delta, a coalesced one included, and tells stale from gap', () => {
    expect(deltaFit(null, { revision: 3 })).toBe('board/no_snapshot');
    expect(deltaFit(10, { revision: 11 })).toBe('apply');
    expect(deltaFit(10, { revision: 14, from: 11 })).toBe('apply');
    expect(deltaFit(10, { revision: 10 })).toBe('board/stale');
    expect(deltaFit(10, { revision: 12 })).toBe('board/gap');
    expect(deltaFit(10, { revision: 14, from: 12 })).toBe('board/gap');
  });
  it('takes a coalesced frame that overlaps what is held (its rows are the latest), not as a gap', () => {
    expect(deltaFit(10, { revision: 14, from: 9 })).toBe('apply');
  });
});

describe('mergeRows', () => {
  it('replaces by contestantId and appends new ones, without touching the input', () => {
    const held = [
      { contestantId: 1, total: '1' },
      { contestantId: 2, total: '2' },
    ];
    const merged = mergeRows(
      held,
      [
        { contestantId: 2, total: '9' },
        { contestantId: 7, total: '7' },
      ],
      (r) => r,
    );
    expect(merged).toEqual([
      { contestantId: 1, total: '1' },
      { contestantId: 2, total: '9' },
      { contestantId: 7, total: '7' },
    ]);
    expect(held[1]!.total).toBe('2');
  });
});

describe('BoardSync', () => {
  it('applies a burst in order in one flush', () => {
    const { view, sync, flush } = setup();
    sync.connected();
    sync.receive(snapshot(10));
    sync.receive(delta(11, [{ contestantId: 1, total: '5' }]));
    sync.receive(delta(12));
    expect(view.revision).toBeNull();
    flush();
    expect(view.revision).toBe(12);
    expect(view.events).toEqual([12, 11]);
    expect(view.rows).toEqual([{ contestantId: 1, total: '5' }]);
  });

  it('on a gap drops the queue, ignores the old connection and resyncs by snapshot', () => {
    const { view, sync, flush, resyncs } = setup();
    sync.connected();
    sync.receive(snapshot(10));
    sync.receive(delta(11));
    sync.receive(delta(13)); // 12 went missing
    sync.receive(delta(14));
    flush();
    expect(view.revision).toBe(11);
    expect(resyncs()).toBe(1);
    // The next connection must not resume from 11 (the stream had a hole): a snapshot.
    expect(sync.resumeFrom()).toBeNull();
    // Frames still arriving on the old connection are not applied.
    sync.receive(delta(12));
    flush();
    expect(view.revision).toBe(11);
    // The new connection: a snapshot, then deltas again.
    sync.connected();
    sync.receive(snapshot(14));
    sync.receive(delta(15));
    flush();
    expect(view.revision).toBe(15);
    expect(view.snapshots).toBe(2);
    expect(resyncs()).toBe(1);
  });

  it('never applies a revision twice: a replay overlapping what is held skips it', () => {
    const { view, sync, flush, resyncs } = setup();
    sync.connected();
    sync.receive(snapshot(10));
    sync.receive(delta(11));
    sync.receive(delta(12));
    flush();
    // A plain drop: the next connection resumes from 12; the server's outbox may replay 11–12.
    expect(sync.resumeFrom()).toBe(12);
    sync.connected();
    sync.receive(delta(11));
    sync.receive(delta(12));
    sync.receive(delta(14, [], 11)); // a coalesced frame 11…14
    flush();
    expect(view.revision).toBe(14);
    expect(view.events).toEqual([14, 13, 12, 11]);
    expect(resyncs()).toBe(0);
  });

  it('resyncs when the view asks for it, and starts from a snapshot while it holds part of the rows', () => {
    const { view, sync, flush, resyncs } = setup();
    view.applyDelta = () => 'resync';
    sync.connected();
    sync.receive(snapshot(3));
    sync.receive(delta(4));
    flush();
    expect(resyncs()).toBe(1);
    expect(sync.resumeFrom()).toBeNull();
    sync.connected();
    expect(sync.resumeFrom()).toBe(3);
    view.partial = true;
    expect(sync.resumeFrom()).toBeNull();
  });

  it('keeps only admitted frames, and what was queued before a new connection is dropped', () => {
    let staff = false;
    const { view, sync, flush } = setup({
      admit: (m) => (staff ||= m.type === 'board.snapshot' && m.staff === true),
    });
    sync.connected();
    sync.receive(snapshot(5)); // the public view: dropped
    sync.receive({ ...snapshot(6), staff: true });
    sync.receive({ type: 'pong' });
    sync.connected(); // before the flush: a new connection
    flush();
    expect(view.revision).toBeNull();
    sync.receive({ ...snapshot(7), staff: true });
    flush();
    expect(view.revision).toBe(7);
  });
});
