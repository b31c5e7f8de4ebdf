import type { Criterion } from '../protocol/scheme.ts';
import type { LineProblem, LineProblemCode, LineProblemParams } from '../protocol/line-problems.ts';
import { formatMilli } from '../protocol/decimal.ts';
import type { Sheet } from './scheme-index.ts';
import type { ContestantStatus } from './standings.ts';
import { parseSheetValues, type SheetValues } from './values.ts';

/** One record of a CSV or spreadsheet: the file's own (physical, 1-based) line and its cells. */
export interface CsvRecord {
  line: number;
  cells: readonly string[];
}

/**
 * A problem with one line of a file (`line` 0: the file as a whole), as a code with parameters
 * from protocol's closed table (protocol/line-problems.ts words it in Chinese and English).
 */
export type ImportError = LineProblem;

export type ImportedCriterion = Extract<Criterion, { kind: 'imported' }>;

/** What a score import needs to know about the competition, as lookups (the shell supplies them). */
export interface ScoreImportField {
  /** The criterion's sheet: one criterion, one judge. */
  sheet: Sheet;
  criterion: ImportedCriterion;
  /** The scheme's decimals: how a value is published. */
  decimals: number;
  /** Whether the sheet's station is locked by the head judge. */
  locked: boolean;
  /** The contestant with this bib (already normalised), if any. */
  contestant(bib: string): { id: number; name: string; status: ContestantStatus } | undefined;
  /** The current mark of the contestant's line on the sheet (what a write supersedes). */
  head(
    contestantId: number,
  ): { markId: number; officialId: number; values: SheetValues } | undefined;
}

/**
 * What the importer saw and chose. Absent (a dry run): the importer sees the competition as it
 * is now. With `seen`, each line's current mark must still be the one seen (a bib missing from
 * the map saw none), else the line is a conflict; `overwrite` (bib → reason) writes a line
 * whose current mark was seen, with that reason; `keep` leaves lines as they are.
 */
export interface ScoreImportChoices {
  seen?: ReadonlyMap<string, number | null>;
  overwrite?: ReadonlyMap<string, string>;
  keep?: ReadonlySet<string>;
}

/** A line's current mark: its id, author and value (milli-points; null if it holds none). */
export interface ImportLineMark {
  markId: number;
  officialId: number;
  milli: number | null;
}

/** One line of the file as it would be (or was) written. */
export interface PlannedLine {
  line: number;
  /** Bib as the field spells it (full-width digits read as ASCII). */
  bib: string;
  contestantId: number;
  name: string;
  /** The score cell as the file wrote it (trimmed). */
  text: string;
  /** The value stored, in milli-points. */
  milli: number;
  /** The value stored, in points as published (the scheme's decimals, never rounded). */
  value: string;
  current: ImportLineMark | null;
  /** The mark a write on this line supersedes (the current one), or null. */
  supersedes: number | null;
  /** new/changed: written; unchanged: equal to the current mark; kept: left by the importer. */
  change: 'new' | 'changed' | 'unchanged' | 'kept';
  /** The correction's reason when it supersedes a mark. */
  reason: string | null;
}

/** A line whose current mark is not the one the importer saw. */
export interface PlannedConflict {
  line: number;
  bib: string;
  contestantId: number;
  name: string;
  /** The file's value. */
  milli: number;
  value: string;
  seen: number | null;
  /** What the line holds now (null: nothing, e.g. the mark seen was voided). */
  current: ImportLineMark | null;
}

export interface ScoreImportPlan {
  /** Every valid line of the file, in file order. */
  lines: PlannedLine[];
  /** The lines to write (`new` and `changed`), in file order. */
  writes: PlannedLine[];
  errors: ImportError[];
  conflicts: PlannedConflict[];
}

/**
 * Plans an import of an exam system's `bib,score` file into an imported criterion: the one
 * function behind both the dry run and the import, so the dry run lists exactly what the import
 * writes and refuses exactly what it refuses. Rules (docs/protocol.md):
 * - a record is `bib, score`; a non-empty cell after the score is an error (an unquoted decimal
 *   comma `1,95,5` is never read as 95.5); empty trailing cells and all-blank records are skipped;
 * - the first record is a header only if it names no known bib and holds no digit (full-width
 *   digits count), so a first row of data is never swallowed; a header has two cells too;
 * - a bib may be written in full-width characters; a score is read by the writer's own parser
 *   (`parseSheetValues`: full-width digits, a decimal comma inside a cell), on the criterion's
 *   scale and step; a comma followed by exactly three digits (`1,000`) is refused as ambiguous;
 * - unknown and duplicate bibs, a withdrawn or disqualified contestant's changed score, and any
 *   write into a locked station are errors;
 * - a score equal to the current mark is `unchanged` and not written; with `choices.seen`, a
 *   line to write whose current mark is not the one seen is a conflict (see
 *   {@link ScoreImportChoices}).
 * Pure; O(records).
 */
export function planScoreImport(
  records: readonly CsvRecord[],
  field: ScoreImportField,
  choices: ScoreImportChoices = {},
): ScoreImportPlan {
  const { sheet, criterion } = field;
  const lines: PlannedLine[] = [];
  const writes: PlannedLine[] = [];
  const errors: ImportError[] = [];
  const conflicts: PlannedConflict[] = [];
  const firstLine = new Map<string, number>();
  let first = true;
  for (const r of records) {
    const cells = r.cells.map((c) => c.trim());
    if (cells.every((c) => c === '')) continue;
    const err = <C extends LineProblemCode>(code: C, params: LineProblemParams[C]) =>
      errors.push({ line: r.line, code, params } as LineProblem);
    const [rawBib = '', text = ''] = cells;
    const bib = rawBib.normalize('NFKC');
    const extra = cells.slice(2).find((c) => c !== '');
    if (first) {
      first = false;
      if (!field.contestant(bib) && !cells.some((c) => /[0-9]/.test(c.normalize('NFKC')))) {
        if (extra !== undefined) err('score/header_extra', { extra: shown(extra) });
        continue;
      }
    }
    if (extra !== undefined) {
      err(
        'score/extra_cell',
        bib ? { bib: shown(bib), extra: shown(extra) } : { extra: shown(extra) },
      );
      continue;
    }
    if (!bib) {
      err('score/no_bib', {});
      continue;
    }
    if (!text) {
      err('score/no_score', { bib: shown(bib) });
      continue;
    }
    const c = field.contestant(bib);
    if (!c) {
      err('score/unknown_bib', { bib: shown(bib) });
      continue;
    }
    const earlier = firstLine.get(bib);
    if (earlier !== undefined) {
      err('score/duplicate_bib', { bib, first: earlier });
      continue;
    }
    firstLine.set(bib, r.line);
    const milli = readScore(text, sheet, criterion);
    if (typeof milli !== 'number') {
      errors.push({ line: r.line, ...milli, params: { ...milli.params, bib } } as LineProblem);
      continue;
    }
    const head = field.head(c.id);
    const current: ImportLineMark | null = head
      ? {
          markId: head.markId,
          officialId: head.officialId,
          milli:
            typeof head.values[criterion.id] === 'number'
              ? (head.values[criterion.id] as number)
              : null,
        }
      : null;
    const planned: PlannedLine = {
      line: r.line,
      bib,
      contestantId: c.id,
      name: c.name,
      text,
      milli,
      value: pointsText(milli, field.decimals),
      current,
      supersedes: current?.markId ?? null,
      change: current ? 'changed' : 'new',
      reason: null,
    };
    lines.push(planned);
    if (current?.milli === milli) {
      planned.change = 'unchanged';
      continue;
    }
    if (choices.keep?.has(bib)) {
      planned.change = 'kept';
      continue;
    }
    if (c.status !== 'active') {
      err('score/inactive', { bib, name: c.name, status: c.status });
      continue;
    }
    const seen = choices.seen ? (choices.seen.get(bib) ?? null) : planned.supersedes;
    if (seen !== planned.supersedes) {
      conflicts.push({
        line: r.line,
        bib,
        contestantId: c.id,
        name: c.name,
        milli,
        value: planned.value,
        seen,
        current,
      });
      continue;
    }
    planned.reason = choices.overwrite?.get(bib) ?? (current ? '重新导入' : null);
    writes.push(planned);
  }
  if (field.locked && writes.length)
    errors.push({
      line: 0,
      code: 'score/locked',
      params: { sheet: sheet.label, lines: writes.length },
    });
  if (!lines.length && !errors.length)
    errors.push({ line: 0, code: 'score/empty_file', params: {} });
  errors.sort((a, b) => a.line - b.line);
  return { lines, writes, errors, conflicts };
}

/** A score cell's problem, without the line and bib the caller adds. */
type ScoreProblem = {
  [
    C in
      | 'score/too_long'
      | 'score/ambiguous_comma'
      | 'score/not_a_number'
      | 'score/inexact'
      | 'score/refused'
  ]: {
    code: C;
    params: Omit<LineProblemParams[C], 'bib'>;
  };
}[
  | 'score/too_long'
  | 'score/ambiguous_comma'
  | 'score/not_a_number'
  | 'score/inexact'
  | 'score/refused'];

/**
 * Reads a score cell into milli-points exactly as the writer will (`parseSheetValues` on the
 * criterion's sheet), after refusing a comma that may be a thousands separator.
 * @returns milli-points, or the problem (a code of protocol/line-problems.ts and its parameters).
 */
function readScore(
  text: string,
  sheet: Sheet,
  criterion: ImportedCriterion,
): number | ScoreProblem {
  if (text.length > 32) return { code: 'score/too_long', params: { text: shown(text) } };
  const ascii = text.normalize('NFKC');
  if (/^[+-]?\d{1,3},\d{3}$/.test(ascii))
    return {
      code: 'score/ambiguous_comma',
      params: { text, whole: ascii.replace(',', ''), decimal: ascii.replace(',', '.') },
    };
  const parsed = parseSheetValues(sheet, { [criterion.id]: text });
  if (!parsed.ok) {
    const { code, params } = parsed.refusal;
    return { code: 'score/refused', params: { refusal: { code, params } } };
  }
  const milli = parsed.values[criterion.id];
  if (typeof milli !== 'number') return { code: 'score/not_a_number', params: { text } };
  // The writer parses the canonical text sent to it; it must read the same value.
  const again = parseSheetValues(sheet, scoreValues(criterion, milli));
  if (!again.ok || again.values[criterion.id] !== milli)
    return { code: 'score/inexact', params: { text } };
  return milli;
}

/** The `values` of the mark an import writes: the criterion's value as exact decimal text. */
export function scoreValues(criterion: ImportedCriterion, milli: number): Record<string, string> {
  return { [criterion.id]: formatMilli(milli) };
}

/**
 * Milli-points as a published number: at least the scheme's `decimals` places, and every
 * significant digit beyond them (an imported value is shown exactly, never rounded):
 * (95500, 2) → "95.50", (95125, 2) → "95.125".
 */
export function pointsText(milli: number, decimals: number): string {
  const exact = formatMilli(milli);
  const [whole, frac = ''] = exact.split('.');
  return decimals > 0 || frac ? `${whole}.${frac.padEnd(decimals, '0')}` : exact;
}

/** A cell for a message: at most 20 characters. */
function shown(text: string): string {
  const chars = [...text];
  return chars.length > 20 ? `${chars.slice(0, 20).join('')}…` : text;
}
