import type { Awards, CompetitionSummary, StandingRow, StandingsColumns } from '#protocol';

/**
 * Pure helpers of the board (no runes, no I/O): what BoardState and the rows compute from
 * standings rows.
 */

/**
 * A standings row as the board holds it. `changedAt` is the wall-clock time (ms) of the delta
 * that last replaced it, 0 when it came with a snapshot: the row glows for a moment after it.
 * `climb` is how many ranks that change gained (negative: lost), null when the contestant had
 * no score before it (a rank among unscored contestants means nothing).
 */
export interface BoardRow extends StandingRow {
  changedAt: number;
  climb: number | null;
}

import { hasStarted, startedModules } from '../web/present/status.ts';

/** The board's rules of a started row live with the exports' in web/present/status.ts. */
export { hasStarted, startedModules };

/**
 * Ranks gained by the changed contestants between two rankings (positive: moved up). Only
 * contestants that were ranked and scored before, and ranked after, and whose rank moved.
 */
export function rankClimbs(
  before: readonly BoardRow[],
  after: readonly BoardRow[],
  changed: readonly Pick<StandingRow, 'contestantId'>[],
): Map<number, number> {
  const changedIds = new Set(changed.map((r) => r.contestantId));
  const old = new Map<number, number>();
  for (const r of before)
    if (changedIds.has(r.contestantId) && r.rank !== null && hasStarted(r))
      old.set(r.contestantId, r.rank);
  const climbs = new Map<number, number>();
  for (const r of after) {
    const was = old.get(r.contestantId);
    if (was !== undefined && r.rank !== null && was !== r.rank)
      climbs.set(r.contestantId, was - r.rank);
  }
  return climbs;
}

/**
 * What the board shows, from the competition's course: `live` standings; `frozen` (the
 * standings as they stood at the freeze, nothing new); `ceremony` (the reveal from last place
 * up: `competition.revealed` set); `final` (official). A draft shows as live (nothing scored).
 */
export type BoardMode = 'live' | 'frozen' | 'ceremony' | 'final';

export function boardMode(
  c: Pick<CompetitionSummary, 'state' | 'revealed'> | null | undefined,
): BoardMode {
  if (c?.state === 'final') return 'final';
  if (c?.state === 'frozen') return c.revealed === null ? 'frozen' : 'ceremony';
  return 'live';
}

export { maskName } from '#engine';

/** One place of the reveal ceremony: `place` is 1-based in the final order; `row` once revealed. */
export interface Place<R> {
  place: number;
  row: R | null;
}

/**
 * The places of the reveal, best first: `total` places of which the last `revealed.length`
 * are filled with the revealed rows (already in rank order, as the server sends them).
 */
export function revealPlaces<R>(revealed: readonly R[], total: number): Place<R>[] {
  const n = Math.max(total, revealed.length);
  const first = n - revealed.length;
  return Array.from({ length: n }, (_, i) => ({
    place: i + 1,
    row: i >= first ? revealed[i - first]! : null,
  }));
}

/**
 * Which of `count` places (below the podium) fit a screen of `capacity` cells, as a half-open
 * range [start, end). All of them when they fit; otherwise a window that keeps the reveal's
 * frontier (`frontier`: index of the first revealed place, `count` when none is) in view with
 * a quarter of the window of still hidden places above it, so the hall sees what comes next.
 */
export function ceremonyWindow(
  count: number,
  frontier: number,
  capacity: number,
): { start: number; end: number } {
  const size = Math.max(1, Math.floor(capacity));
  if (count <= size) return { start: 0, end: count };
  const lead = Math.floor(size / 4);
  const start = Math.min(Math.max(0, frontier - lead), count - size);
  return { start, end: start + size };
}

/**
 * What a ceremony's place says in its rank's stead: the rank, or for a contestant without one
 * (withdrawn, disqualified: the field's last places) the status word in the board's language.
 */
export function rankText(
  row: Pick<StandingRow, 'rank' | 'status'>,
  t: { withdrawn: string; disqualified: string },
): string {
  if (row.rank !== null) return String(row.rank);
  return row.status === 'withdrawn' ? t.withdrawn : t.disqualified;
}

/** Width of a text in em of its font: CJK characters take a full em, the rest about 0.6. */
export function textEm(text: string): number {
  let em = 0;
  for (const ch of text) em += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return em;
}

/** Padding and gap around each award chip, in em of the chip's font (kept in step with the CSS). */
export const CHIP_PAD_EM = 1.1;

/**
 * Width of the widest set of chips a row can hold, in em of the chip font: the longest
 * positional award plus every threshold award (a row holds one positional award at most).
 */
export function awardsWidthEm(awards: Awards, lang: 'zh' | 'en'): number {
  let positional = 0;
  let threshold = 0;
  for (const a of awards.rules) {
    const w = textEm(a.label[lang]) + CHIP_PAD_EM;
    if (a.by === 'threshold') threshold += w;
    else positional = Math.max(positional, w);
  }
  return positional + threshold;
}

/**
 * The carry weight worth saying in a heading ("带入×0.3"): null when it is 1 (the whole
 * earlier total is carried, nothing to explain).
 */
export function carryWeight(carry: StandingsColumns['carry']): string | null {
  if (!carry) return null;
  return Number(carry.weight) === 1 ? null : carry.weight;
}
