import type ExcelJS from 'exceljs';
import type { CsvRecord, ImportError } from '#engine';
import { Bib } from '../protocol/fixture.ts';
import { decodeText } from '../../web/decode-text.ts';
import { readCsv } from './csv-file.ts';
import type { HeaderProblem, RowProblem } from '../protocol/line-problems.ts';

/** One contestant row read from an organiser's file, as it would be stored. */
export interface ImportedContestant {
  /** The file's own line (the sheet's row number for XLSX). */
  line: number;
  bib: string;
  name: string;
  organisation: string;
  /** The draw order stored: the file's, or the row's position when the file gives none. */
  drawOrder: number;
}

export interface ImportPreview {
  rows: ImportedContestant[];
  errors: ImportError[];
}

const COLUMNS: Record<'bib' | 'name' | 'organisation' | 'drawOrder', RegExp> = {
  bib: /^(号码|参赛号|编号|bib|number)$/i,
  name: /^(姓名|名字|name)$/i,
  organisation: /^(单位|平台|所属单位|组织|organi[sz]ation|company|platform)$/i,
  drawOrder: /^(抽签顺序|抽签号|出场顺序|draw ?order|draw)$/i,
};
type Column = keyof typeof COLUMNS;

/** The text a spreadsheet cell shows: formulas by their result, rich text joined, dates as YYYY-MM-DD. */
function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v !== 'object') return String(v);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('text' in v) return cellText(v.text as ExcelJS.CellValue);
  if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
  if ('error' in v) return String(v.error);
  return '';
}

/** Reads an XLSX file's first sheet as records, each with its sheet row number as its line. */
export async function xlsxCells(bytes: Uint8Array): Promise<CsvRecord[]> {
  // exceljs loads on the first XLSX list, not at every server start (server/services/exports.ts).
  const { default: excel } = await import('exceljs');
  const wb = new excel.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const out: CsvRecord[] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value).trim());
    out.push({ line: row.number, cells });
  });
  return out;
}

/**
 * Reads a CSV file (UTF-8 with or without BOM, or GBK/GB18030; `,` or `;` separated) as records
 * with the file's own line numbers, or the line the parser stopped at.
 */
export function csvCells(
  bytes: Uint8Array,
): { ok: true; records: CsvRecord[] } | { ok: false; error: ImportError } {
  const r = readCsv(decodeText(bytes));
  return r.ok ? { ok: true, records: r.records } : r;
}

/**
 * Validates a contestant list: the first non-blank record is a header naming the columns
 * (号码, 姓名, 单位, 抽签顺序 or their English names; 号码 and 姓名 required), then one
 * contestant per record. Every problem is reported with the file's own line: a header column
 * it does not know or names twice, a non-empty cell beyond the header's columns (an unquoted
 * comma in a name), an empty or malformed bib (full-width characters are read as ASCII), a
 * duplicate bib, an empty or overlong name, a draw order that is not a positive whole number,
 * is used twice, or is given for some rows only. Blank records are skipped.
 * @returns the rows as they would be stored (a missing draw order is the row's position) and
 * the errors, one per line (codes of protocol/line-problems.ts: `contestants/header`,
 * `contestants/row` with every problem of the row, `contestants/none`,
 * `contestants/partial_draw`); the file may be written only when `errors` is empty.
 */
export function validateContestants(records: readonly CsvRecord[]): ImportPreview {
  const errors: ImportPreview['errors'] = [];
  const rows: (Omit<ImportedContestant, 'drawOrder'> & { drawOrder: number | null })[] = [];
  const data = records.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const head = data[0];
  const header = (head?.cells ?? []).map((h) => h.normalize('NFKC').trim());
  const headLine = head?.line ?? 1;
  const col: Record<Column, number> = { bib: -1, name: -1, organisation: -1, drawOrder: -1 };
  /** Header index → its column; undefined for an empty header cell. */
  const known: (Column | undefined)[] = [];
  const headerProblems: HeaderProblem[] = [];
  header.forEach((h, i) => {
    if (!h) return known.push(undefined);
    const k = (Object.keys(COLUMNS) as Column[]).find((c) => COLUMNS[c].test(h));
    if (!k) headerProblems.push({ what: 'unknown', column: h });
    else if (col[k] >= 0) headerProblems.push({ what: 'duplicate', column: h, first: col[k] + 1 });
    else col[k] = i;
    known.push(k && col[k] === i ? k : undefined);
  });
  if (col.bib < 0 || col.name < 0) headerProblems.unshift({ what: 'required' });
  if (headerProblems.length) {
    errors.push({
      line: headLine,
      code: 'contestants/header',
      params: { problems: headerProblems },
    });
    return { rows: [], errors };
  }
  const bibs = new Map<string, number>();
  const draws = new Map<number, number>();
  for (const r of data.slice(1)) {
    const line = r.line;
    const cells = r.cells.map((c) => c.trim());
    const cell = (k: Column) => (col[k] >= 0 ? (cells[col[k]] ?? '') : '');
    const problems: RowProblem[] = [];
    const extra = cells.find((c, i) => c !== '' && known[i] === undefined);
    if (extra !== undefined) problems.push({ what: 'extra', extra, columns: header.length });
    const bib = cell('bib').normalize('NFKC');
    const name = cell('name');
    if (!bib) problems.push({ what: 'no_bib' });
    else if (!Bib.safeParse(bib).success) problems.push({ what: 'bad_bib', bib });
    else if (bibs.has(bib)) problems.push({ what: 'duplicate_bib', bib, first: bibs.get(bib)! });
    if (!name) problems.push({ what: 'no_name' });
    else if ([...name].length > 60) problems.push({ what: 'long_name' });
    // Control characters (a tab, a line break inside a quoted cell, an escape) break logs,
    // CSV exports and the projector: refused, as in a judge's reason.
    for (const field of ['name', 'organisation'] as const)
      if (/\p{Cc}/u.test(cell(field))) problems.push({ what: 'control', field });
    let drawOrder: number | null = null;
    const d = cell('drawOrder').normalize('NFKC');
    if (d) {
      if (!/^\d{1,6}$/.test(d) || Number(d) < 1) problems.push({ what: 'bad_draw', draw: d });
      else if (draws.has(Number(d)))
        problems.push({ what: 'duplicate_draw', draw: d, first: draws.get(Number(d))! });
      else drawOrder = Number(d);
    }
    if (problems.length) errors.push({ line, code: 'contestants/row', params: { problems } });
    if (bib && !bibs.has(bib)) bibs.set(bib, line);
    if (drawOrder !== null) draws.set(drawOrder, line);
    if (!problems.length)
      rows.push({ line, bib, name, organisation: cell('organisation'), drawOrder });
  }
  if (!rows.length && !errors.length)
    errors.push({ line: headLine + 1, code: 'contestants/none', params: {} });
  const given = rows.filter((r) => r.drawOrder !== null).length;
  if (given && given < rows.length)
    errors.push({ line: 0, code: 'contestants/partial_draw', params: {} });
  return { rows: rows.map((r, i) => ({ ...r, drawOrder: r.drawOrder ?? i + 1 })), errors };
}

/**
 * A repeatable draw (抽签): the contestants' order shuffled by a PRNG seeded with `seed`
 * (mulberry32, Fisher–Yates), so the recorded seed reproduces the same order.
 * @returns bibs in draw order.
 */
export function drawOrder(bibs: readonly string[], seed: number): string[] {
  let s = seed | 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...bibs].sort(new Intl.Collator('en', { numeric: true }).compare);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
