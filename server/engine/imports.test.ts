import { describe, expect, it } from 'vitest';
import { readFixture } from '../plugins/seed.ts';
import { lineProblemText } from '../protocol/line-problems.ts';
import {
  planScoreImport as plan,
  pointsText,
  type CsvRecord,
  type ScoreImportField,
} from './imports.ts';
import { indexScheme } from './scheme-index.ts';
import type { SheetValues } from './values.ts';

/** The plan with each problem as its line and Chinese text (what the server sends as `message`). */
function planScoreImport(...args: Parameters<typeof plan>) {
  const p = plan(...args);
  return {
    ...p,
    errors: p.errors.map((e) => ({ line: e.line, message: lineProblemText(e, 'zh') })),
  };
}

const fixture = readFixture();
const index = indexScheme(fixture.scheme);
const sheet = index.sheets.get('theory-exam')!;
const criterion = sheet.criteria[0] as Extract<
  (typeof sheet.criteria)[number],
  { kind: 'imported' }
>;

type Head = { markId: number; officialId: number; values: SheetValues };

/** A field of contestants 1–9 (bib = id), 9 withdrawn, with the given current marks. */
function field(heads: Record<number, Head> = {}, over: Partial<ScoreImportField> = {}) {
  const people = new Map(
    Array.from({ length: 9 }, (_, i) => [
      String(i + 1),
      {
        id: i + 1,
        name: `选手${i + 1}`,
        status: i === 8 ? ('withdrawn' as const) : ('active' as const),
      },
    ]),
  );
  return {
    sheet,
    criterion,
    decimals: 2,
    locked: false,
    contestant: (bib: string) => people.get(bib),
    head: (id: number) => heads[id],
    ...over,
  } satisfies ScoreImportField;
}
const rec = (line: number, ...cells: string[]): CsvRecord => ({ line, cells });
const head = (markId: number, milli: number, officialId = 2): Head => ({
  markId,
  officialId,
  values: { 'theory-score': milli },
});
const values = (p: ReturnType<typeof planScoreImport>) =>
  p.lines.map((l) => [l.line, l.bib, l.value, l.change, l.supersedes]);

describe('reading a score file', () => {
  it('refuses a row with a cell beyond bib and score: an unquoted decimal comma is not read', () => {
    const p = planScoreImport([rec(1, '1', '95', '5'), rec(2, '2', '80')], field());
    expect(p.errors).toEqual([{ line: 1, message: expect.stringContaining('多出一列') }]);
    expect(p.errors[0]!.message).toContain('“5”');
    expect(p.lines.map((l) => l.bib)).toEqual(['2']);
  });

  it('accepts empty cells after the score (Excel’s trailing comma)', () => {
    const p = planScoreImport([rec(1, '1', '95', '', ' ')], field());
    expect(p.errors).toEqual([]);
    expect(values(p)).toEqual([[1, '1', '95.00', 'new', null]]);
  });

  it('reads a decimal comma inside a cell (quoted, or from a semicolon file)', () => {
    const p = planScoreImport([rec(3, '1', '95,5'), rec(4, '2', '８０，５')], field());
    expect(p.errors).toEqual([]);
    expect(values(p)).toEqual([
      [3, '1', '95.50', 'new', null],
      [4, '2', '80.50', 'new', null],
    ]);
  });

  it('refuses a comma followed by three digits: a thousands separator or a decimal comma', () => {
    const p = planScoreImport([rec(1, '1', '1,000'), rec(2, '2', '1.000')], field());
    expect(p.errors).toEqual([{ line: 1, message: expect.stringContaining('1,000') }]);
    expect(values(p)).toEqual([[2, '2', '1.00', 'new', null]]);
  });

  it('takes a first row of full-width digits as data, not as a header', () => {
    const p = planScoreImport([rec(1, '１', '９５'), rec(2, '２', '60')], field());
    expect(p.errors).toEqual([]);
    expect(values(p)).toEqual([
      [1, '1', '95.00', 'new', null],
      [2, '2', '60.00', 'new', null],
    ]);
  });

  it('skips a header only when it has no digit and no known bib; a wide header is refused', () => {
    expect(values(planScoreImport([rec(2, '号码', '成绩'), rec(3, '1', '70')], field()))).toEqual([
      [3, '1', '70.00', 'new', null],
    ]);
    // A first row of data with a bad score is an error, never a header.
    const bad = planScoreImport([rec(1, '1', 'abc'), rec(2, '2', '70')], field());
    expect(bad.errors.map((e) => e.line)).toEqual([1]);
    const wide = planScoreImport(
      [rec(1, '号码', '姓名', '成绩'), rec(2, '1', '张三', '70')],
      field(),
    );
    expect(wide.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(wide.lines).toEqual([]);
  });

  it('names a missing bib or score, unknown and duplicate bibs, with the file’s own lines', () => {
    const p = planScoreImport(
      [rec(1, '1', ''), rec(3, '', '80'), rec(4, '99', '80'), rec(7, '2', '80'), rec(9, '2', '81')],
      field(),
    );
    expect(p.errors.map((e) => [e.line, e.message])).toEqual([
      [1, expect.stringContaining('成绩为空')],
      [3, expect.stringContaining('号码为空')],
      [4, expect.stringContaining('99')],
      [9, expect.stringContaining('与第 7 行重复')],
    ]);
    expect(p.lines.map((l) => l.line)).toEqual([7]);
  });

  it('skips blank records and says so when there is nothing to import', () => {
    expect(planScoreImport([rec(1, '', ''), rec(2, '号码', '成绩')], field()).errors).toEqual([
      { line: 0, message: expect.stringContaining('没有成绩') },
    ]);
  });

  it('checks the scale and the step with the writer’s own parser', () => {
    const p = planScoreImport([rec(1, '1', '101'), rec(2, '2', '85.25')], field());
    expect(p.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(p.errors[1]!.message).toContain('步长');
  });
});

describe('what an import would write', () => {
  it('lists each line’s current mark, and leaves a score equal to it alone', () => {
    const p = planScoreImport(
      [rec(1, '1', '80'), rec(2, '2', '70'), rec(3, '3', '60')],
      field({ 1: head(11, 80_000), 2: head(12, 75_000) }),
    );
    expect(values(p)).toEqual([
      [1, '1', '80.00', 'unchanged', 11],
      [2, '2', '70.00', 'changed', 12],
      [3, '3', '60.00', 'new', null],
    ]);
    expect(p.writes.map((w) => [w.bib, w.supersedes, w.reason])).toEqual([
      ['2', 12, '重新导入'],
      ['3', null, null],
    ]);
    expect(p.lines[1]!.current).toEqual({ markId: 12, officialId: 2, milli: 75_000 });
  });

  it('refuses a withdrawn contestant’s new score, and any write into a locked station', () => {
    const withdrawn = planScoreImport([rec(1, '9', '50')], field());
    expect(withdrawn.errors).toEqual([{ line: 1, message: expect.stringContaining('退赛') }]);
    // Equal to what is stored: nothing is written, so nothing is refused.
    expect(planScoreImport([rec(1, '9', '50')], field({ 9: head(5, 50_000) })).errors).toEqual([]);
    const locked = planScoreImport(
      [rec(1, '1', '80'), rec(2, '2', '70')],
      field({ 1: head(11, 80_000) }, { locked: true }),
    );
    expect(locked.errors).toEqual([{ line: 0, message: expect.stringContaining('锁定') }]);
    expect(
      planScoreImport([rec(1, '1', '80')], field({ 1: head(11, 80_000) }, { locked: true })).errors,
    ).toEqual([]);
  });
});

describe('what the importer saw', () => {
  const heads = { 1: head(11, 80_000), 2: head(12, 75_000) };
  const file = [rec(1, '1', '90'), rec(2, '2', '70'), rec(3, '3', '60')];

  it('writes every line whose mark is still the one seen', () => {
    const p = planScoreImport(file, field(heads), {
      seen: new Map([
        ['1', 11],
        ['2', 12],
      ]),
    });
    expect(p.conflicts).toEqual([]);
    expect(p.writes.map((w) => w.bib)).toEqual(['1', '2', '3']);
  });

  it('lists a line changed since the dry run as a conflict; a line equal to the file is none', () => {
    const p = planScoreImport(
      [...file, rec(4, '4', '50')],
      field({ ...heads, 4: head(14, 50_000) }),
      {
        seen: new Map([
          ['1', 10],
          ['2', 12],
        ]),
      },
    );
    expect(p.conflicts).toEqual([
      {
        line: 1,
        bib: '1',
        contestantId: 1,
        name: '选手1',
        milli: 90_000,
        value: '90.00',
        seen: 10,
        current: { markId: 11, officialId: 2, milli: 80_000 },
      },
    ]);
    // No `seen` at all (a plain CSV upload): a line holding another mark is a conflict.
    expect(
      planScoreImport(file, field(heads), { seen: new Map() }).conflicts.map((c) => c.bib),
    ).toEqual(['1', '2']);
  });

  it('a voided mark is a change too', () => {
    const p = planScoreImport([rec(1, '1', '90')], field(), { seen: new Map([['1', 11]]) });
    expect(p.conflicts.map((c) => [c.bib, c.current])).toEqual([['1', null]]);
  });

  it('overwrites a conflict only with the mark it names and a reason; keep leaves the line', () => {
    const overwrite = planScoreImport(file, field(heads), {
      seen: new Map([
        ['1', 11],
        ['2', 12],
      ]),
      overwrite: new Map([['1', '考试系统复核']]),
    });
    expect(overwrite.writes.map((w) => [w.bib, w.reason])).toEqual([
      ['1', '考试系统复核'],
      ['2', '重新导入'],
      ['3', null],
    ]);
    // Overwrite without having seen the current mark is still a conflict.
    const blind = planScoreImport(file, field(heads), {
      seen: new Map([['2', 12]]),
      overwrite: new Map([['1', '考试系统复核']]),
    });
    expect(blind.conflicts.map((c) => c.bib)).toEqual(['1']);
    const kept = planScoreImport(file, field(heads), {
      seen: new Map([['2', 12]]),
      keep: new Set(['1']),
    });
    expect(kept.conflicts).toEqual([]);
    expect(kept.writes.map((w) => w.bib)).toEqual(['2', '3']);
    expect(kept.lines[0]!.change).toBe('kept');
  });
});

describe('published strings', () => {
  it('pads to the scheme’s decimals and never rounds', () => {
    expect(pointsText(95_500, 2)).toBe('95.50');
    expect(pointsText(92_000, 2)).toBe('92.00');
    expect(pointsText(95_125, 2)).toBe('95.125');
    expect(pointsText(7_000, 0)).toBe('7');
  });
});
