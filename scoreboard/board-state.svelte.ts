import { assignAwards, keepView, rankRows } from '#engine';
import type {
  BoardDelta,
  BoardEvent,
  BoardSnapshot,
  CompetitionSummary,
  StandingsColumns,
} from '#protocol';
import {
  deltaFit,
  mergeRows,
  newEvents,
  type BoardView,
  type DeltaOutcome,
} from '../web/board-sync.ts';
import type { SocketState } from '../web/live-socket.ts';
import { boardMode, maskName, rankClimbs, type BoardMode, type BoardRow } from './board-model.ts';

export type { BoardRow } from './board-model.ts';

/** How many ticker entries the board keeps (a few are shown, newest first). */
export const TICKER_KEEP = 12;

/** One line of the ticker: what a mark did, at the revision that committed it. */
export type TickerEntry = BoardEvent & { revision: number };

/**
 * The live board: the last snapshot advanced by deltas in revision order. Rows are kept in
 * arrival order; the ranking is derived with the engine's `rankRows`, the same function the
 * server ranks with, so the board can never disagree with the standings endpoint. During the
 * reveal the server sends only the revealed rows, already ranked, and they are kept as sent.
 * Components read it; only main.ts feeds it (from the socket).
 */
export class BoardState implements BoardView {
  #competition = $state.raw<CompetitionSummary | null>(null);
  #columns = $state.raw<StandingsColumns | null>(null);
  #rows = $state.raw<BoardRow[]>([]);
  /** Rows in all (the snapshot's `total`): more than held while the reveal is under way. */
  #total = $state.raw(0);
  #revision = $state.raw<number | null>(null);
  #ticker = $state.raw<TickerEntry[]>([]);
  #link = $state.raw<SocketState>('connecting');
  /** Wall-clock ms when the board was last known to be current (a frame, or the link dropping). */
  #syncedAt = $state.raw<number | null>(null);
  #error = $state.raw<string | null>(null);
  /** The top rows the server limits this board to (the snapshot's `view`); null: every row. */
  #view = $state.raw<number | null>(null);
  /** The top rows the page asks for (a phone: a few, more on request); null: every row. */
  #wanted: number | null = null;
  /** Tells the server a new {@link wanted} on the open socket (main.ts sets it). */
  onWant: ((rows: number | null) => void) | null = null;

  readonly mode: BoardMode = $derived(boardMode(this.#competition));
  /**
   * Every row in rank order: ranked first (1, 2, 2, 4 …), then disqualified, then withdrawn,
   * with the awards the prize list gives them on that ranking (the engine's `assignAwards`,
   * as the server computes them). During the reveal: the revealed rows as the server ranked
   * and awarded them in the whole field (ranking the few held rows again would make the last
   * place first, and their awards would be those of a field of a few).
   */
  readonly ranked: BoardRow[] = $derived(
    this.mode === 'ceremony'
      ? this.#rows
      : // Only the top rows held: ranks are exact, a prize list needs the whole field.
        this.#view !== null
        ? rankRows(this.#rows)
        : assignAwards(
            rankRows(this.#rows),
            this.#columns?.awards ?? undefined,
            this.#competition?.decimals ?? 0,
          ),
  );
  /** True while any row is provisional (some station not yet locked by the head judge). */
  readonly provisional: boolean = $derived(this.#rows.some((r) => r.provisional));

  get competition(): CompetitionSummary | null {
    return this.#competition;
  }
  get columns(): StandingsColumns | null {
    return this.#columns;
  }
  /** Rows in all, held or not (during the reveal the held ones are the last of them). */
  get total(): number {
    return Math.max(this.#total, this.#rows.length);
  }
  /**
   * True while the board holds only some of the rows (the reveal, or a view of the top rows):
   * a reconnect starts from a snapshot.
   */
  get partial(): boolean {
    return this.#view !== null || this.#rows.length < this.#total;
  }
  /** The top rows the server limits this board to; null: every row (see {@link want}). */
  get view(): number | null {
    return this.#view;
  }
  /** The top rows the page asks the server for; null: every row. */
  get wanted(): number | null {
    return this.#wanted;
  }
  /**
   * Asks for the top `rows` only (a phone), or every row (null). Told to the server at once
   * when it changes ({@link onWant}); a reconnect asks for it in its URL.
   */
  want(rows: number | null): void {
    if (rows === this.#wanted) return;
    this.#wanted = rows;
    this.onWant?.(rows);
  }
  /** Last applied revision; null before the first snapshot. A reconnect resumes from it. */
  get revision(): number | null {
    return this.#revision;
  }
  /** Newest first, at most {@link TICKER_KEEP}. */
  get ticker(): TickerEntry[] {
    return this.#ticker;
  }
  get link(): SocketState {
    return this.#link;
  }
  get syncedAt(): number | null {
    return this.#syncedAt;
  }
  /** A reason the board cannot show anything (e.g. an unknown competition). */
  get error(): string | null {
    return this.#error;
  }

  /**
   * Replaces everything with a snapshot (first load, a change of course, or the server no
   * longer holds our deltas). The ticker restarts from the snapshot's `recent` events, so a
   * reloaded board is not blank and a frozen one shows what was public at the freeze.
   */
  applySnapshot(s: BoardSnapshot, now: number = Date.now()): void {
    this.#competition = s.competition;
    this.#columns = s.columns;
    this.#rows = s.rows.map((r) => ({ ...r, changedAt: 0, climb: null }));
    this.#total = s.total ?? s.rows.length;
    this.#view = s.view ?? null;
    this.#revision = s.revision;
    this.#ticker = (s.recent ?? []).slice(0, TICKER_KEEP);
    this.#syncedAt = now;
    this.#error = null;
  }

  /**
   * Applies the delta that follows the last applied revision: its rows replace the held rows
   * by contestantId (a contestant not yet held is added), the ranking is derived again, and a
   * `competition` it carries (a lock, a setting, a change of course) replaces the held one.
   * Rows of a delta without an event (a lock: every row, nothing scored) do not glow. A board
   * with a view then keeps its top `view` rows (engine/view.ts `keepView`): what the server sent
   * is exactly what makes them the true top rows.
   * Anything else is refused and changes nothing (see web/board-sync.ts `deltaFit`). `resync`:
   * applied, but the board now needs a fresh snapshot (not the deltas after its revision): the
   * public view changed as a whole (names masked or shown), or the board held only part of the
   * rows (the reveal) and a delta cannot complete them.
   */
  applyDelta(d: BoardDelta, now: number = Date.now()): DeltaOutcome {
    const fit = deltaFit(this.#revision, d);
    if (fit !== 'apply') return fit;
    const held = this.#revision!;

    // The reveal: the board holds the revealed rows only, which a delta cannot complete.
    const partial = this.#view === null && this.#rows.length < this.#total;
    const wasMasked = this.#competition?.nameDisplay === 'masked';
    if (d.competition) this.#competition = d.competition;
    const masked = this.#competition?.nameDisplay === 'masked';

    if (d.rows.length) {
      const before = this.ranked;
      const changedAt = d.event ? now : 0;
      this.#rows = mergeRows(this.#rows, d.rows, (r) => ({ ...r, changedAt, climb: null }));
      // A view keeps its top rows: the ones that fell out are no longer followed.
      if (this.#view !== null) this.#rows = keepView(this.#rows, this.#view);
      // Ranks gained by the changed rows, read from the (lazily re-derived) ranking.
      const climbs = d.event ? rankClimbs(before, this.ranked, d.rows) : null;
      if (climbs?.size)
        this.#rows = this.#rows.map((r) => {
          const climb = climbs.get(r.contestantId);
          return climb === undefined ? r : { ...r, climb };
        });
      if (this.#view === null) this.#total = Math.max(this.#total, this.#rows.length);
    }
    const events = newEvents(d, held);
    if (events.length) this.#ticker = [...events, ...this.#ticker].slice(0, TICKER_KEEP);
    if (masked && !wasMasked) {
      // Names masked from now on: mask what is held at once; the fresh snapshot that follows
      // brings the server's own view.
      this.#rows = this.#rows.map((r) => ({ ...r, name: maskName(r.name) }));
      this.#ticker = this.#ticker.map((e) => ({ ...e, name: maskName(e.name) }));
    }
    this.#revision = d.revision;
    this.#syncedAt = now;
    return partial || masked !== wasMasked ? 'resync' : 'applied';
  }

  /** Follows the socket's state; when an open link drops, the board was current until now. */
  setLink(state: SocketState, now: number = Date.now()): void {
    if (this.#link === 'open' && state !== 'open' && this.#revision !== null) this.#syncedAt = now;
    this.#link = state;
  }

  fail(message: string): void {
    this.#error = message;
  }
}
