import type { LineError } from '#protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeLineProblem } from '../../protocol/line-problems.ts';
import { startTestServer, tokenOf } from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const send = async (path: string, body: string) => {
  const r = await fetch(`${server.url}/api/competitions/gaoxin-2024/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/csv',
      authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
    },
    body,
  });
  return { status: r.status, errors: ((await r.json()) as { errors: LineError[] }).errors };
};
const english = (errors: LineError[]) => errors.map((e) => describeLineProblem(e, 'en'));

describe('the problems of an imported file travel as codes with parameters', () => {
  it('a score file: each bad line has its code, its parameters and the Chinese text as before', async () => {
    const file = ['1,95,5', ',80', '3,', '99,80', '2,80', '2,81', '4,"1,000"', '6,85.25'].join(
      '\n',
    );
    for (const q of ['?dryRun=1', '']) {
      const r = await send(`imports/theory-score${q}`, file);
      expect(r.status).toBe(422);
      expect(r.errors).toEqual([
        {
          line: 1,
          code: 'score/extra_cell',
          params: { bib: '1', extra: '5' },
          message:
            '第 1 行（1号）：多出一列 “5”，每行只能有号码和成绩两列（带小数逗号的成绩请加引号，如 "95,5"）',
        },
        { line: 2, code: 'score/no_bib', params: {}, message: '第 2 行：号码为空' },
        {
          line: 3,
          code: 'score/no_score',
          params: { bib: '3' },
          message: '第 3 行（3号）：成绩为空',
        },
        {
          line: 4,
          code: 'score/unknown_bib',
          params: { bib: '99' },
          message: '第 4 行（99号）：没有号码为 “99” 的选手',
        },
        {
          line: 6,
          code: 'score/duplicate_bib',
          params: { bib: '2', first: 5 },
          message: '第 6 行（2号）：号码 2 与第 5 行重复',
        },
        {
          line: 7,
          code: 'score/ambiguous_comma',
          params: { bib: '4', text: '1,000', whole: '1000', decimal: '1.000' },
          message:
            '第 7 行（4号）：成绩 “1,000” 有歧义（千位分隔符还是小数逗号？），请写成 1000 或 1.000',
        },
        {
          line: 8,
          code: 'score/refused',
          params: {
            bib: '6',
            refusal: {
              code: 'mark/off_step',
              params: expect.objectContaining({ value: '85.25' }),
            },
          },
          message: '第 8 行（6号）：理论成绩（100题）：85.25 不符合步长 0.5',
        },
      ]);
      expect(english(r.errors)).toEqual([
        'Line 1 (#1): an extra column “5”; a line holds only a bib and a score (quote a score with a decimal comma, as in "95,5")',
        'Line 2: no bib',
        'Line 3 (#3): no score',
        'Line 4 (#99): there is no contestant with bib “99”',
        'Line 6 (#2): bib 2 repeats line 5',
        'Line 7 (#4): the score “1,000” is ambiguous (a thousands separator or a decimal comma?); write 1000 or 1.000',
        'Line 8 (#6): Exam score (100 questions): 85.25 is not on the 0.5 step',
      ]);
    }
  });

  it('a score file with more bad lines than an answer lists: the first 1,000 and how many more', async () => {
    const file = Array.from({ length: 1002 }, (_, i) => `x${i},80`).join('\n');
    const r = await send('imports/theory-score?dryRun=1', file);
    expect(r.status).toBe(422);
    expect(r.errors).toHaveLength(1001);
    expect(r.errors[999]).toMatchObject({ line: 1000, code: 'score/unknown_bib' });
    expect(r.errors[1000]).toEqual({
      line: 0,
      code: 'import/more',
      params: { count: 2 },
      message: '另有 2 处错误未列出',
    });
    expect(describeLineProblem(r.errors[1000]!, 'en')).toBe('2 more problems not listed');
  });

  it('a score file the CSV reader cannot read: the line and why', async () => {
    const r = await send('imports/theory-score', '1,80\n2,8"0\n');
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([
      {
        line: 2,
        code: 'csv/malformed',
        params: { why: 'opening_quote' },
        message: '第 2 行：引号只能包住整个单元格（如 "95,5"）',
      },
    ]);
    expect(english(r.errors)).toEqual([
      'Line 2: a quote must enclose the whole cell (as in "95,5")',
    ]);
  });

  it('a contestant list: every problem of a row, in one entry per line', async () => {
    const r = await send(
      'contestants/import?dryRun=1',
      '号码,姓名,单位,抽签顺序\n1,张三,美团,1\n,李四,,2\n1,王五,,x\n',
    );
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([
      {
        line: 3,
        code: 'contestants/row',
        params: { problems: [{ what: 'no_bib' }] },
        message: '第 3 行：号码为空',
      },
      {
        line: 4,
        code: 'contestants/row',
        params: {
          problems: [
            { what: 'duplicate_bib', bib: '1', first: 2 },
            { what: 'bad_draw', draw: 'x' },
          ],
        },
        message: '第 4 行：号码 1 与第 2 行重复；抽签顺序 “x” 须为正整数',
      },
    ]);
    expect(english(r.errors)).toEqual([
      'Line 3: no bib',
      'Line 4: bib 1 repeats line 2; draw order “x” must be a whole number, 1 or more',
    ]);
  });

  it('a contestant list’s header: what it does not know, what it repeats', async () => {
    const r = await send('contestants/import?dryRun=1', '编号,名字,备注,名字\n1,张三,,\n');
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([
      {
        line: 1,
        code: 'contestants/header',
        params: {
          problems: [
            { what: 'unknown', column: '备注' },
            { what: 'duplicate', column: '名字', first: 2 },
          ],
        },
        message:
          '第 1 行：不认识的列 “备注”；“名字” 与第 2 列重复（可用的列：号码、姓名、单位、抽签顺序）',
      },
    ]);
    expect(english(r.errors)[0]).toMatch(/^Line 1: unknown column “备注”; “名字” repeats column 2/);
  });
});
