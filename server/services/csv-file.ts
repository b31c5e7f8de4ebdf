import { parse, type Options } from 'csv-parse/sync';
import type { CsvRecord, ImportError } from '#engine';
import type { CsvWhy } from '../protocol/line-problems.ts';

/**
 * The delimiter of a CSV file: `;` when the first non-blank line has a semicolon outside
 * quotes (Excel's CSV in locales with a decimal comma: `1;95,5`), else `,`.
 */
export function detectDelimiter(text: string): ',' | ';' {
  let quoted = false;
  let seen = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === ';') return ';';
    else if (ch === '\n' || ch === '\r') {
      if (seen) return ',';
    } else if (ch.trim() !== '') seen = true;
  }
  return ',';
}

/** csv-parse's error codes that protocol/line-problems.ts words itself. */
const PARSER_WHY: Record<string, CsvWhy> = {
  INVALID_OPENING_QUOTE: 'opening_quote',
  CSV_INVALID_CLOSING_QUOTE: 'closing_quote',
  CSV_QUOTE_NOT_CLOSED: 'quote_not_closed',
};

/**
 * Reads a CSV text (BOM allowed) into records with the file's own line numbers: `\r\n`, `\n`
 * and `\r` all end a line, blank lines are skipped but counted, a record spanning lines (a
 * quoted line break) has the line it starts on. Cells are trimmed; csv-parse's `cast` stays off,
 * so every cell is the text as written.
 * @returns the records and the delimiter, or the line the parser stopped at (0: unknown) and
 * why, as the line problem `csv/malformed` (a known quote problem, else the parser's words).
 */
export function readCsv(
  text: string,
): { ok: true; delimiter: ',' | ';'; records: CsvRecord[] } | { ok: false; error: ImportError } {
  const body = text.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(body);
  try {
    const options: Options<CsvRecord, string[]> = {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      // The parser's context per record (what `info: true` copies onto each, at twice the cost).
      // `lines` is the line the record ends on; a quoted line break inside it adds one.
      on_record: (cells, { lines }) => ({
        line: lines - cells.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0),
        cells,
      }),
    };
    // With on_record, the records are what it returns (csv-parse's types only say so for `columns`).
    const records = parse(body, options as unknown as Options) as unknown as CsvRecord[];
    return { ok: true, delimiter, records };
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    const line = typeof e.lines === 'number' ? e.lines : 0;
    const why = e.code ? PARSER_WHY[e.code] : undefined;
    return {
      ok: false,
      error: {
        line,
        code: 'csv/malformed',
        params: why ? { why } : { detail: e.message },
      },
    };
  }
}
