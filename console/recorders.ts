import { hasMeasurements, type SchemeIndex } from '#engine';
import { pick, type Lang } from './i18n.ts';

/**
 * Pure readings of who records a panel's measurements (docs/scheme.md, "Measurements on a
 * panel"): a station judged by several judges that also measures (faults, veto, checks, times,
 * difficulty) has one recorder among the judges of its panel. The server checks the same rule
 * (`official/recorder`); these helpers only decide what the judges screen offers and warns of.
 */

/** A panel station with measurements: one of its judges must record them. */
export interface RecorderStation {
  id: string;
  /** The station's name in the console's language. */
  label: string;
  /** Its sheets that carry measurements: a judge of one of them may record. */
  sheetIds: string[];
}

/** An official as the judges screen lists him, as far as recording goes. */
export interface RecorderCandidate {
  code: string;
  name: string;
  sheets: readonly string[];
  records: readonly string[];
  revoked: boolean;
}

/** Every panel station with measurements, in scheme order. */
export function recorderStations(index: SchemeIndex, lang: Lang): RecorderStation[] {
  const out: RecorderStation[] = [];
  for (const [id, { station, sheetIds }] of index.stations) {
    if (station.judges <= 1) continue;
    const measured = sheetIds.filter((s) => {
      const sheet = index.sheets.get(s);
      return !!sheet && hasMeasurements(sheet);
    });
    if (measured.length) out.push({ id, label: pick(station.label, lang), sheetIds: measured });
  }
  return out;
}

/** Whether an official with these sheets sits on the station's panel (so may record it). */
export function canRecord(station: RecorderStation, sheets: readonly string[]): boolean {
  return station.sheetIds.some((s) => sheets.includes(s));
}

/**
 * The stations an official records once his sheets are `sheets`: those he no longer sits on
 * are dropped (the server would refuse them), the rest kept in scheme order.
 */
export function keepRecords(
  records: readonly string[],
  stations: readonly RecorderStation[],
  sheets: readonly string[],
): string[] {
  return stations.filter((s) => records.includes(s.id) && canRecord(s, sheets)).map((s) => s.id);
}

/** Station id → who records it (the first official not revoked who does). */
export function recordersByStation(
  officials: readonly RecorderCandidate[],
): Map<string, { code: string; name: string }> {
  const out = new Map<string, { code: string; name: string }>();
  for (const o of officials)
    if (!o.revoked)
      for (const id of o.records) if (!out.has(id)) out.set(id, { code: o.code, name: o.name });
  return out;
}

/**
 * Panel stations whose judges are assigned but none records: the server refuses every mark of
 * such a panel until the organiser names one.
 */
export function missingRecorders(
  stations: readonly RecorderStation[],
  officials: readonly RecorderCandidate[],
): RecorderStation[] {
  const named = recordersByStation(officials);
  return stations.filter(
    (s) => !named.has(s.id) && officials.some((o) => !o.revoked && canRecord(s, o.sheets)),
  );
}
