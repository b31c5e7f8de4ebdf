import type { SchemeIndex } from '#engine';
import type { Criterion, LocalText, MarkingScheme } from '#protocol';
import { durationText, secondsText } from '../web/present/duration.ts';
import { pick, type Lang } from './i18n.ts';

/**
 * Pure readings of the marking scheme (`GET /api/competitions/:slug/scheme`) for the console's
 * screens: what a sheet is called, which criteria take an imported file, which stations run
 * several attempts. The scheme is the one the server scores with, parsed (defaults filled in).
 */

/**
 * A sheet's name in `lang`: its station's label when the sheet is the station, else
 * "station · sub-station" ("安全骑行 · 单边桥"). Null for a sheet the scheme does not hold.
 */
export function sheetName(index: SchemeIndex, sheetId: string, lang: Lang): string | null {
  const sheet = index.sheets.get(sheetId);
  if (!sheet) return null;
  const station = index.stations.get(sheet.stationId)?.station;
  const stationLabel = station ? pick(station.label, lang) : sheet.stationId;
  return sheet.isSubStation ? `${stationLabel} · ${pick(sheet.label, lang)}` : stationLabel;
}

/** Criterion id → criterion, over every sheet of the scheme. */
export function criteriaOf(index: SchemeIndex): Map<string, Criterion> {
  const out = new Map<string, Criterion>();
  for (const sheet of index.sheets.values()) for (const c of sheet.criteria) out.set(c.id, c);
  return out;
}

/** A criterion whose values come from another system's file (the theory exam total). */
export interface ImportTarget {
  id: string;
  label: LocalText;
  /** The sheet's label ("理论考试"; "station · sub-station" for a sub-station). */
  sheet: { zh: string; en: string };
  /** Full marks, in points. */
  points: number;
}

/** Every `imported` criterion of the scheme, in scheme order. */
export function importTargets(index: SchemeIndex): ImportTarget[] {
  const out: ImportTarget[] = [];
  for (const sheet of index.sheets.values())
    for (const c of sheet.criteria)
      if (c.kind === 'imported')
        out.push({
          id: c.id,
          label: c.label,
          sheet: { zh: sheetName(index, sheet.id, 'zh')!, en: sheetName(index, sheet.id, 'en')! },
          points: c.points,
        });
  return out;
}

/** How an import target reads in a list: "理论考试 · 理论成绩（100题）". */
export function importTargetName(target: ImportTarget, lang: Lang): string {
  const sheet = pick(target.sheet, lang);
  const label = pick(target.label, lang);
  return sheet === label ? sheet : `${sheet} · ${label}`;
}

/** Stations whose contestants run several attempts: the only ones a re-run can be granted at. */
export function rerunStations(index: SchemeIndex): Set<string> {
  const out = new Set<string>();
  for (const [id, s] of index.stations) if (s.station.attempts) out.add(id);
  return out;
}

/** Words the value formatter needs. */
export interface ValueWords {
  yes: string;
  no: string;
  untimed: string;
  /** A faults criterion with nothing counted. */
  noFaults: string;
}

/** Milli-points as a number: 87_500 → "87.5". */
function points(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  return sign + secondsText(Math.abs(milli));
}

/**
 * One mark's values in words, criterion by criterion, in the order the mark holds them:
 * faults as "碰桩×1 压线×2" (or "无扣分"), veto and check as "掉桥 否", a time as
 * "全程用时 1分05.36秒" (the one duration format, web/present/duration.ts), judgement, difficulty and imported values as "打包质量 3".
 * Values are as stored: faults `{faultId: count}`, booleans, time in ms (null: untimed),
 * judgement / difficulty / imported in milli-points. A criterion the scheme does not hold
 * (or before the scheme has arrived) shows by its id.
 */
export function formatValues(
  values: Record<string, unknown>,
  w: ValueWords,
  criteria: ReadonlyMap<string, Criterion> = new Map(),
  lang: Lang = 'zh',
): string {
  const parts: string[] = [];
  for (const [id, v] of Object.entries(values)) {
    const c = criteria.get(id);
    const label = c ? pick(c.label, lang) : id;
    if (typeof v === 'boolean') parts.push(`${label} ${v ? w.yes : w.no}`);
    else if (v === null) parts.push(`${label} ${w.untimed}`);
    else if (typeof v === 'number') {
      const isTime = c ? c.kind === 'time' : /time/.test(id);
      parts.push(`${label} ${isTime ? durationText(v, lang) : points(v)}`);
    } else if (typeof v === 'object') {
      const names =
        c?.kind === 'faults' ? new Map(c.faults.map((f) => [f.id, pick(f.label, lang)])) : null;
      const faults = Object.entries(v as Record<string, unknown>)
        .filter(([, n]) => typeof n === 'number' && n > 0)
        .map(([f, n]) => `${names?.get(f) ?? f}×${String(n)}`);
      if (names) parts.push(faults.length ? faults.join(' ') : w.noFaults);
      else parts.push(`${label} ${faults.length ? faults.join(' ') : '0'}`);
    } else parts.push(`${label} ${String(v)}`);
  }
  return parts.join(' · ');
}

/** A sheet a judge can be assigned to, with its name in the console's language. */
export interface SheetOption {
  id: string;
  /** "清洁消毒" for a station without sub-stations, "安全骑行 · 单边桥" for a sub-station. */
  label: string;
  stationId: string;
}

/**
 * Every sheet of the scheme in scheme order: each station without sub-stations, and each
 * sub-station of the others. These are the ids `POST …/officials` accepts in `sheets`.
 */
export function sheetOptions(scheme: MarkingScheme, lang: Lang): SheetOption[] {
  const out: SheetOption[] = [];
  for (const m of scheme.modules)
    for (const st of m.stations) {
      const station = pick(st.label, lang);
      if (st.subStations)
        for (const u of st.subStations)
          out.push({ id: u.id, label: `${station} · ${pick(u.label, lang)}`, stationId: st.id });
      else out.push({ id: st.id, label: station, stationId: st.id });
    }
  return out;
}
