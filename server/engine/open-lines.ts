import type { OpenLine, OpenStatus } from '../protocol/course.ts';
import type { SchemeIndex } from './scheme-index.ts';
import { requiredJudges, scoreSheet, type CurrentMark } from './scoring.ts';
import type { ContestantInfo } from './standings.ts';

/** An open line of a station and its status: wire shapes, declared in protocol/course.ts. */
export type { OpenLine, OpenStatus };

/**
 * The open lines of one station, contestant by contestant in the order given, then sheet by
 * sheet in scheme order, then attempt by attempt. A station's status for a contestant is
 * `scored` exactly when it has no open line here: each sheet is scored with the engine's own
 * {@link scoreSheet}, on the same marks `scoreContestant` reads (on a station run in attempts,
 * every attempt the contestant has — the scheme's count plus re-runs granted — except the
 * voided ones; an attempt nobody marked is a line `empty` on each of its sheets).
 *
 * Pure: the caller says whose lines to look at (e.g. only active contestants) and gives the
 * current marks of a contestant's sheet and the attempts voided at this station.
 *
 * @returns [] for an unknown station.
 */
export function openLines(
  index: SchemeIndex,
  contestants: Iterable<Pick<ContestantInfo, 'id' | 'bib' | 'name'>>,
  marksOf: (contestantId: number, sheetId: string) => readonly CurrentMark[],
  stationId: string,
  voidedOf: (contestantId: number) => readonly number[] = () => [],
): OpenLine[] {
  const at = index.stations.get(stationId);
  if (!at) return [];
  const sheets = at.sheetIds.map((id) => index.sheets.get(id)!);
  const count = at.station.attempts?.count;
  const out: OpenLine[] = [];
  for (const c of contestants) {
    const voided = count ? voidedOf(c.id) : [];
    for (const sheet of sheets) {
      const all = marksOf(c.id, sheet.id);
      const attempts = count
        ? Array.from({ length: count + voided.length }, (_, i) => i + 1).filter(
            (a) => !voided.includes(a),
          )
        : [null];
      for (const attempt of attempts) {
        const marks = attempt === null ? all : all.filter((m) => (m.attempt ?? 1) === attempt);
        const { status, judges } = scoreSheet(sheet, marks);
        if (status === 'scored') continue;
        out.push({
          contestantId: c.id,
          bib: c.bib,
          name: c.name,
          sheetId: sheet.id,
          sheet: sheet.label,
          attempt,
          status,
          judges,
          required: requiredJudges(sheet),
        });
      }
    }
  }
  return out;
}

/** Bibs of the contestants with an open line, once each, in the order of the lines. */
export function openBibs(lines: readonly Pick<OpenLine, 'bib'>[]): string[] {
  return [...new Set(lines.map((l) => l.bib))];
}
