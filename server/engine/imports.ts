import type { Criterion } from '../protocol/scheme.ts';
import { formatMilli } from '../protocol/decimal.ts';
import type { Sheet } from './scheme-index.ts';
import type { ContestantStatus } from './standings.ts';
import { parseSheetValues, type SheetValues } from './values.ts';

/** One record of a CSV or spreadsheet: the file's own (physical, 1-based) line and its cells. */
export interface CsvRecord {
  line: number;
  cells: readonly string[];
}

/** A problem with one line of a file (`line` 0: the file as a whole); `message` is Chinese. */
export interface ImportError {
  line: number;
  message: string;
}

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

const SCORE_FORMAT = '每行只能有号码和成绩两列';

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
    const err = (message: string) => errors.push({ line: r.line, message });
    const [rawBib = '', text = ''] = cells;
    const bib = rawBib.normalize('NFKC');
    const extra = cells.slice(2).find((c) => c !== '');
    if (first) {
      first = false;
      if (!field.contestant(bib) && !cells.some((c) => /[0-9]/.test(c.normalize('NFKC')))) {
        if (extra !== undefined)
          err(`第 ${r.line} 行：表头多出一列 “${shown(extra)}”，${SCORE_FORMAT}（号码,成绩）`);
        continue;
      }
    }
    const who = bib ? `第 ${r.line} 行（${shown(bib)}号）` : `第 ${r.line} 行`;
    if (extra !== undefined) {
      err(
        `${who}：多出一列 “${shown(extra)}”，${SCORE_FORMAT}（带小数逗号的成绩请加引号，如 "95,5"）`,
      );
      continue;
    }
    if (!bib) {
      err(`${who}：号码为空`);
      continue;
    }
    if (!text) {
      err(`${who}：成绩为空`);
      continue;
    }
    const c = field.contestant(bib);
    if (!c) {
      err(`${who}：没有号码为 “${shown(bib)}” 的选手`);
      continue;
    }
    const earlier = firstLine.get(bib);
    if (earlier !== undefined) {
      err(`${who}：号码 ${bib} 与第 ${earlier} 行重复`);
      continue;
    }
    firstLine.set(bib, r.line);
    const milli = readScore(text, sheet, criterion);
    if (typeof milli === 'string') {
      err(`${who}：${milli}`);
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
      err(`${who}：${c.name} 已${c.status === 'withdrawn' ? '退赛' : '被取消资格'}，不能导入成绩`);
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
      message: `${sheet.label.zh} 已由裁判长锁定，不能导入（${writes.length} 行会改变成绩）；如需更正请联系裁判长重新开放`,
    });
  if (!lines.length && !errors.length)
    errors.push({ line: 0, message: '文件中没有成绩（每行：号码,成绩）' });
  errors.sort((a, b) => a.line - b.line);
  return { lines, writes, errors, conflicts };
}

/**
 * Reads a score cell into milli-points exactly as the writer will (`parseSheetValues` on the
 * criterion's sheet), after refusing a comma that may be a thousands separator.
 * @returns milli-points, or a Chinese message.
 */
function readScore(text: string, sheet: Sheet, criterion: ImportedCriterion): number | string {
  if (text.length > 32) return `成绩 “${shown(text)}” 过长`;
  const ascii = text.normalize('NFKC');
  if (/^[+-]?\d{1,3},\d{3}$/.test(ascii))
    return `成绩 “${text}” 有歧义（千位分隔符还是小数逗号？），请写成 ${ascii.replace(',', '')} 或 ${ascii.replace(',', '.')}`;
  const parsed = parseSheetValues(sheet, { [criterion.id]: text });
  if (!parsed.ok) return parsed.message;
  const milli = parsed.values[criterion.id];
  if (typeof milli !== 'number') return `成绩 “${text}” 不是有效数字`;
  // The writer parses the canonical text sent to it; it must read the same value.
  const again = parseSheetValues(sheet, scoreValues(criterion, milli));
  if (!again.ok || again.values[criterion.id] !== milli) return `成绩 “${text}” 无法准确保存`;
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
