import { hasMeasurements, type Sheet, type SheetValues } from '#engine';
import type { Criterion } from '#protocol';

/**
 * Who sends what on a panel (docs/scheme.md, "Measurements on a panel"): a station judged by
 * several judges that also measures (faults, veto, checks, times, difficulty — anything but a
 * judgement) has one recorder; only the recorder sends the measurements, every other judge of
 * the panel sends his judgements and sees the recorder's measurements read-only. Pure: the
 * server applies the same rule (engine `authorship`).
 */

/** Whether a criterion is a measurement (one value per line) rather than a judge's judgement. */
export const isMeasurement = (c: Pick<Criterion, 'kind'>): boolean => c.kind !== 'judgement';

/**
 * Whether this judge sends only the judgements of a sheet: a panel sheet with measurements
 * whose station he does not record (`welcome.judge.records`).
 */
export function isJudgementOnly(
  sheet: Pick<Sheet, 'judges' | 'criteria' | 'stationId'>,
  records: readonly string[],
): boolean {
  return sheet.judges > 1 && hasMeasurements(sheet) && !records.includes(sheet.stationId);
}

/** Whether this judge records the measurements of a panel sheet (he sends the whole sheet). */
export function isRecorderOf(
  sheet: Pick<Sheet, 'judges' | 'criteria' | 'stationId'>,
  records: readonly string[],
): boolean {
  return sheet.judges > 1 && hasMeasurements(sheet) && records.includes(sheet.stationId);
}

/**
 * What a measurement scores as when the recorder has not recorded it yet: no fault, no veto,
 * a check not passed, no time, no difficulty (the engine's reading of an empty value).
 */
function emptyValue(c: Criterion): SheetValues[string] | undefined {
  switch (c.kind) {
    case 'faults':
      return {};
    case 'veto':
    case 'check':
      return false;
    case 'time':
      return null;
    default:
      return undefined;
  }
}

/**
 * The values a judgement-only judge's line scores with: his own judgements, and the recorder's
 * measurements (or what an unrecorded measurement scores as). Values are parsed (SheetValues).
 */
export function withMeasurements(
  sheet: Pick<Sheet, 'criteria'>,
  own: SheetValues,
  recorded: Readonly<Record<string, unknown>> | null | undefined,
): SheetValues {
  const out: SheetValues = {};
  for (const c of sheet.criteria) {
    const v = isMeasurement(c) ? recorded?.[c.id] : own[c.id];
    if (v !== undefined) out[c.id] = v as SheetValues[string];
    else {
      const empty = isMeasurement(c) ? emptyValue(c) : undefined;
      if (empty !== undefined) out[c.id] = empty;
    }
  }
  return out;
}

/** Only the judgement values of raw or parsed values (what a judgement-only judge sends). */
export function judgementsOf<T>(
  sheet: Pick<Sheet, 'criteria'>,
  values: Readonly<Record<string, T>>,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const c of sheet.criteria)
    if (!isMeasurement(c) && values[c.id] !== undefined) out[c.id] = values[c.id]!;
  return out;
}
