import type { BoardDelta, BoardEvent, BoardServerMessage, BoardSnapshot } from '#protocol';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';

/**
 * The board-sync core shared by the public board (scoreboard) and the staff board (console):
 * a snapshot, then deltas in revision order, batched so a burst renders once. One rule for a
 * hole in the stream: drop what is queued, ignore the old connection's frames, and start again
 * from a snapshot. A revision is never applied twice (a delta at or below the held revision is
 * stale, a coalesced frame's events already held are skipped) and never across a hole.
 *
 * Pure but for the scheduler (requestAnimationFrame, or a timer in a hidden tab), which tests
 * replace; the views it feeds (BoardState, StaffBoard) are `$state` classes the pages read.
 */

/**
 * The board socket's URL, which is its hello (protocol/board.ts `BoardQuery`): the competition,
 * the protocol version this page was built for (a server of another version closes the socket
 * with `CloseCode.protocolMismatch`, and the page asks to be reloaded), the last revision
 * applied when the board resumes (`since`; null: send a snapshot), and how many top rows it
 * shows (`view`; null: every row).
 */
export function boardSocketPath(
  competition: string,
  since: number | null = null,
  view: number | null = null,
): string {
  const q = new URLSearchParams({ competition, protocol: String(PROTOCOL_VERSION) });
  if (since !== null) q.set('since', String(since));
  if (view !== null) q.set('view', String(view));
  return `/ws/board?${q}`;
}

/** Where a delta stands against the last applied revision. */
export type DeltaFit = 'apply' | 'board/stale' | 'board/gap' | 'board/no_snapshot';

/**
 * Where a delta stands against `revision`, the last one applied: the next one (`apply`; a
 * coalesced frame `from`…`revision` whose `from` is at or before the next one: its rows are the
 * latest of each contestant, so applying it again over held revisions is harmless), already
 * applied (`board/stale`), after a missing one (`board/gap`), or before any snapshot.
 */
export function deltaFit(
  revision: number | null,
  d: { revision: number; from?: number },
): DeltaFit {
  if (revision === null) return 'board/no_snapshot';
  if (d.revision <= revision) return 'board/stale';
  return (d.from ?? d.revision) <= revision + 1 ? 'apply' : 'board/gap';
}

/**
 * The events of a delta the view does not hold yet (revision after `revision`), newest first:
 * a coalesced frame's `events`, or its single `event` at its revision.
 */
export function newEvents(d: BoardDelta, revision: number): (BoardEvent & { revision: number })[] {
  const events = d.events ?? (d.event ? [{ ...d.event, revision: d.revision }] : []);
  return events.filter((e) => e.revision > revision);
}

/**
 * Held rows with a delta's changed rows in place (by contestantId; rows not held yet are added
 * at the end), each changed row made a held one by `adopt`.
 */
export function mergeRows<H extends { contestantId: number }, R extends { contestantId: number }>(
  held: readonly H[],
  changed: readonly R[],
  adopt: (r: R) => H,
): H[] {
  const incoming = new Map(changed.map((r) => [r.contestantId, r]));
  const rows = held.map((r) => {
    const next = incoming.get(r.contestantId);
    if (!next) return r;
    incoming.delete(r.contestantId);
    return adopt(next);
  });
  for (const next of incoming.values()) rows.push(adopt(next));
  return rows;
}

/**
 * What a view did with a delta: applied it; applied it but needs a fresh snapshot (`resync`:
 * its public view changed as a whole, or it holds only part of the rows); or refused it
 * (changing nothing).
 */
export type DeltaOutcome = 'applied' | 'resync' | Exclude<DeltaFit, 'apply'>;

/** A board the core feeds. */
export interface BoardView {
  /** Last applied revision; null before the first snapshot. */
  readonly revision: number | null;
  /** True while the view holds only part of the rows: a reconnect must start from a snapshot. */
  readonly partial?: boolean;
  applySnapshot(s: BoardSnapshot): void;
  applyDelta(d: BoardDelta): DeltaOutcome;
}

/** Runs `flush` soon: at the next animation frame, or after 50 ms in a hidden tab (no frames there). */
export function nextFrame(flush: () => void): void {
  if (document.hidden) setTimeout(flush, 50);
  else requestAnimationFrame(flush);
}

export interface BoardSyncOptions {
  /** Start again from a snapshot: the page reconnects (the core then waits for {@link BoardSync.connected}). */
  resync: () => void;
  /** Frames of the connection to keep (the staff board drops the public view before its own). */
  admit?: (msg: BoardServerMessage) => boolean;
  /** When to apply what has arrived; {@link nextFrame} by default. */
  schedule?: (flush: () => void) => void;
}

/**
 * One board's stream: {@link receive} queues frames of the current connection, a scheduled
 * flush applies them in order. On a gap (or a view asking for a resync) the queue is dropped,
 * frames are ignored until the next connection opens, and {@link resumeFrom} says null: the
 * next connection starts from a snapshot.
 */
export class BoardSync {
  readonly #view: BoardView;
  readonly #resync: () => void;
  readonly #admit: (msg: BoardServerMessage) => boolean;
  readonly #schedule: (flush: () => void) => void;
  #inbox: BoardServerMessage[] = [];
  #scheduled = false;
  /** A hole was found: the next connection must start from a snapshot. */
  #fresh = false;
  /** Between a resync and the next connection: the old connection's frames are not applied. */
  #waiting = false;

  constructor(view: BoardView, opts: BoardSyncOptions) {
    this.#view = view;
    this.#resync = opts.resync;
    this.#admit = opts.admit ?? (() => true);
    this.#schedule = opts.schedule ?? nextFrame;
  }

  /**
   * The revision a new connection may resume from (`?since=`); null when it must start from a
   * snapshot (nothing held yet, a hole was found, or the view holds only part of the rows).
   */
  resumeFrom(): number | null {
    if (this.#fresh || this.#view.partial) return null;
    return this.#view.revision;
  }

  /** A new connection opened: what was queued from the previous one is dropped. */
  connected(): void {
    this.#inbox = [];
    this.#fresh = false;
    this.#waiting = false;
  }

  /** A frame of the current connection (pongs and the like are ignored). */
  receive(msg: BoardServerMessage): void {
    if (this.#waiting) return;
    if (msg.type !== 'board.snapshot' && msg.type !== 'board.delta') return;
    if (!this.#admit(msg)) return;
    this.#inbox.push(msg);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }

  /** Applies what has arrived, in order; stops at a hole. */
  flush(): void {
    this.#scheduled = false;
    const inbox = this.#inbox;
    this.#inbox = [];
    for (const msg of inbox) {
      if (msg.type === 'board.snapshot') {
        this.#view.applySnapshot(msg);
        continue;
      }
      if (msg.type !== 'board.delta') continue;
      const outcome = this.#view.applyDelta(msg);
      if (outcome === 'board/gap' || outcome === 'resync') {
        // The rest of the queue follows the hole (or the view that changed as a whole).
        this.#fresh = true;
        this.#waiting = true;
        this.#resync();
        return;
      }
    }
  }
}
