import type { StandingRow } from '#protocol';
import type { CellStatus } from './i18n.ts';

/**
 * Pure helpers of the progress matrix (contestants × stations): what is counted, what is
 * missing. Only active contestants count — a withdrawn or disqualified one is missing nothing.
 */

export type StationCounts = Record<CellStatus, number> & {
  /** Active contestants. */
  total: number;
  /** Not yet fully scored: empty, partial or flagged. */
  open: number;
};

type Row = Pick<StandingRow, 'status' | 'stations'>;

/** A cell's status; a station the row does not carry counts as not started. */
export function cellStatus(row: Row, stationId: string): CellStatus {
  return row.stations[stationId]?.status ?? 'empty';
}

/** Per station: how many active contestants are at each status. */
export function stationCounts(
  rows: readonly Row[],
  stationIds: readonly string[],
): Record<string, StationCounts> {
  const out: Record<string, StationCounts> = {};
  for (const id of stationIds)
    out[id] = { empty: 0, partial: 0, scored: 0, flagged: 0, total: 0, open: 0 };
  for (const row of rows) {
    if (row.status !== 'active') continue;
    for (const id of stationIds) {
      const c = out[id]!;
      const s = cellStatus(row, id);
      c[s]++;
      c.total++;
      if (s !== 'scored') c.open++;
    }
  }
  return out;
}

/** Stations where an active row is not fully scored (empty, partial or flagged), in order. */
export function missingStations(row: Row, stationIds: readonly string[]): string[] {
  if (row.status !== 'active') return [];
  return stationIds.filter((id) => cellStatus(row, id) !== 'scored');
}

/** Scored cells and all cells of active contestants, and how many are flagged. */
export function overallProgress(
  rows: readonly Row[],
  stationIds: readonly string[],
): { done: number; total: number; flagged: number } {
  let done = 0;
  let total = 0;
  let flagged = 0;
  for (const row of rows) {
    if (row.status !== 'active') continue;
    for (const id of stationIds) {
      total++;
      const s = cellStatus(row, id);
      if (s === 'scored') done++;
      else if (s === 'flagged') flagged++;
    }
  }
  return { done, total, flagged };
}

/**
 * The share of lines scored, in percent, as shown beside the progress bar: floored, so it
 * never says 100 while a line is open (279 of 280 is "99.6", not "100"), and never 0 once one is
 * scored. Whole percent in between; one decimal below 1 % and from 99 % on, where a whole
 * number would hide the last (or first) lines.
 */
export function progressPercent(done: number, total: number): string {
  if (total <= 0 || done <= 0) return '0';
  if (done >= total) return '100';
  const tenths = Math.floor((done * 1000) / total);
  if (tenths >= 10 && tenths < 990) return String(Math.floor(tenths / 10));
  const clamped = Math.min(999, Math.max(1, tenths));
  return `${Math.floor(clamped / 10)}.${clamped % 10}`;
}

export type RowOrder = 'bib' | 'draw' | 'rank';

const bibCollator = new Intl.Collator('en', { numeric: true });

/**
 * The matrix's rows in the chosen order; `rank` keeps the ranked order it is given. With
 * `onlyMissing`, only active rows that still miss a station.
 */
export function orderRows<R extends StandingRow>(
  ranked: readonly R[],
  order: RowOrder,
  onlyMissing: boolean,
  stationIds: readonly string[],
): R[] {
  let rows = [...ranked];
  if (order === 'bib') rows.sort((a, b) => bibCollator.compare(a.bib, b.bib));
  else if (order === 'draw') rows.sort((a, b) => a.drawOrder - b.drawOrder);
  if (onlyMissing) rows = rows.filter((r) => missingStations(r, stationIds).length > 0);
  return rows;
}

/** Stations the head judge has locked: a lock applies to every row alike, so one row tells. */
export function lockedStationsOf(rows: readonly Row[]): Set<string> {
  const out = new Set<string>();
  const first = rows[0];
  if (first) for (const [id, s] of Object.entries(first.stations)) if (s.locked) out.add(id);
  return out;
}
