import type { Criterion } from '../protocol/scheme.ts';
import { parseOnScale, toMilli } from './decimal.ts';

export interface ImportedResult {
  /** 1-based line in the file. */
  line: number;
  bib: string;
  milli: number;
}

export interface ImportError {
  line: number;
  message: string;
}

/**
 * Validates rows of an exam system's export (bib, score) against an imported criterion's
 * scale and the field: a header row is recognised and skipped; every problem is reported with
 * its line (unknown bib, duplicate bib, a score off the scale or step) and no row with a
 * problem is kept. Pure: the CSV is parsed by csv-parse in the shell.
 */
export function validateImportedResults(
  rows: readonly string[][],
  criterion: Extract<Criterion, { kind: 'imported' }>,
  knownBibs: ReadonlySet<string>,
): { results: ImportedResult[]; errors: ImportError[] } {
  const scale = { min: 0, max: toMilli(criterion.points), step: toMilli(criterion.step) };
  const results: ImportedResult[] = [];
  const errors: ImportError[] = [];
  const seen = new Set<string>();
  rows.forEach((cells, i) => {
    const line = i + 1;
    const [rawBib = '', rawScore = ''] = cells.map((c) => c.trim());
    if (!rawBib && !rawScore) return;
    if (i === 0 && !/\d/.test(rawScore)) return; // a header row such as 号码,成绩
    if (!knownBibs.has(rawBib))
      return void errors.push({ line, message: `第 ${line} 行：没有号码为 “${rawBib}” 的选手` });
    if (seen.has(rawBib))
      return void errors.push({ line, message: `第 ${line} 行：号码 ${rawBib} 重复` });
    seen.add(rawBib);
    const r = parseOnScale(rawScore, scale);
    if (!r.ok)
      return void errors.push({ line, message: `第 ${line} 行（${rawBib}号）：${r.message}` });
    results.push({ line, bib: rawBib, milli: r.milli });
  });
  return { results, errors };
}
