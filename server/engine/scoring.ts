import type { AggregateRule, Criterion } from '../protocol/scheme.ts';
import { toMilli } from './decimal.ts';
import {
  add,
  cmp,
  div,
  max as rmax,
  min as rmin,
  mul,
  rat,
  roundToUnits,
  sum,
  ZERO,
  type Rational,
} from './rational.ts';
import type { SchemeIndex, Sheet } from './scheme-index.ts';
import type { SheetValues } from './values.ts';

/** One judge's current mark on one sheet for one contestant (after supersession). */
export interface CurrentMark {
  /** Log sequence: later marks win for measurement criteria. */
  seq: number;
  judgeId: number;
  values: SheetValues;
}

/** Scoring state of a sheet or station for one contestant. */
export type LineStatus = 'empty' | 'partial' | 'scored' | 'flagged';

export interface SheetScore {
  /** Exact milli-points. */
  milli: Rational;
  status: LineStatus;
  judges: number;
  vetoed: 'sub-station' | 'station' | null;
  /** Criterion ids whose panel spread is beyond tolerance. */
  flagged: string[];
  /** Time criteria's values (ms), for tie-breaks. */
  times: Record<string, number | null>;
}

/**
 * Aggregates a panel's judgements (milli-points) by the scheme's rule, exactly.
 *
 * - mean: Σ/n.
 * - median: middle value, or the mean of the two middle values.
 * - trimmed-mean: drop `trim` highest and `trim` lowest, mean of the rest (WorldSkills/diving).
 * - two-closest: of three marks, the mean of the two closest; on an equal gap, the higher pair.
 *
 * Documented fallback (SPEC: a line with fewer judges than required is computed and marked
 * provisional): when the panel is too small for the rule, the plain mean of the marks present.
 * @returns null for an empty panel.
 */
export function aggregateJudgements(
  values: readonly number[],
  rule: AggregateRule,
): Rational | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mean = (xs: number[]) =>
    rat(
      xs.reduce((s, x) => s + x, 0),
      xs.length,
    );
  switch (rule.rule) {
    case 'mean':
      return mean(v);
    case 'median': {
      const mid = v.length >> 1;
      return v.length % 2 ? rat(v[mid]!) : mean([v[mid - 1]!, v[mid]!]);
    }
    case 'trimmed-mean':
      return v.length > 2 * rule.trim ? mean(v.slice(rule.trim, v.length - rule.trim)) : mean(v);
    case 'two-closest': {
      if (v.length !== 3) return mean(v);
      const [a, b, c] = v as [number, number, number];
      return b - a < c - b ? mean([a, b]) : mean([b, c]);
    }
  }
}

/** Spread (max − min) of a panel, milli-points. */
export function spread(values: readonly number[]): number {
  return values.length ? Math.max(...values) - Math.min(...values) : 0;
}

function latest(marks: readonly CurrentMark[]): CurrentMark | undefined {
  let best: CurrentMark | undefined;
  for (const m of marks) if (!best || m.seq > best.seq) best = m;
  return best;
}

/** Milli-points one criterion contributes, from the panel's current marks. */
function criterionMilli(c: Criterion, marks: readonly CurrentMark[], flagged: string[]): Rational {
  const last = latest(marks);
  switch (c.kind) {
    case 'faults': {
      const counts = (last?.values[c.id] ?? {}) as Record<string, number>;
      let deducted = 0;
      for (const f of c.faults) deducted += (counts[f.id] ?? 0) * toMilli(f.deduction);
      return rat(Math.max(toMilli(c.floor), toMilli(c.points) - deducted));
    }
    case 'check':
      return rat(last?.values[c.id] === true ? toMilli(c.points) : 0);
    case 'imported':
      return rat((last?.values[c.id] as number | undefined) ?? 0);
    case 'judgement': {
      const given = marks
        .map((m) => m.values[c.id])
        .filter((x): x is number => typeof x === 'number');
      if (spread(given) > toMilli(c.tolerance)) flagged.push(c.id);
      const agg = aggregateJudgements(given, c.aggregate);
      return agg ? div(mul(agg, rat(toMilli(c.points))), rat(toMilli(c.scale.max))) : ZERO;
    }
    case 'veto':
    case 'time':
      return ZERO;
  }
}

/**
 * Scores one sheet for one contestant from the panel's current marks (one per judge).
 * Sub-station total = Σ criteria, clamped to [0, sheet points]; a set veto zeroes it.
 * Status: empty (no mark), partial (fewer judges than the panel), flagged (a judgement spread
 * beyond tolerance), scored.
 */
export function scoreSheet(sheet: Sheet, marks: readonly CurrentMark[]): SheetScore {
  const flagged: string[] = [];
  const times: Record<string, number | null> = {};
  const last = latest(marks);
  let vetoed: SheetScore['vetoed'] = null;
  let total = ZERO;
  for (const c of sheet.criteria) {
    if (c.kind === 'veto' && last?.values[c.id] === true)
      vetoed = vetoed === 'station' ? vetoed : c.scope;
    if (c.kind === 'time') times[c.id] = (last?.values[c.id] as number | null | undefined) ?? null;
    total = add(total, criterionMilli(c, marks, flagged));
  }
  total = rmin(rmax(total, ZERO), rat(sheet.points));
  // A sheet nobody has marked scores nothing (fault criteria would otherwise start from full).
  if (vetoed || marks.length === 0) total = ZERO;
  const status: LineStatus =
    marks.length === 0
      ? 'empty'
      : marks.length < sheet.judges
        ? 'partial'
        : flagged.length
          ? 'flagged'
          : 'scored';
  return { milli: total, status, judges: marks.length, vetoed, flagged, times };
}

export interface StationResult {
  /** Published score in units of 10^-decimals points (2 decimals: hundredths). */
  units: number;
  status: LineStatus;
  locked: boolean;
  vetoed: boolean;
}

export interface ContestantScore {
  stations: Record<string, StationResult>;
  /** Module totals in published units: the exact sum of their published station scores. */
  modules: Record<string, number>;
  /** Published total units: round-half-up of Σ weight% × module. */
  total: number;
  /** Time criteria (ms) for tie-breaks; null when not timed. */
  times: Record<string, number | null>;
  /** True until every station is scored by a full panel and locked by the head judge. */
  provisional: boolean;
}

/** Current marks of one contestant, keyed by sheet id. */
export type ContestantMarks = ReadonlyMap<string, readonly CurrentMark[]>;

function combineStatus(a: LineStatus, b: LineStatus): LineStatus {
  const order: LineStatus[] = ['flagged', 'partial', 'empty', 'scored'];
  if (a === b) return a;
  if (a === 'flagged' || b === 'flagged') return 'flagged';
  // A station with one sheet scored and another empty is partly done.
  if (a === 'scored' || b === 'scored' || a === 'partial' || b === 'partial') return 'partial';
  return order[Math.min(order.indexOf(a), order.indexOf(b))]!;
}

/**
 * Scores one contestant: stations (exact, then published by half-up rounding to the scheme's
 * decimals), modules (Σ of published stations, so the parts shown add up to the module shown),
 * and the total (Σ weight% × module scaled to 100 points, rounded half-up once). "Rank on the published value"
 * (SPEC, Arithmetic) follows because the total is itself a published value.
 */
export function scoreContestant(
  index: SchemeIndex,
  marks: ContestantMarks,
  lockedStations: ReadonlySet<string>,
): ContestantScore {
  const { decimals } = index.scheme;
  const stations: Record<string, StationResult> = {};
  const modules: Record<string, number> = {};
  const times: Record<string, number | null> = {};
  let weighted = ZERO;
  let provisional = false;
  for (const module of index.scheme.modules) {
    let moduleUnits = 0;
    for (const station of module.stations) {
      const entry = index.stations.get(station.id)!;
      const parts = entry.sheetIds.map((id) =>
        scoreSheet(index.sheets.get(id)!, marks.get(id) ?? []),
      );
      const stationVeto = parts.some((p) => p.vetoed === 'station');
      const exact = stationVeto ? ZERO : sum(parts.map((p) => p.milli));
      const status = parts.map((p) => p.status).reduce(combineStatus);
      const locked = lockedStations.has(station.id);
      // milli-points → published units: x/1000 points rounded to `decimals`.
      const units = roundToUnits(div(exact, rat(1000)), decimals);
      stations[station.id] = {
        units,
        status,
        locked,
        vetoed: stationVeto || parts.some((p) => p.vetoed),
      };
      for (const p of parts) Object.assign(times, p.times);
      if (!locked || status !== 'scored') provisional = true;
      moduleUnits += units;
    }
    modules[module.id] = moduleUnits;
    // Contribution in units = weight% × 100 points × module / module points.
    weighted = add(weighted, rat(moduleUnits * module.weight * 1000, toMilli(module.points)));
  }
  return { stations, modules, total: roundToUnits(weighted, 0), times, provisional };
}

/** Exposed for tests: compare two exact values. */
export { cmp as compareRational };
