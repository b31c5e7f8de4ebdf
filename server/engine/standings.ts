import type { TieBreak } from '../protocol/scheme.ts';
import type { StandingRow } from '../protocol/standings.ts';
import { formatScaled } from '../protocol/decimal.ts';
import type { SchemeIndex } from './scheme-index.ts';
import type { MarkBook } from './log.ts';
import { scoreContestant, type ContestantMarks, type ContestantScore } from './scoring.ts';

export type ContestantStatus = 'active' | 'withdrawn' | 'disqualified';

export interface ContestantInfo {
  id: number;
  bib: string;
  drawOrder: number;
  name: string;
  organisation: string;
  status: ContestantStatus;
  /**
   * Carry-over from the previous round in milli-points, already rounded to this scheme's
   * decimals (see {@link carryMilli}); absent or null when the round starts from zero.
   */
  carriedMilli?: number | null;
  /** The contestant of the previous round this one advanced from, if any. */
  advancedFromId?: number | null;
}

/** One row of the standings: a wire shape, declared in protocol/standings.ts. */
export type { StandingRow };

/**
 * Tie-break keys of a contestant for the scheme's chain, each oriented "larger wins":
 * module/station scores as published units, criterion times negated (shorter wins).
 */
export function tieBreakKeys(
  tieBreaks: readonly TieBreak[],
  score: ContestantScore,
): (number | null)[] {
  return tieBreaks.map((t) => {
    const raw =
      t.kind === 'module'
        ? score.modules[t.id]
        : t.kind === 'station'
          ? score.stations[t.id]?.units
          : score.times[t.id];
    if (raw === undefined || raw === null) return null;
    return t.order === 'desc' ? raw : -raw;
  });
}

/** Builds a contestant's standings row (rank not yet assigned). */
export function buildRow(
  index: SchemeIndex,
  c: ContestantInfo,
  score: ContestantScore,
): StandingRow {
  const d = index.scheme.decimals;
  const modules: StandingRow['modules'] = {};
  for (const [id, u] of Object.entries(score.modules)) modules[id] = formatScaled(u, d);
  const stations: StandingRow['stations'] = {};
  for (const [id, s] of Object.entries(score.stations))
    stations[id] = { score: formatScaled(s.units, d), status: s.status, locked: s.locked };
  const carried = c.carriedMilli ? c.carriedMilli / 10 ** (3 - d) : 0;
  if (!Number.isInteger(carried)) throw new RangeError(`carry ${c.carriedMilli} off ${d} decimals`);
  return {
    ...(c.carriedMilli != null
      ? { roundTotal: formatScaled(score.total, d), carried: formatScaled(carried, d) }
      : {}),
    contestantId: c.id,
    bib: c.bib,
    drawOrder: c.drawOrder,
    name: c.name,
    organisation: c.organisation,
    status: c.status,
    rank: null,
    total: formatScaled(score.total + carried, d),
    totalUnits: score.total + carried,
    modules,
    stations,
    keys: tieBreakKeys(index.scheme.tieBreaks, score),
    provisional: score.provisional,
  };
}

/**
 * True when a ranked contestant has at least one mark (a station not `empty`): who can hold an
 * award or go on to the next round. A contestant nobody has marked is ranked (tied at 0.00 at
 * the bottom) but has not taken part yet.
 */
export function takesPart<R extends StandingRow>(r: R): r is R & { rank: number } {
  if (r.rank === null) return false;
  for (const id in r.stations) if (r.stations[id]!.status !== 'empty') return true;
  return false;
}

const STATUS_ORDER: Record<ContestantStatus, number> = { active: 0, disqualified: 1, withdrawn: 2 };

const bibCollator = new Intl.Collator('en', { numeric: true });
const DIGITS = /^\d{1,15}$/;

/** Bib order, numeric-aware ("9" before "10"); plain numbers skip the collator (hot in sorts). */
export function compareBibs(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b))
    return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  return bibCollator.compare(a, b);
}

/** Compares two rows on what ranks them: total, then the tie-break keys. 0 means a true tie. */
export function compareOnMerit(
  a: Pick<StandingRow, 'totalUnits' | 'keys'>,
  b: Pick<StandingRow, 'totalUnits' | 'keys'>,
): number {
  if (a.totalUnits !== b.totalUnits) return b.totalUnits - a.totalUnits;
  const n = Math.max(a.keys.length, b.keys.length);
  for (let i = 0; i < n; i++) {
    const x = a.keys[i] ?? null;
    const y = b.keys[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x;
  }
  return 0;
}

/**
 * Display order of the standings: active contestants by merit, then disqualified, then
 * withdrawn; full ties by bib (numeric-aware), then by id so the order is total.
 */
export function compareForDisplay(a: StandingRow, b: StandingRow): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (a.status === 'active' ? compareOnMerit(a, b) : 0) ||
    compareBibs(a.bib, b.bib) ||
    a.contestantId - b.contestantId
  );
}

/**
 * Assigns standard competition ranks (SPEC: "1, 2, 2, 4") to rows already in display order:
 * a full tie on merit shares the rank. Disqualified and withdrawn contestants get none.
 * Returns new row objects where a rank changes; never mutates the input.
 */
export function assignRanks<R extends StandingRow>(sorted: readonly R[]): R[] {
  let prev: R | undefined;
  let prevRank = 0;
  return sorted.map((row, i) => {
    let rank: number | null = null;
    if (row.status === 'active') {
      rank = prev && compareOnMerit(prev, row) === 0 ? prevRank : i + 1;
      prev = row;
      prevRank = rank;
    }
    return row.rank === rank ? row : { ...row, rank };
  });
}

/**
 * Orders rows and assigns standard competition ranks: active contestants by published total,
 * then the tie-break keys; a full tie shares the rank and is displayed by bib. Disqualified
 * contestants follow everyone, then the withdrawn; neither gets a rank. Pure, O(n log n); the
 * board runs it on every delta so every screen agrees with the server.
 */
export function rankRows<R extends StandingRow>(rows: readonly R[]): R[] {
  return assignRanks([...rows].sort(compareForDisplay));
}

/**
 * The one standings function: every screen and export calls it (directly, or by applying the
 * same {@link buildRow} + {@link rankRows} incrementally, as the live server does).
 * @param book the folded log (engine/log.ts): current marks and re-runs per contestant.
 */
export function computeStandings(
  index: SchemeIndex,
  contestants: readonly ContestantInfo[],
  book: Pick<MarkBook, 'marks' | 'reruns'>,
  lockedStations: ReadonlySet<string>,
): StandingRow[] {
  const empty: ContestantMarks = new Map();
  return rankRows(
    contestants.map((c) =>
      buildRow(
        index,
        c,
        scoreContestant(
          index,
          book.marks.get(c.id) ?? empty,
          lockedStations,
          book.reruns.get(c.id) ?? new Map(),
        ),
      ),
    ),
  );
}
