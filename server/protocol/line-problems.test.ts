import { describe, expect, it } from 'vitest';
import {
  describeLineProblem,
  LINE_WORDS,
  lineProblemText,
  worded,
  type LineProblem,
  type LineProblemCode,
  type LineProblemParams,
  type RowProblem,
} from './line-problems.ts';

const station = { zh: '理论考试', en: 'Theory exam' };

/** Parameters for every code: a code added to the table without a sample here does not compile. */
const SAMPLES: { [C in LineProblemCode]: LineProblemParams[C] } = {
  'score/header_extra': { extra: '备注' },
  'score/extra_cell': { bib: '12', extra: '5' },
  'score/no_bib': {},
  'score/no_score': { bib: '12' },
  'score/unknown_bib': { bib: '99' },
  'score/duplicate_bib': { bib: '12', first: 3 },
  'score/too_long': { bib: '12', text: '1234567890' },
  'score/ambiguous_comma': { bib: '12', text: '1,000', whole: '1000', decimal: '1.000' },
  'score/not_a_number': { bib: '12', text: 'abc' },
  'score/inexact': { bib: '12', text: '95.0001' },
  'score/refused': {
    bib: '12',
    refusal: { code: 'mark/off_step', params: { criterion: station, value: '85.25', step: '0.5' } },
  },
  'score/inactive': { bib: '12', name: '梁嘉豪', status: 'withdrawn' },
  'score/locked': { sheet: station, lines: 3 },
  'score/empty_file': {},
  'csv/malformed': { why: 'quote_not_closed' },
  'contestants/header': { problems: [{ what: 'required' }, { what: 'unknown', column: '备注' }] },
  'contestants/row': { problems: [{ what: 'no_bib' }, { what: 'no_name' }] },
  'contestants/none': {},
  'contestants/partial_draw': {},
  'import/more': { count: 7 },
};
const CODES = Object.keys(LINE_WORDS) as LineProblemCode[];
const problem = (code: LineProblemCode, line = 4) =>
  ({ line, code, params: SAMPLES[code] }) as LineProblem;

describe('the line problems table', () => {
  it('words every code in both languages, its parameters filled in', () => {
    expect(CODES.sort()).toEqual((Object.keys(SAMPLES) as LineProblemCode[]).sort());
    for (const code of CODES)
      for (const lang of ['zh', 'en'] as const) {
        const text = lineProblemText(problem(code), lang);
        expect(text, `${code} ${lang}`).not.toBe('');
        expect(text, `${code} ${lang}`).not.toMatch(/undefined|null|NaN|\[object/);
      }
  });

  it('speaks English in English: no Chinese but the file’s own cells and the column names', () => {
    const allowed = /梁嘉豪|备注|号码|姓名|单位|抽签顺序/g;
    for (const code of CODES)
      expect(lineProblemText(problem(code), 'en').replace(allowed, ''), code).not.toMatch(
        /\p{Script=Han}/u,
      );
  });

  it('keeps the Chinese the server answered before the codes, word for word', () => {
    const zh = (code: LineProblemCode, line = 4) => lineProblemText(problem(code, line), 'zh');
    expect(zh('score/header_extra', 1)).toBe(
      '第 1 行：表头多出一列 “备注”，每行只能有号码和成绩两列（号码,成绩）',
    );
    expect(zh('score/too_long')).toBe('第 4 行（12号）：成绩 “1234567890” 过长');
    expect(zh('score/not_a_number')).toBe('第 4 行（12号）：成绩 “abc” 不是有效数字');
    expect(zh('score/inexact')).toBe('第 4 行（12号）：成绩 “95.0001” 无法准确保存');
    expect(zh('score/inactive')).toBe('第 4 行（12号）：梁嘉豪 已退赛，不能导入成绩');
    expect(zh('score/locked', 0)).toBe(
      '理论考试 已由裁判长锁定，不能导入（3 行会改变成绩）；如需更正请联系裁判长重新开放',
    );
    expect(zh('score/empty_file', 0)).toBe('文件中没有成绩（每行：号码,成绩）');
    expect(zh('csv/malformed', 0)).toBe('CSV 格式错误：引号没有闭合');
    expect(
      lineProblemText({ line: 0, code: 'csv/malformed', params: { detail: 'Bad' } }, 'zh'),
    ).toBe('CSV 格式错误：Bad');
    expect(zh('contestants/header', 1)).toBe(
      '第 1 行：须为表头，至少包含“号码”和“姓名”两列；不认识的列 “备注”（可用的列：号码、姓名、单位、抽签顺序）',
    );
    expect(zh('contestants/none', 2)).toBe('文件中没有选手');
    expect(zh('contestants/partial_draw', 0)).toBe(
      '抽签顺序须全部填写或全部留空（留空可稍后抽签）',
    );
    expect(zh('import/more', 0)).toBe('另有 7 处错误未列出');
  });

  it('words every problem a contestant row can have, in both languages', () => {
    const rows: [RowProblem, string][] = [
      [
        { what: 'extra', extra: '美团', columns: 3 },
        '多出一列 “美团”（表头只有 3 列；姓名或单位中的逗号请用引号括起来）',
      ],
      [{ what: 'no_bib' }, '号码为空'],
      [{ what: 'bad_bib', bib: 'A B' }, '号码 “A B” 格式不对（1–12 位字母、数字或连字符）'],
      [{ what: 'duplicate_bib', bib: '7', first: 2 }, '号码 7 与第 2 行重复'],
      [{ what: 'no_name' }, '姓名为空'],
      [{ what: 'long_name' }, '姓名过长'],
      [{ what: 'control', field: 'name' }, '姓名中含有控制字符（如换行、制表符），请删除'],
      [{ what: 'control', field: 'organisation' }, '单位中含有控制字符（如换行、制表符），请删除'],
      [{ what: 'bad_draw', draw: '0' }, '抽签顺序 “0” 须为正整数'],
      [{ what: 'duplicate_draw', draw: '3', first: 2 }, '抽签顺序 3 与第 2 行重复'],
    ];
    for (const [p, zh] of rows) {
      const e: LineProblem = { line: 5, code: 'contestants/row', params: { problems: [p] } };
      expect(lineProblemText(e, 'zh')).toBe(`第 5 行：${zh}`);
      expect(lineProblemText(e, 'en')).toMatch(/^Line 5: [a-z]/);
      expect(lineProblemText(e, 'en').replace(/美团/, '')).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('sends the Chinese beside the code; a page words what it knows and falls back to it', () => {
    const sent = worded(problem('score/no_score', 3));
    expect(sent).toEqual({
      line: 3,
      code: 'score/no_score',
      params: { bib: '12' },
      message: '第 3 行（12号）：成绩为空',
    });
    expect(describeLineProblem(sent, 'en')).toBe('Line 3 (#12): no score');
    expect(describeLineProblem(sent, 'zh')).toBe('第 3 行（12号）：成绩为空');
    expect(describeLineProblem({ ...sent, code: 'score/newer' }, 'en')).toBe(sent.message);
    expect(describeLineProblem({ line: 3, message: 'old server' }, 'en')).toBe('old server');
    expect(describeLineProblem({ line: 3, code: 'score/unknown_bib', message: 'm' }, 'en')).toBe(
      'm',
    );
  });
});
