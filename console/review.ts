import type { JudgeStat, LogMark, RescoreItem } from '#protocol';
import type { MarkState } from './i18n.ts';

/**
 * Pure helpers of the review screen: the marks log as `GET /api/competitions/:slug/marks`
 * returns it, each entry's state and the filters (values read through scheme.ts).
 */

const attemptKey = (contestantId: number, stationId: string | null, attempt: number) =>
  `${contestantId}:${stationId ?? ''}:${attempt}`;

/**
 * The state of every entry: a void or re-run entry is itself; a mark is current, voided (by a
 * void, or by a re-run granted later on its attempt) or superseded (a correction replaced it).
 */
export function markStates(marks: readonly LogMark[]): Map<number, MarkState> {
  const voided = new Set<number>();
  const reruns = new Map<string, number>();
  for (const m of marks) {
    if (m.kind === 'void' && m.targetMarkId !== null) voided.add(m.targetMarkId);
    if (m.kind === 'rerun') {
      const k = attemptKey(m.contestantId, m.stationId, m.attempt);
      reruns.set(k, Math.max(reruns.get(k) ?? 0, m.revision));
    }
  }
  const out = new Map<number, MarkState>();
  for (const m of marks) {
    if (m.kind !== 'mark') out.set(m.id, m.kind);
    else if (m.current) out.set(m.id, 'current');
    else if (
      voided.has(m.id) ||
      (reruns.get(attemptKey(m.contestantId, m.stationId, m.attempt)) ?? 0) > m.revision
    )
      out.set(m.id, 'voided');
    else out.set(m.id, 'superseded');
  }
  return out;
}

export interface ReviewFilter {
  contestantId: number | null;
  stationId: string | null;
  /** Only entries at a contestant × station whose status is flagged now. */
  onlyFlagged: boolean;
  /** Also corrected and voided marks (and the void and re-run entries). */
  showHistory: boolean;
}

/** Key of a contestant × station cell, as {@link flaggedCells} holds them. */
export const cellKey = (contestantId: number, stationId: string | null) =>
  `${contestantId}:${stationId ?? ''}`;

/** Cells (contestant × station) whose status is flagged in the live rows. */
export function flaggedCells(
  rows: readonly { contestantId: number; stations: Record<string, { status: string }> }[],
): Set<string> {
  const out = new Set<string>();
  for (const r of rows)
    for (const [id, s] of Object.entries(r.stations))
      if (s.status === 'flagged') out.add(cellKey(r.contestantId, id));
  return out;
}

/** The entries the filter keeps, newest first. */
export function filterMarks(
  marks: readonly LogMark[],
  states: ReadonlyMap<number, MarkState>,
  filter: ReviewFilter,
  flagged: ReadonlySet<string>,
): LogMark[] {
  return marks
    .filter(
      (m) =>
        (filter.contestantId === null || m.contestantId === filter.contestantId) &&
        (filter.stationId === null || m.stationId === filter.stationId) &&
        (!filter.onlyFlagged || flagged.has(cellKey(m.contestantId, m.stationId))) &&
        (filter.showHistory || states.get(m.id) === 'current'),
    )
    .sort((a, b) => b.id - a.id);
}

/**
 * Each stat's |mean deviation| as a share of the largest one on the same criterion (0–1), for
 * a bar beside the number. Relative, so it reads the same on a 0–3 and a 0–10 scale.
 */
export function deviationShares(stats: readonly JudgeStat[]): number[] {
  const max = new Map<string, number>();
  for (const s of stats) {
    const x = Math.abs(Number(s.meanDeviation)) || 0;
    max.set(s.criterionId, Math.max(max.get(s.criterionId) ?? 0, x));
  }
  return stats.map((s) => {
    const m = max.get(s.criterionId) ?? 0;
    return m > 0 ? (Math.abs(Number(s.meanDeviation)) || 0) / m : 0;
  });
}

/** The owner of a mark's line when someone else wrote it (e.g. the head judge), else null. */
export function otherOwner(m: LogMark): { code: string; name: string } | null {
  return m.owner && m.owner.code !== m.judge.code ? m.owner : null;
}

/** The requests as the review lists them: open ones first, newest first within each. */
export function sortRescores(list: readonly RescoreItem[]): RescoreItem[] {
  return [...list].sort((a, b) => Number(b.pending) - Number(a.pending) || b.id - a.id);
}
