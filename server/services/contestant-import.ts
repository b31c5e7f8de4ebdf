import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Bib } from '../protocol/fixture.ts';

/** One contestant row read from an organiser's file. */
export interface ImportedContestant {
  line: number;
  bib: string;
  name: string;
  organisation: string;
  drawOrder: number | null;
}

export interface ImportPreview {
  rows: ImportedContestant[];
  errors: { line: number; message: string }[];
}

/**
 * Decodes a text file as Chinese organisers produce it: UTF-8 with or without a BOM, or
 * GBK/GB18030 from Excel's "CSV" save. UTF-8 is tried strictly first; anything that is not
 * valid UTF-8 is read as GB18030 (a superset of GBK).
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const COLUMNS: Record<keyof Omit<ImportedContestant, 'line'>, RegExp> = {
  bib: /^(号码|参赛号|编号|bib|number)$/i,
  name: /^(姓名|名字|name)$/i,
  organisation: /^(单位|平台|所属单位|组织|organi[sz]ation|company|platform)$/i,
  drawOrder: /^(抽签顺序|抽签号|出场顺序|draw ?order|draw)$/i,
};

/** Reads the cells of an XLSX file's first sheet as text. */
export async function xlsxCells(bytes: Uint8Array): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const v = row.getCell(c).value;
      cells.push(
        v === null || v === undefined
          ? ''
          : typeof v === 'object' && 'text' in v
            ? String(v.text)
            : String(v),
      );
    }
    out.push(cells);
  });
  return out;
}

/** Reads the cells of a CSV file (any of the encodings above). */
export function csvCells(bytes: Uint8Array): string[][] {
  return parse(decodeText(bytes), { relax_column_count: true, skip_empty_lines: true, trim: true });
}

/**
 * Validates a contestant list: a header row naming the columns (号码, 姓名, 单位, 抽签顺序 or
 * their English names), then one contestant per row. Every problem is reported with its line:
 * missing columns, an empty or malformed bib, a duplicate bib, an empty or overlong name, a
 * draw order that is not a positive whole number or is used twice.
 */
export function validateContestants(cells: string[][]): ImportPreview {
  const errors: ImportPreview['errors'] = [];
  const rows: ImportedContestant[] = [];
  const header = (cells[0] ?? []).map((h) => h.trim());
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, re]) => [k, header.findIndex((h) => re.test(h))]),
  ) as Record<keyof typeof COLUMNS, number>;
  if (col.bib < 0 || col.name < 0) {
    errors.push({ line: 1, message: '第 1 行须为表头，至少包含“号码”和“姓名”两列' });
    return { rows, errors };
  }
  const bibs = new Map<string, number>();
  const draws = new Map<number, number>();
  cells.slice(1).forEach((r, i) => {
    const line = i + 2;
    const cell = (k: keyof typeof COLUMNS) => (col[k] >= 0 ? (r[col[k]] ?? '').trim() : '');
    if (r.every((c) => !c.trim())) return;
    const bib = cell('bib');
    const name = cell('name');
    const problems: string[] = [];
    if (!bib) problems.push('号码为空');
    else if (!Bib.safeParse(bib).success)
      problems.push(`号码 “${bib}” 格式不对（1–12 位字母、数字或连字符）`);
    else if (bibs.has(bib)) problems.push(`号码 ${bib} 与第 ${bibs.get(bib)} 行重复`);
    if (!name) problems.push('姓名为空');
    else if ([...name].length > 60) problems.push('姓名过长');
    let drawOrder: number | null = null;
    const d = cell('drawOrder');
    if (d) {
      if (!/^\d{1,6}$/.test(d) || Number(d) < 1) problems.push(`抽签顺序 “${d}” 须为正整数`);
      else if (draws.has(Number(d)))
        problems.push(`抽签顺序 ${d} 与第 ${draws.get(Number(d))} 行重复`);
      else drawOrder = Number(d);
    }
    if (problems.length) errors.push({ line, message: `第 ${line} 行：${problems.join('；')}` });
    if (bib && !bibs.has(bib)) bibs.set(bib, line);
    if (drawOrder !== null) draws.set(drawOrder, line);
    if (!problems.length)
      rows.push({ line, bib, name, organisation: cell('organisation'), drawOrder });
  });
  if (!rows.length && !errors.length) errors.push({ line: 2, message: '文件中没有选手' });
  return { rows, errors };
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
