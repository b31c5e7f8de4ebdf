import type { StandingsColumns } from '#protocol';
import { pick, type Lang } from './i18n.ts';

/** Station id → its label in `lang`, from the standings columns. */
export function labelsOf(columns: StandingsColumns | null, lang: Lang): Map<string, string> {
  return new Map((columns?.stations ?? []).map((s) => [s.id, pick(s.label, lang)]));
}

/** Sheet id → station id, as the marks log pairs them (a sub-station is a sheet of its station). */
export function sheetStations(
  marks: readonly { sheetId: string | null; stationId: string | null }[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of marks) if (m.sheetId && m.stationId) out.set(m.sheetId, m.stationId);
  return out;
}
