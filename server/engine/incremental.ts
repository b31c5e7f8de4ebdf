import { assignRanks, compareForDisplay, compareOnMerit, type StandingRow } from './standings.ts';

/** Rows per block of the sorted list; a block splits at twice this. */
const BLOCK = 256;

/**
 * Standings kept up to date one row at a time. Rows live in a sorted list of blocks (the
 * layout of Python's sortedcontainers): replacing one contestant's row costs a binary search
 * over blocks and within one block plus a move inside that block — O(log n) comparisons and
 * O(BLOCK + n/BLOCK) word moves, flat in practice from 100 to 100,000 contestants (see
 * bench/). `rankOf` answers one rank the same way; `ranked()` materialises the whole table
 * (O(n), cached until the next change). Always equal to {@link rankRows} over the same rows
 * (property-tested).
 */
export class IncrementalStandings {
  #blocks: StandingRow[][] = [];
  readonly #byId = new Map<number, StandingRow>();
  #ranked: StandingRow[] | null = null;
  readonly #block: number;

  /** @param blockSize rows per block (tests use tiny blocks to exercise splits). */
  constructor(rows: Iterable<StandingRow> = [], blockSize = BLOCK) {
    this.#block = blockSize;
    for (const r of rows) this.#byId.set(r.contestantId, r);
    const sorted = [...this.#byId.values()].sort(compareForDisplay);
    for (let i = 0; i < sorted.length; i += blockSize)
      this.#blocks.push(sorted.slice(i, i + blockSize));
  }

  get size(): number {
    return this.#byId.size;
  }

  get(contestantId: number): StandingRow | undefined {
    return this.#byId.get(contestantId);
  }

  /** Inserts or replaces a contestant's row (its `rank` field is ignored). */
  upsert(row: StandingRow): void {
    const old = this.#byId.get(row.contestantId);
    if (old) {
      const [b, i] = this.#locate((x) => compareForDisplay(x, old) < 0);
      const block = this.#blocks[b]!;
      block.splice(i, 1);
      if (!block.length) this.#blocks.splice(b, 1);
    }
    this.#insert(row);
    this.#byId.set(row.contestantId, row);
    this.#ranked = null;
  }

  /** Standard competition rank of a contestant: 1 + the number of rows strictly better. */
  rankOf(contestantId: number): number | null {
    const row = this.#byId.get(contestantId);
    if (!row || row.status !== 'active') return null;
    const [b, i] = this.#locate((x) => x.status === 'active' && compareOnMerit(x, row) < 0);
    let before = i;
    for (let k = 0; k < b; k++) before += this.#blocks[k]!.length;
    return before + 1;
  }

  /** The row with its current rank. */
  rankedRow(contestantId: number): StandingRow | undefined {
    const row = this.#byId.get(contestantId);
    if (!row) return undefined;
    const rank = this.rankOf(contestantId);
    return row.rank === rank ? row : { ...row, rank };
  }

  /**
   * The first `n` rows in display order (their `rank` fields as stored, not ranked): what a
   * board with a view of `n` rows holds (engine/view.ts). O(n + blocks).
   */
  top(n: number): StandingRow[] {
    if (this.#ranked) return this.#ranked.slice(0, n);
    const out: StandingRow[] = [];
    for (const block of this.#blocks) {
      for (const row of block) {
        if (out.length >= n) return out;
        out.push(row);
      }
    }
    return out;
  }

  /** The whole table in display order with ranks. */
  ranked(): StandingRow[] {
    this.#ranked ??= assignRanks(this.#blocks.flat());
    return this.#ranked;
  }

  #insert(row: StandingRow): void {
    if (!this.#blocks.length) {
      this.#blocks.push([row]);
      return;
    }
    let [b, i] = this.#locate((x) => compareForDisplay(x, row) < 0);
    if (b === this.#blocks.length) {
      b--;
      i = this.#blocks[b]!.length;
    }
    const block = this.#blocks[b]!;
    block.splice(i, 0, row);
    if (block.length > 2 * this.#block)
      this.#blocks.splice(b, 1, block.slice(0, this.#block), block.slice(this.#block));
  }

  /**
   * Position of the first row for which `before` is false (`before` holds for a prefix of the
   * display order): [block index, index within the block]; [blocks, 0] when none.
   */
  #locate(before: (x: StandingRow) => boolean): [number, number] {
    let lo = 0;
    let hi = this.#blocks.length;
    // First block whose last row is not `before`.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.#blocks[mid]!;
      if (before(block[block.length - 1]!)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.#blocks.length) return [lo, 0];
    const block = this.#blocks[lo]!;
    let a = 0;
    let z = block.length;
    while (a < z) {
      const mid = (a + z) >> 1;
      if (before(block[mid]!)) a = mid + 1;
      else z = mid;
    }
    return [lo, a];
  }
}
