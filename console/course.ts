import type {
  CompetitionSummary,
  ProvisionalReason,
  PublishReport,
  StandingRow,
  StandingsColumns,
} from '#protocol';
import type { CourseStep } from './i18n.ts';

/**
 * Pure helpers of the competition's course (SPEC: draft → live → frozen → final, with the
 * award reveal inside "frozen"): which step it is at, and what the reveal shows next.
 */

/** The step of the course: a frozen competition whose reveal has begun is at the ceremony. */
export function courseStep(
  c: Pick<CompetitionSummary, 'state' | 'revealed'> | null | undefined,
): CourseStep {
  if (!c) return 'live';
  if (c.state === 'frozen') return c.revealed === null ? 'frozen' : 'ceremony';
  return c.state;
}

/** Steps in order, for the stepper; a draft shows as the first step. */
export const STEPS = ['live', 'frozen', 'ceremony', 'final'] as const;

/** Index of a step in {@link STEPS} (a draft counts as before the first). */
export function stepIndex(step: CourseStep): number {
  return step === 'draft' ? -1 : STEPS.indexOf(step);
}

export interface RevealInfo {
  /** Rows revealed so far (from last place up). */
  revealed: number;
  /** Rows in all. */
  total: number;
  /** The row the next reveal shows; null once all are revealed. */
  next: StandingRow | null;
}

/**
 * The reveal as the server runs it: it shows the last `revealed` rows of the current ranked
 * order (standings order: ranked, then disqualified, then withdrawn), one more per step. The
 * staff rows are ranked with the same function, so the next row is the one before those.
 */
export function revealInfo(ranked: readonly StandingRow[], revealed: number | null): RevealInfo {
  const total = ranked.length;
  const k = Math.min(revealed ?? 0, total);
  return { revealed: k, total, next: k < total ? (ranked[total - k - 1] ?? null) : null };
}

/** Stations not yet locked, in scheme order. */
export function unlockedStations(
  columns: StandingsColumns | null,
  locked: ReadonlySet<string>,
): StandingsColumns['stations'] {
  return (columns?.stations ?? []).filter((s) => !locked.has(s.id));
}

/**
 * Rows that stay provisional once every station is locked, and why — what the server's publish
 * answers (`{provisional, reasons}`), read from the staff rows' own `provisional` flag and
 * station statuses so the console can say it before publishing (active contestants only).
 */
export function provisionalOf(rows: readonly StandingRow[]): PublishReport {
  const reasons: ProvisionalReason[] = [];
  let provisional = 0;
  for (const r of rows) {
    if (r.status !== 'active' || !r.provisional) continue;
    provisional++;
    for (const [stationId, s] of Object.entries(r.stations))
      if (s.status !== 'scored')
        reasons.push({ bib: r.bib, name: r.name, stationId, status: s.status });
  }
  return { provisional, reasons };
}

/** The reasons of a publish report by contestant, in the report's order. */
export function reasonsByBib(
  reasons: readonly ProvisionalReason[],
): { bib: string; reasons: ProvisionalReason[] }[] {
  const out: { bib: string; reasons: ProvisionalReason[] }[] = [];
  for (const x of reasons) {
    const last = out[out.length - 1];
    if (last?.bib === x.bib) last.reasons.push(x);
    else out.push({ bib: x.bib, reasons: [x] });
  }
  return out;
}
