import { assignAwards, rankRows } from '#engine';
import type {
  BoardDelta,
  BoardEvent,
  BoardSnapshot,
  CompetitionSummary,
  StandingRow,
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
import { lockedStationsOf } from './progress.ts';

/** How many of the latest marks the console keeps for its activity list. */
export const RECENT_KEEP = 8;

/**
 * The live rows as a staff board sees them (every mark, whatever the course): the staff
 * snapshot advanced by deltas in revision order, ranked with the engine's `rankRows` — the
 * function the server ranks with. Components read it; only feed.ts writes to it.
 */
export class StaffBoard implements BoardView {
  #competition = $state.raw<CompetitionSummary | null>(null);
  #columns = $state.raw<StandingsColumns | null>(null);
  #rows = $state.raw<StandingRow[]>([]);
  #revision = $state.raw<number | null>(null);
  #recent = $state.raw<(BoardEvent & { revision: number })[]>([]);
  #link = $state.raw<SocketState>('connecting');

  /**
   * Rows in rank order: ranked first, then disqualified, then withdrawn, with the prize list
   * applied (`awards`) by the engine's `assignAwards`, as the server does for its snapshots —
   * a delta carries only the rows that changed, while one changed total can move an award.
   */
  readonly ranked: StandingRow[] = $derived(
    assignAwards(
      rankRows(this.#rows),
      this.#columns?.awards ?? undefined,
      this.#competition?.decimals ?? 2,
    ),
  );
  /** Stations the head judge has locked (a lock applies to every row alike). */
  readonly lockedStations: ReadonlySet<string> = $derived(lockedStationsOf(this.#rows));

  get competition(): CompetitionSummary | null {
    return this.#competition;
  }
  get columns(): StandingsColumns | null {
    return this.#columns;
  }
  get rows(): StandingRow[] {
    return this.#rows;
  }
  get revision(): number | null {
    return this.#revision;
  }
  /** The latest marks, newest first. */
  get recent(): (BoardEvent & { revision: number })[] {
    return this.#recent;
  }
  get link(): SocketState {
    return this.#link;
  }
  /** True once the staff snapshot has arrived. */
  get ready(): boolean {
    return this.#revision !== null;
  }

  applySnapshot(s: BoardSnapshot): void {
    this.#competition = s.competition;
    this.#columns = s.columns;
    this.#rows = s.rows;
    this.#revision = s.revision;
    this.#recent = (s.recent ?? []).slice(0, RECENT_KEEP);
  }

  /**
   * Applies the delta that follows the last applied revision (a coalesced one, `from`…`revision`,
   * when `from` follows it): its rows replace held rows by contestantId (new ones are added),
   * its events go to the recent list and a `competition` it carries replaces the summary.
   * Anything else changes nothing (see web/board-sync.ts `deltaFit`).
   */
  applyDelta(d: BoardDelta): DeltaOutcome {
    const fit = deltaFit(this.#revision, d);
    if (fit !== 'apply') return fit;
    const events = newEvents(d, this.#revision!);
    if (d.competition) this.#competition = d.competition;
    if (d.rows.length) this.#rows = mergeRows(this.#rows, d.rows, (r) => r);
    if (events.length) this.#recent = [...events, ...this.#recent].slice(0, RECENT_KEEP);
    this.#revision = d.revision;
    if (this.#competition) this.#competition = { ...this.#competition, revision: d.revision };
    return 'applied';
  }

  /**
   * Takes the competition summary a course action answered with, so the screen moves on at once
   * (the delta that follows carries the same summary).
   */
  applySummary(c: CompetitionSummary): void {
    if (this.#revision !== null && c.revision < this.#revision) return;
    this.#competition = c;
  }

  setLink(state: SocketState): void {
    this.#link = state;
  }

  /** Forgets everything (after a logout). */
  reset(): void {
    this.#competition = null;
    this.#columns = null;
    this.#rows = [];
    this.#revision = null;
    this.#recent = [];
    this.#link = 'connecting';
  }
}
