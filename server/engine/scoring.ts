import type { AggregateRule, Criterion, Station } from '../protocol/scheme.ts';
import { toMilli } from '../protocol/decimal.ts';
import type { LineStatus } from '../protocol/standings.ts';
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

/** The current mark of one line (owner × sheet × attempt) for one contestant. */
export interface CurrentMark {
  /** Log sequence: later marks win for measurement criteria. */
  seq: number;
  /** The author: the official who wrote it. */
  judgeId: number;
  /** Whose line it is: a panel judge, or null for the line of a one-judge sheet (rules 2). */
  owner?: number | null;
  values: SheetValues;
  /** Attempt (run) number, from 1; absent means 1. */
  attempt?: number;
  /** Rules version the mark was written under (engine/log.ts MARK_RULES); absent: 1. */
  rules?: 1 | 2;
  /**
   * Whether the sheet's measurements (faults, veto, checks, times, difficulty, imported values)
   * may be read from this mark: always under rules 1 (the latest mark of the panel), and under
   * rules 2 only when its author was the station's recorder. Absent: true.
   */
  measures?: boolean;
}

/** Scoring state of a sheet or station for one contestant (a wire shape: protocol/standings.ts). */
export type { LineStatus };

export interface SheetScore {
  /** Exact milli-points. */
  milli: Rational;
  status: LineStatus;
  judges: number;
  vetoed: 'sub-station' | 'station' | null;
  /** Criterion ids whose panel spread is beyond tolerance. */
  flagged: string[];
  /** Time criteria's values (ms, with fault time penalties), for tie-breaks; null when untimed. */
  times: Record<string, number | null>;
}

/**
 * The marks an aggregate rule keeps, sorted ascending (milli-points).
 *
 * - mean: all; median: the middle one or two; trimmed-mean: all but `trim` highest and `trim`
 *   lowest (WorldSkills / diving); two-closest: of three, the closest pair, and on an equal
 *   gap the higher pair (the documented choice).
 *
 * Documented fallback (SPEC: a line with fewer judges than required is computed and marked
 * provisional): when the panel is too small for the rule, all marks present are kept.
 */
export function keptJudgements(values: readonly number[], rule: AggregateRule): number[] {
  const v = [...values].sort((a, b) => a - b);
  switch (rule.rule) {
    case 'mean':
      return v;
    case 'median': {
      const mid = v.length >> 1;
      return v.length % 2 ? v.slice(mid, mid + 1) : v.slice(mid - 1, mid + 1);
    }
    case 'trimmed-mean':
      return v.length > 2 * rule.trim ? v.slice(rule.trim, v.length - rule.trim) : v;
    case 'two-closest': {
      if (v.length !== 3) return v;
      const [a, b, c] = v as [number, number, number];
      return b - a < c - b ? [a, b] : [b, c];
    }
  }
}

/** How many marks the rule keeps from a full panel of `n` judges. */
export function keptCount(n: number, rule: AggregateRule): number {
  return keptJudgements(
    Array.from({ length: n }, (_, i) => i),
    rule,
  ).length;
}

/** The mean of the kept marks, exactly; null for an empty panel. */
export function aggregateJudgements(
  values: readonly number[],
  rule: AggregateRule,
): Rational | null {
  const kept = keptJudgements(values, rule);
  if (!kept.length) return null;
  return rat(
    kept.reduce((s, x) => s + x, 0),
    kept.length,
  );
}

/** Spread (max − min) of a panel, milli-points. */
export function spread(values: readonly number[]): number {
  return values.length ? Math.max(...values) - Math.min(...values) : 0;
}

/**
 * The mark a sheet's measurements come from: the latest mark that may carry them. On a panel
 * written under rules 2 that is the recorder's, so a judge correcting only his judgement never
 * erases a fault another judge recorded (docs/scheme.md, "Measurements on a panel").
 */
function measuring(marks: readonly CurrentMark[]): CurrentMark | undefined {
  let best: CurrentMark | undefined;
  for (const m of marks) if (m.measures !== false && (!best || m.seq > best.seq)) best = m;
  return best;
}

/** Σ count × penaltyMs over the sheet's faults: added to its times (ranked-on-time schemes). */
function penaltyMs(sheet: Sheet, last: CurrentMark | undefined): number {
  let ms = 0;
  for (const c of sheet.criteria)
    if (c.kind === 'faults') {
      const counts = (last?.values[c.id] ?? {}) as Record<string, number>;
      for (const f of c.faults) ms += (counts[f.id] ?? 0) * f.penaltyMs;
    }
  return ms;
}

/**
 * Points of a time on a band: full up to `fullMs`, linear to zero at `zeroMs`, exact.
 * @returns milli-points.
 */
export function timeBandMilli(
  ms: number | null,
  pointsMilli: number,
  band: { fullMs: number; zeroMs: number },
): Rational {
  if (ms === null || ms >= band.zeroMs) return ZERO;
  if (ms <= band.fullMs) return rat(pointsMilli);
  return rat(pointsMilli * (band.zeroMs - ms), band.zeroMs - band.fullMs);
}

/** Milli-points one criterion contributes, from the panel's current marks. */
function criterionMilli(
  c: Criterion,
  sheet: Sheet,
  marks: readonly CurrentMark[],
  times: Record<string, number | null>,
  flagged: string[],
): Rational {
  const last = measuring(marks);
  switch (c.kind) {
    case 'faults': {
      const counts = (last?.values[c.id] ?? {}) as Record<string, number>;
      let deducted = 0;
      for (const f of c.faults) deducted += (counts[f.id] ?? 0) * toMilli(f.deduction);
      if (c.cap !== undefined) deducted = Math.min(deducted, toMilli(c.cap));
      return rat(Math.max(toMilli(c.floor), toMilli(c.points) - deducted));
    }
    case 'check':
      return rat(last?.values[c.id] === true ? toMilli(c.points) : 0);
    case 'imported':
      return rat((last?.values[c.id] as number | undefined) ?? 0);
    case 'time':
      return c.band && c.points > 0
        ? timeBandMilli(times[c.id] ?? null, toMilli(c.points), c.band)
        : ZERO;
    case 'judgement': {
      const given = marks
        .map((m) => m.values[c.id])
        .filter((x): x is number => typeof x === 'number');
      if (spread(given) > toMilli(c.tolerance)) flagged.push(c.id);
      const mean = aggregateJudgements(given, c.aggregate);
      if (!mean) return ZERO;
      if (c.result === 'scaled')
        return div(mul(mean, rat(toMilli(c.points))), rat(toMilli(c.scale.max)));
      // Sum of a short panel: the mean of what is there × the number a full panel keeps.
      const base = c.result === 'sum' ? mul(mean, rat(keptCount(sheet.judges, c.aggregate))) : mean;
      const dd = c.difficultyFrom
        ? ((last?.values[c.difficultyFrom] as number | undefined) ?? 0)
        : 1000;
      return mul(mul(base, rat(toMilli(c.factor), 1000)), rat(dd, 1000));
    }
    case 'veto':
    case 'difficulty':
      return ZERO;
  }
}

/** Whether a sheet has criteria other than judgements (measurements: one value per line). */
export function hasMeasurements(sheet: Pick<Sheet, 'criteria'>): boolean {
  return sheet.criteria.some((c) => c.kind !== 'judgement');
}

/** Judges a sheet needs before its line is complete (not provisional). */
export function requiredJudges(sheet: Sheet): number {
  let n = 0;
  for (const c of sheet.criteria)
    if (c.kind === 'judgement') n = Math.max(n, c.minJudges ?? sheet.judges);
  return n || sheet.judges;
}

/**
 * Scores one sheet for one contestant from the panel's current marks (one per judge, one
 * attempt). Total = Σ criteria, floored at 0 unless the sheet declares `floorAtZero: false`,
 * and cut at the sheet's points only under scheme version 1 (docs/scheme.md: version 2 never
 * cuts: a `maximum` is checked when the scheme loads); a set veto zeroes it; a sheet
 * nobody marked scores 0. Status: empty (no mark), partial (fewer judges than required),
 * flagged (a judgement spread beyond tolerance), scored.
 */
export function scoreSheet(sheet: Sheet, marks: readonly CurrentMark[]): SheetScore {
  const flagged: string[] = [];
  const times: Record<string, number | null> = {};
  const last = measuring(marks);
  const penalty = penaltyMs(sheet, last);
  let vetoed: SheetScore['vetoed'] = null;
  for (const c of sheet.criteria) {
    if (c.kind === 'veto' && last?.values[c.id] === true)
      vetoed = vetoed === 'station' ? vetoed : c.scope;
    if (c.kind === 'time') {
      const raw = last?.values[c.id] as number | null | undefined;
      times[c.id] = typeof raw === 'number' ? raw + penalty : null;
    }
  }
  let total = ZERO;
  for (const c of sheet.criteria)
    total = add(total, criterionMilli(c, sheet, marks, times, flagged));
  // Version 1 cut a sheet at its points; version 2 never cuts (a maximum is checked when the
  // scheme is loaded, a nominal size counts in full). The floor at 0 is the sheet's own rule.
  if (sheet.floorAtZero) total = rmax(total, ZERO);
  if (sheet.cut) total = rmin(total, rat(sheet.points));
  if (vetoed || marks.length === 0) total = ZERO;
  const status: LineStatus =
    marks.length === 0
      ? 'empty'
      : marks.length < requiredJudges(sheet) || (!last && hasMeasurements(sheet))
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

/** Attempts the head judge voided (re-runs granted), per station id, for one contestant. */
export type Reruns = ReadonlyMap<string, readonly number[]>;

function combineStatus(a: LineStatus, b: LineStatus): LineStatus {
  if (a === b) return a;
  if (a === 'flagged' || b === 'flagged') return 'flagged';
  // Anything mixed (scored + empty, partial + scored, …) is a station partly done.
  return 'partial';
}

interface AttemptScore {
  exact: Rational;
  status: LineStatus;
  vetoed: boolean;
  times: Record<string, number | null>;
}

function scoreAttempt(
  index: SchemeIndex,
  sheetIds: string[],
  marks: ContestantMarks,
  attempt: number | null,
): AttemptScore {
  const parts = sheetIds.map((id) => {
    const all = marks.get(id) ?? [];
    return scoreSheet(
      index.sheets.get(id)!,
      attempt === null ? all : all.filter((m) => (m.attempt ?? 1) === attempt),
    );
  });
  const stationVeto = parts.some((p) => p.vetoed === 'station');
  const times: Record<string, number | null> = {};
  for (const p of parts) Object.assign(times, p.times);
  return {
    exact: stationVeto ? ZERO : sum(parts.map((p) => p.milli)),
    status: parts.map((p) => p.status).reduce(combineStatus),
    vetoed: parts.some((p) => p.vetoed),
    times,
  };
}

/**
 * A station's exact score over its attempts (runs): `best` counts the best attempt, `sum`
 * adds them, `mean` averages the attempts taken. Voided attempts (re-runs granted by the head
 * judge) drop out and each adds one attempt. Missing attempts leave the station partial.
 * Tie-break times come from the counted attempt (`best`) or the latest attempt taken.
 */
function scoreStation(
  index: SchemeIndex,
  station: Station,
  sheetIds: string[],
  marks: ContestantMarks,
  voided: readonly number[],
  perAttempt: ((exact: Rational) => Rational) | null,
): AttemptScore {
  const attempt = (a: number | null): AttemptScore => {
    const s = scoreAttempt(index, sheetIds, marks, a);
    return perAttempt ? { ...s, exact: perAttempt(s.exact) } : s;
  };
  if (!station.attempts) return attempt(null);
  const allowed = station.attempts.count + voided.length;
  const taken: AttemptScore[] = [];
  for (let a = 1; a <= allowed; a++) {
    if (voided.includes(a)) continue;
    const s = attempt(a);
    if (s.status !== 'empty') taken.push(s);
  }
  if (!taken.length) return { exact: ZERO, status: 'empty', vetoed: false, times: {} };
  let status = taken.map((t) => t.status).reduce(combineStatus);
  if (taken.length < station.attempts.count && status !== 'flagged') status = 'partial';
  const best = taken.reduce((b, t) => (cmp(t.exact, b.exact) > 0 ? t : b));
  const rule = station.attempts.rule;
  const total = sum(taken.map((t) => t.exact));
  return {
    exact: rule === 'best' ? best.exact : rule === 'sum' ? total : div(total, rat(taken.length)),
    status,
    vetoed: (rule === 'best' ? best : taken[taken.length - 1]!).vetoed,
    times: (rule === 'best' ? best : taken[taken.length - 1]!).times,
  };
}

/**
 * Scores one contestant under the scheme's totals rules (`index.rules`, docs/scheme.md):
 * - stations: exact, published by rounding to the scheme's decimals in the declared mode
 *   (half-up by default, or truncation); with `rounding.stage: attempt` each run is rounded
 *   first;
 * - modules: at stages `attempt`/`station` (version 1) the exact sum of their published
 *   stations, so the parts shown add up to the module shown; at `module` the exact station sum
 *   rounded once; at `total` the same rounding is only shown, and the exact sum goes on;
 * - total: basis `weighted` (version 1): Σ weight% × module scaled to 100 points, rounded once;
 *   basis `points`: the plain sum of the modules, of any size, rounded once.
 * "Rank on the published value" (SPEC, Arithmetic) follows because the total is itself a
 * published value. Units: published units of 10^-decimals points throughout the result.
 */
export function scoreContestant(
  index: SchemeIndex,
  marks: ContestantMarks,
  lockedStations: ReadonlySet<string>,
  reruns: Reruns = new Map(),
): ContestantScore {
  const { decimals } = index.scheme;
  const { basis, rounding } = index.rules;
  const { stage, mode } = rounding;
  /** Milli-points per published unit. */
  const unit = 10 ** (3 - decimals);
  // milli-points → published units: x/1000 points rounded to `decimals`.
  const toUnits = (milli: Rational) => roundToUnits(div(milli, rat(1000)), decimals, mode);
  const perAttempt = stage === 'attempt' ? (x: Rational) => rat(toUnits(x) * unit) : null;
  const stations: Record<string, StationResult> = {};
  const modules: Record<string, number> = {};
  const times: Record<string, number | null> = {};
  /** The total before its one rounding, in published units. */
  let exactTotal = ZERO;
  let provisional = false;
  for (const module of index.scheme.modules) {
    let moduleUnits = 0;
    let moduleMilli = ZERO;
    for (const station of module.stations) {
      const { sheetIds } = index.stations.get(station.id)!;
      const s = scoreStation(
        index,
        station,
        sheetIds,
        marks,
        reruns.get(station.id) ?? [],
        perAttempt,
      );
      const locked = lockedStations.has(station.id);
      const units = toUnits(s.exact);
      stations[station.id] = { units, status: s.status, locked, vetoed: s.vetoed };
      Object.assign(times, s.times);
      if (!locked || s.status !== 'scored') provisional = true;
      moduleUnits += units;
      moduleMilli = add(moduleMilli, s.exact);
    }
    // What the total is made of, in published units: exact only at stage `total`.
    const value =
      stage === 'total'
        ? div(moduleMilli, rat(unit))
        : rat(stage === 'module' ? toUnits(moduleMilli) : moduleUnits);
    modules[module.id] =
      stage === 'total' || stage === 'module' ? toUnits(moduleMilli) : moduleUnits;
    exactTotal = add(
      exactTotal,
      basis === 'points'
        ? value
        : // Contribution in units = weight% × 100 points × module / module points.
          mul(value, rat((module.weight ?? 0) * 1000, toMilli(module.points))),
    );
  }
  return { stations, modules, total: roundToUnits(exactTotal, 0, mode), times, provisional };
}
