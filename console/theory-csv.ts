/**
 * The console's own reading of an exam system's score file (`bib,score` lines), only to show
 * a preview beside the server's verdict. The server decides what is valid; its error lines
 * refer to the same line numbers as {@link previewScores} gives (1-based, blank lines skipped,
 * as csv-parse with `skip_empty_lines` counts them).
 */

/**
 * Text of a file as Chinese organisers produce it: UTF-8 (with or without BOM), or GBK/GB18030
 * from Excel's CSV save when the bytes are not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** CSV records (RFC 4180 quotes, comma separated), cells trimmed, blank lines skipped. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let cell = '';
  let row: string[] = [];
  let quoted = false;
  const endRow = () => {
    row.push(cell.trim());
    cell = '';
    if (row.length > 1 || row[0] !== '') records.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell.trim());
      cell = '';
    } else if (ch === '\n') endRow();
    else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length) endRow();
  return records;
}

export interface ScoreLine {
  line: number;
  bib: string;
  score: string;
}

/** The score lines of a file: a first line without digits in its score column is a header. */
export function previewScores(records: readonly string[][]): ScoreLine[] {
  const out: ScoreLine[] = [];
  records.forEach((cells, i) => {
    const bib = cells[0] ?? '';
    const score = cells[1] ?? '';
    if (!bib && !score) return;
    if (i === 0 && !/\d/.test(score)) return;
    out.push({ line: i + 1, bib, score });
  });
  return out;
}
