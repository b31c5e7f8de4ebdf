/**
 * The problems an import finds on the lines of a file, as codes with parameters: the score
 * import of an imported criterion (engine/imports.ts), the contestant list
 * (services/contestant-import.ts) and the CSV reader both share (services/csv-file.ts). One
 * closed table, like the refusals' (`errors.ts`): the server sends `{line, code, params,
 * message}` (`message` the Chinese text, for curl users), the console words `code` and `params`
 * in its own language. `line` is the file's own line (an XLSX sheet's row number), 0 for the
 * file as a whole. Zod-free and engine-free.
 */
import type { Bilingual, ErrorCode, ErrorParams } from './errors.ts';
import { refusalText, type Lang } from './messages.ts';

/** Why a header of a contestant list is refused (several may hold at once). */
export type HeaderProblem =
  /** No `号码` or no `姓名` column. */
  | { what: 'required' }
  | { what: 'unknown'; column: string }
  /** `first`: the 1-based column that already has this meaning. */
  | { what: 'duplicate'; column: string; first: number };

/** Why a row of a contestant list is refused (several may hold at once). */
export type RowProblem =
  /** A non-empty cell beyond the header's `columns` (an unquoted comma in a name). */
  | { what: 'extra'; extra: string; columns: number }
  | { what: 'no_bib' }
  | { what: 'bad_bib'; bib: string }
  | { what: 'duplicate_bib'; bib: string; first: number }
  | { what: 'no_name' }
  | { what: 'long_name' }
  | { what: 'control'; field: 'name' | 'organisation' }
  | { what: 'bad_draw'; draw: string }
  | { what: 'duplicate_draw'; draw: string; first: number };

/** Why the CSV reader stopped: a known quote problem, or the parser's own (English) words. */
export type CsvWhy = 'opening_quote' | 'closing_quote' | 'quote_not_closed';

/**
 * The parameters of every line problem. A score line's `bib` is the bib as written (at most 20
 * characters shown), absent when the line has none; `text` and `extra` are cells as written,
 * shortened the same way.
 */
export interface LineProblemParams {
  /** A header of a score file with a third column. */
  'score/header_extra': { extra: string };
  'score/extra_cell': { bib?: string; extra: string };
  'score/no_bib': Record<string, never>;
  'score/no_score': { bib: string };
  'score/unknown_bib': { bib: string };
  /** `first`: the line the bib was first given on. */
  'score/duplicate_bib': { bib: string; first: number };
  'score/too_long': { bib: string; text: string };
  /** `1,000`: a thousands separator or a decimal comma; `whole` and `decimal` the two readings. */
  'score/ambiguous_comma': { bib: string; text: string; whole: string; decimal: string };
  'score/not_a_number': { bib: string; text: string };
  /** The value would not be stored exactly as read. */
  'score/inexact': { bib: string; text: string };
  /** The writer's rule refused the value (its scale, step…), or refused the line's write. */
  'score/refused': { bib: string; refusal: { code: ErrorCode; params: ErrorParams[ErrorCode] } };
  'score/inactive': { bib: string; name: string; status: 'withdrawn' | 'disqualified' };
  /** Line 0: the station is locked and `lines` lines would change a score. */
  'score/locked': { sheet: Bilingual; lines: number };
  /** Line 0: no score in the file. */
  'score/empty_file': Record<string, never>;
  /** Line 0 for the file as a whole; `detail` the parser's own words. */
  'csv/malformed': { why: CsvWhy } | { detail: string };
  'contestants/header': { problems: HeaderProblem[] };
  'contestants/row': { problems: RowProblem[] };
  /** The line after the header: no contestant in the file. */
  'contestants/none': Record<string, never>;
  /** Line 0: a draw order on some rows only. */
  'contestants/partial_draw': Record<string, never>;
  /** Line 0: more problems than an answer lists. */
  'import/more': { count: number };
}

export type LineProblemCode = keyof LineProblemParams;

/** One problem of one line, as the engine and services report it. */
export type LineProblem<C extends LineProblemCode = LineProblemCode> = {
  [K in C]: { line: number; code: K; params: LineProblemParams[K] };
}[C];

/** A line problem as the server sends it: with its Chinese text. */
export type WordedLineProblem = LineProblem & { message: string };

/** Builds a line problem (typed: the parameters are the code's). */
export function lineProblem<C extends LineProblemCode>(
  line: number,
  code: C,
  params: LineProblemParams[C],
): LineProblem<C> {
  return { line, code, params } as LineProblem<C>;
}

type Text<C extends LineProblemCode> = (p: LineProblemParams[C], line: number) => string;

const SCORE_FORMAT: Bilingual = {
  zh: '每行只能有号码和成绩两列',
  en: 'a line holds only a bib and a score',
};
const COLUMN_NAMES: Bilingual = {
  zh: '号码、姓名、单位、抽签顺序',
  en: '号码 (bib), 姓名 (name), 单位 (organisation), 抽签顺序 (draw order)',
};
const QUOTES: Record<CsvWhy, Bilingual> = {
  opening_quote: {
    zh: '引号只能包住整个单元格（如 "95,5"）',
    en: 'a quote must enclose the whole cell (as in "95,5")',
  },
  closing_quote: {
    zh: '引号后面还有字符，引号须包住整个单元格',
    en: 'characters follow a closing quote; a quote must enclose the whole cell',
  },
  quote_not_closed: { zh: '引号没有闭合', en: 'a quote is not closed' },
};

/** `第 3 行（12号）` / `Line 3 (#12)`. */
function at(lang: Lang, line: number, bib?: string): string {
  if (lang === 'zh') return bib ? `第 ${line} 行（${bib}号）` : `第 ${line} 行`;
  return bib ? `Line ${line} (#${bib})` : `Line ${line}`;
}

function header(lang: Lang, p: HeaderProblem): string {
  if (p.what === 'required')
    return lang === 'zh'
      ? '须为表头，至少包含“号码”和“姓名”两列'
      : 'must be a header with at least the columns 号码 (bib) and 姓名 (name)';
  if (p.what === 'unknown')
    return lang === 'zh' ? `不认识的列 “${p.column}”` : `unknown column “${p.column}”`;
  return lang === 'zh'
    ? `“${p.column}” 与第 ${p.first} 列重复`
    : `“${p.column}” repeats column ${p.first}`;
}

const ROW: { [W in RowProblem['what']]: (p: Extract<RowProblem, { what: W }>) => Bilingual } = {
  extra: (p) => ({
    zh: `多出一列 “${p.extra}”（表头只有 ${p.columns} 列；姓名或单位中的逗号请用引号括起来）`,
    en: `an extra cell “${p.extra}” (the header has ${p.columns} columns; quote a name or organisation that holds a comma)`,
  }),
  no_bib: () => ({ zh: '号码为空', en: 'no bib' }),
  bad_bib: (p) => ({
    zh: `号码 “${p.bib}” 格式不对（1–12 位字母、数字或连字符）`,
    en: `bib “${p.bib}” is malformed (1–12 letters, digits or hyphens)`,
  }),
  duplicate_bib: (p) => ({
    zh: `号码 ${p.bib} 与第 ${p.first} 行重复`,
    en: `bib ${p.bib} repeats line ${p.first}`,
  }),
  no_name: () => ({ zh: '姓名为空', en: 'no name' }),
  long_name: () => ({ zh: '姓名过长', en: 'the name is too long' }),
  control: (p) =>
    p.field === 'name'
      ? {
          zh: '姓名中含有控制字符（如换行、制表符），请删除',
          en: 'the name holds control characters (a line break, a tab); remove them',
        }
      : {
          zh: '单位中含有控制字符（如换行、制表符），请删除',
          en: 'the organisation holds control characters (a line break, a tab); remove them',
        },
  bad_draw: (p) => ({
    zh: `抽签顺序 “${p.draw}” 须为正整数`,
    en: `draw order “${p.draw}” must be a whole number, 1 or more`,
  }),
  duplicate_draw: (p) => ({
    zh: `抽签顺序 ${p.draw} 与第 ${p.first} 行重复`,
    en: `draw order ${p.draw} repeats line ${p.first}`,
  }),
};

function row(lang: Lang, p: RowProblem): string {
  return (ROW[p.what] as (p: RowProblem) => Bilingual)(p)[lang];
}

/**
 * Every line problem's text, per code and language, from its parameters and line. A mapped
 * type over {@link LineProblemCode}: a code without both texts does not type-check. The
 * Chinese is, word for word, what the server answered before the codes existed.
 */
export const LINE_WORDS: { [C in LineProblemCode]: { zh: Text<C>; en: Text<C> } } = {
  'score/header_extra': {
    zh: (p, l) => `${at('zh', l)}：表头多出一列 “${p.extra}”，${SCORE_FORMAT.zh}（号码,成绩）`,
    en: (p, l) => `${at('en', l)}: an extra header column “${p.extra}”; ${SCORE_FORMAT.en}`,
  },
  'score/extra_cell': {
    zh: (p, l) =>
      `${at('zh', l, p.bib)}：多出一列 “${p.extra}”，${SCORE_FORMAT.zh}（带小数逗号的成绩请加引号，如 "95,5"）`,
    en: (p, l) =>
      `${at('en', l, p.bib)}: an extra column “${p.extra}”; ${SCORE_FORMAT.en} (quote a score with a decimal comma, as in "95,5")`,
  },
  'score/no_bib': {
    zh: (_, l) => `${at('zh', l)}：号码为空`,
    en: (_, l) => `${at('en', l)}: no bib`,
  },
  'score/no_score': {
    zh: (p, l) => `${at('zh', l, p.bib)}：成绩为空`,
    en: (p, l) => `${at('en', l, p.bib)}: no score`,
  },
  'score/unknown_bib': {
    zh: (p, l) => `${at('zh', l, p.bib)}：没有号码为 “${p.bib}” 的选手`,
    en: (p, l) => `${at('en', l, p.bib)}: there is no contestant with bib “${p.bib}”`,
  },
  'score/duplicate_bib': {
    zh: (p, l) => `${at('zh', l, p.bib)}：号码 ${p.bib} 与第 ${p.first} 行重复`,
    en: (p, l) => `${at('en', l, p.bib)}: bib ${p.bib} repeats line ${p.first}`,
  },
  'score/too_long': {
    zh: (p, l) => `${at('zh', l, p.bib)}：成绩 “${p.text}” 过长`,
    en: (p, l) => `${at('en', l, p.bib)}: the score “${p.text}” is too long`,
  },
  'score/ambiguous_comma': {
    zh: (p, l) =>
      `${at('zh', l, p.bib)}：成绩 “${p.text}” 有歧义（千位分隔符还是小数逗号？），请写成 ${p.whole} 或 ${p.decimal}`,
    en: (p, l) =>
      `${at('en', l, p.bib)}: the score “${p.text}” is ambiguous (a thousands separator or a decimal comma?); write ${p.whole} or ${p.decimal}`,
  },
  'score/not_a_number': {
    zh: (p, l) => `${at('zh', l, p.bib)}：成绩 “${p.text}” 不是有效数字`,
    en: (p, l) => `${at('en', l, p.bib)}: the score “${p.text}” is not a number`,
  },
  'score/inexact': {
    zh: (p, l) => `${at('zh', l, p.bib)}：成绩 “${p.text}” 无法准确保存`,
    en: (p, l) => `${at('en', l, p.bib)}: the score “${p.text}” cannot be stored exactly`,
  },
  'score/refused': {
    zh: (p, l) => `${at('zh', l, p.bib)}：${refusalText(p.refusal, 'zh')}`,
    en: (p, l) => `${at('en', l, p.bib)}: ${refusalText(p.refusal, 'en')}`,
  },
  'score/inactive': {
    zh: (p, l) =>
      `${at('zh', l, p.bib)}：${p.name} 已${p.status === 'withdrawn' ? '退赛' : '被取消资格'}，不能导入成绩`,
    en: (p, l) =>
      `${at('en', l, p.bib)}: ${p.name} has ${p.status === 'withdrawn' ? 'withdrawn' : 'been disqualified'}; no score can be imported`,
  },
  'score/locked': {
    zh: (p) =>
      `${p.sheet.zh} 已由裁判长锁定，不能导入（${p.lines} 行会改变成绩）；如需更正请联系裁判长重新开放`,
    en: (p) =>
      `${p.sheet.en} is locked by the head judge: nothing can be imported (${p.lines} ${p.lines === 1 ? 'line changes a score' : 'lines change scores'}); ask the head judge to re-open it for a correction`,
  },
  'score/empty_file': {
    zh: () => '文件中没有成绩（每行：号码,成绩）',
    en: () => 'The file holds no score (each line: bib,score)',
  },
  'csv/malformed': {
    zh: (p, l) => {
      const why = 'why' in p ? QUOTES[p.why].zh : p.detail;
      return l ? `${at('zh', l)}：${why}` : `CSV 格式错误：${why}`;
    },
    en: (p, l) => {
      const why = 'why' in p ? QUOTES[p.why].en : p.detail;
      return l ? `${at('en', l)}: ${why}` : `Malformed CSV: ${why}`;
    },
  },
  'contestants/header': {
    zh: (p, l) =>
      `${at('zh', l)}：${p.problems.map((h) => header('zh', h)).join('；')}（可用的列：${COLUMN_NAMES.zh}）`,
    en: (p, l) =>
      `${at('en', l)}: ${p.problems.map((h) => header('en', h)).join('; ')} (the columns: ${COLUMN_NAMES.en})`,
  },
  'contestants/row': {
    zh: (p, l) => `${at('zh', l)}：${p.problems.map((r) => row('zh', r)).join('；')}`,
    en: (p, l) => `${at('en', l)}: ${p.problems.map((r) => row('en', r)).join('; ')}`,
  },
  'contestants/none': { zh: () => '文件中没有选手', en: () => 'The file holds no contestant' },
  'contestants/partial_draw': {
    zh: () => '抽签顺序须全部填写或全部留空（留空可稍后抽签）',
    en: () => 'Give a draw order on every row or on none (left empty, the draw can be made later)',
  },
  'import/more': {
    zh: (p) => `另有 ${p.count} 处错误未列出`,
    en: (p) => `${p.count} more ${p.count === 1 ? 'problem' : 'problems'} not listed`,
  },
};

/**
 * A line problem in words: its code's text in `lang`, filled from its parameters and line.
 * @example lineProblemText({line: 3, code: 'score/no_score', params: {bib: '12'}}, 'en') // "Line 3 (#12): no score"
 */
export function lineProblemText(p: LineProblem, lang: Lang): string {
  // A LineProblem's code and parameters were built together (lineProblem): they correspond.
  return (LINE_WORDS[p.code][lang] as Text<LineProblemCode>)(p.params as never, p.line);
}

/** A line problem as the server sends it: the problem and its Chinese `message`. */
export function worded(p: LineProblem): WordedLineProblem {
  return { ...p, message: lineProblemText(p, 'zh') };
}

/**
 * What a page shows for a line problem it received: the code worded in `lang` when the code is
 * in the table and parameters came with it; otherwise the server's own `message` (an older
 * server, a newer code, parameters that do not fit).
 */
export function describeLineProblem(
  e: { line: number; code?: unknown; params?: unknown; message?: unknown },
  lang: Lang,
): string {
  const message = typeof e.message === 'string' ? e.message : '';
  if (typeof e.code !== 'string' || !Object.hasOwn(LINE_WORDS, e.code)) return message;
  if (!e.params || typeof e.params !== 'object') return message;
  try {
    return lineProblemText(e as LineProblem, lang) || message;
  } catch {
    return message;
  }
}
