import type { Criterion, MarkingScheme, Module, Rounding, Station } from '../protocol/scheme.ts';
import { toMilli } from '../protocol/decimal.ts';

/**
 * A scoring sheet: the unit a judge fills in for one contestant — a station that holds its
 * criteria directly, or one sub-station of a station (S-bend inside safe riding). Marks,
 * judge assignments and panels are per sheet; locks are per station.
 */
export interface Sheet {
  id: string;
  stationId: string;
  moduleId: string;
  label: Station['label'];
  /** Milli-points. */
  points: number;
  /** Judges expected on the panel. */
  judges: number;
  criteria: Criterion[];
  isSubStation: boolean;
  /**
   * Whether the sheet's total is cut at its points: only version 1 schemes (their old rule).
   * A version 2 sheet is never cut: a `maximum` was proved unreachable-beyond at load, a
   * `nominal` counts in full (protocol/scheme.ts PointsAre).
   */
  cut: boolean;
  /** Whether the sheet's total stops at 0 (`floorAtZero`, default true). */
  floorAtZero: boolean;
}

/** The totals rules of a scheme with every absent version 2 field read as version 1's rule. */
export interface TotalsRules {
  basis: 'weighted' | 'points';
  rounding: Rounding;
}

/**
 * The totals rules a scheme declares (docs/scheme.md, "Version 2"), defaults filled in:
 * basis `weighted`, rounding per station half-up — exactly version 1's rule.
 */
export function totalsRules(scheme: Pick<MarkingScheme, 'basis' | 'rounding'>): TotalsRules {
  return {
    basis: scheme.basis ?? 'weighted',
    rounding: {
      stage: scheme.rounding?.stage ?? 'station',
      mode: scheme.rounding?.mode ?? 'half-up',
    },
  };
}

export interface SchemeIndex {
  scheme: MarkingScheme;
  sheets: Map<string, Sheet>;
  stations: Map<string, { station: Station; module: Module; sheetIds: string[] }>;
  /** Criterion id → sheet id. */
  criterionSheet: Map<string, string>;
  /** Basis and rounding, defaults filled in. */
  rules: TotalsRules;
}

/** Indexes a validated scheme by sheet, station and criterion id. Pure; O(size of the scheme). */
export function indexScheme(scheme: MarkingScheme): SchemeIndex {
  const sheets = new Map<string, Sheet>();
  const stations: SchemeIndex['stations'] = new Map();
  const criterionSheet = new Map<string, string>();
  for (const module of scheme.modules) {
    for (const station of module.stations) {
      const units = station.subStations
        ? station.subStations.map((u) => ({
            ...u,
            floorAtZero: u.floorAtZero ?? station.floorAtZero,
            isSubStation: true,
          }))
        : [
            {
              id: station.id,
              label: station.label,
              points: station.points,
              floorAtZero: station.floorAtZero,
              criteria: station.criteria ?? [],
              isSubStation: false,
            },
          ];
      const sheetIds: string[] = [];
      for (const u of units) {
        sheets.set(u.id, {
          id: u.id,
          stationId: station.id,
          moduleId: module.id,
          label: u.label,
          points: toMilli(u.points),
          judges: station.judges,
          criteria: u.criteria,
          isSubStation: u.isSubStation,
          cut: scheme.schemaVersion === 1,
          floorAtZero: u.floorAtZero ?? true,
        });
        for (const c of u.criteria) criterionSheet.set(c.id, u.id);
        sheetIds.push(u.id);
      }
      stations.set(station.id, { station, module, sheetIds });
    }
  }
  return { scheme, sheets, stations, criterionSheet, rules: totalsRules(scheme) };
}
