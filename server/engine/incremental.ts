import { assignRanks, compareForDisplay, compareOnMerit, type StandingRow } from './standings.ts';

/**
 * Standings kept up to date one row at a time: applying a mark replaces one contestant's row
 * with O(log n) comparisons (binary search) and one array move, instead of re-sorting the
 * field. `rankOf` answers one rank in O(log n); `ranked()` materialises the whole table
 * (O(n), cached until the next change). Always equal to {@link rankRows} over the same rows
 * (property-tested).
 */
export class IncrementalStandings {
  #sorted: StandingRow[] = [];
  readonly #byId = new Map<number, StandingRow>();
  #ranked: StandingRow[] | null = null;

  constructor(rows: Iterable<StandingRow> = []) {
    for (const r of rows) this.#byId.set(r.contestantId, r);
    this.#sorted = [...this.#byId.values()].sort(compareForDisplay);
  }

  get size(): number {
    return this.#sorted.length;
  }

  get(contestantId: number): StandingRow | undefined {
    return this.#byId.get(contestantId);
  }

  /** Inserts or replaces a contestant's row (its `rank` field is ignored). */
  upsert(row: StandingRow): void {
    const old = this.#byId.get(row.contestantId);
    if (old)
      this.#sorted.splice(
        this.#lowerBound((x) => compareForDisplay(x, old) < 0),
        1,
      );
    this.#sorted.splice(
      this.#lowerBound((x) => compareForDisplay(x, row) < 0),
      0,
      row,
    );
    this.#byId.set(row.contestantId, row);
    this.#ranked = null;
  }

  /** Standard competition rank of a contestant: 1 + the number of rows strictly better. */
  rankOf(contestantId: number): number | null {
    const row = this.#byId.get(contestantId);
    if (!row || row.status !== 'active') return null;
    return this.#lowerBound((x) => x.status === 'active' && compareOnMerit(x, row) < 0) + 1;
  }

  /** The row with its current rank. */
  rankedRow(contestantId: number): StandingRow | undefined {
    const row = this.#byId.get(contestantId);
    if (!row) return undefined;
    const rank = this.rankOf(contestantId);
    return row.rank === rank ? row : { ...row, rank };
  }

  /** The whole table in display order with ranks. */
  ranked(): StandingRow[] {
    this.#ranked ??= assignRanks(this.#sorted);
    return this.#ranked;
  }

  /** First index whose row does not satisfy `before` (which holds for a prefix). */
  #lowerBound(before: (x: StandingRow) => boolean): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.#sorted[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
