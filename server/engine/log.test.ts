import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarkingScheme } from '../protocol/scheme.ts';
import { applyEntry, authorship, currentOf, emptyBook, type LogEntry } from './log.ts';
import { indexScheme } from './scheme-index.ts';
import { scoreContestant } from './scoring.ts';

/**
 * The rules-2 fold (docs/scheme.md, "Whose line a mark is"): owners, the recorder's
 * measurements, voids that restore. The scheme is the one of fixtures/legacy-v1: packaging is
 * a one-judge judgement sheet; emergency a 3-judge panel with a judgement and a fault count.
 */
const scheme = MarkingScheme.parse(
  (
    JSON.parse(
      readFileSync(new URL('../../fixtures/legacy-v1/export.json', import.meta.url), 'utf8'),
    ) as { scheme: unknown }
  ).scheme,
);
const index = indexScheme(scheme);
const C = 1;
let seq = 0;
const mark = (
  sheetId: string,
  judgeId: number,
  values: Record<string, unknown>,
  extra: Partial<Extract<LogEntry, { kind: 'mark' }>> = {},
): LogEntry => ({
  kind: 'mark',
  seq: ++seq,
  contestantId: C,
  sheetId,
  judgeId,
  values: values as never,
  rules: 2,
  owner: index.sheets.get(sheetId)!.judges === 1 ? null : judgeId,
  measures: index.sheets.get(sheetId)!.judges === 1,
  ...extra,
});
const score = (book: ReturnType<typeof emptyBook>, stationId: string) => {
  const s = scoreContestant(index, book.marks.get(C) ?? new Map(), new Set()).stations[stationId]!;
  return { score: (s.units / 100).toFixed(2), status: s.status };
};
const fold = (...entries: LogEntry[]) => {
  const book = emptyBook();
  for (const e of entries) applyEntry(book, e);
  return book;
};

describe('owners (rules 2)', () => {
  it('on a one-judge sheet a second official supersedes the first: 4 then 8 gives 8, not their mean', () => {
    const book = fold(
      mark('packaging', 8, { 'packaging-quality': 1000 }),
      mark('packaging', 9, { 'packaging-quality': 3000 }),
    );
    expect(score(book, 'packaging')).toEqual({ score: '10.00', status: 'scored' });
    expect(book.marks.get(C)!.get('packaging')!).toHaveLength(1);
    expect(currentOf(book, C, 'packaging', 1, null)).toMatchObject({ judgeId: 9, owner: null });
  });

  it('rules 1 entries keep their meaning: two authors on a one-judge sheet average', () => {
    const book = fold(
      mark('packaging', 8, { 'packaging-quality': 1000 }, { rules: 1, owner: undefined }),
      mark('packaging', 9, { 'packaging-quality': 3000 }, { rules: 1, owner: undefined }),
    );
    expect(score(book, 'packaging')).toEqual({ score: '6.67', status: 'flagged' });
    // A rules-2 mark on that sheet takes over both old lines; its void restores the latest.
    const v2 = mark('packaging', 10, { 'packaging-quality': 0 });
    applyEntry(book, v2);
    expect(score(book, 'packaging').score).toBe('0.00');
    applyEntry(book, { kind: 'void', seq: ++seq, markSeq: v2.seq });
    expect(score(book, 'packaging').score).toBe('10.00');
  });
});

describe('measurements on a panel come from the recorder', () => {
  const j = (id: number, v: number, missed: number | null, measures: boolean) =>
    mark(
      'emergency',
      id,
      missed === null
        ? { 'emergency-handling': v }
        : { 'emergency-handling': v, 'emergency-steps': { 'missed-step': missed } },
      { measures },
    );
  it('a judge correcting only his judgement never erases the missed steps the recorder counted', () => {
    const book = fold(
      j(8, 2000, 2, true),
      j(9, 2000, null, false),
      j(10, 3000, null, false),
      j(9, 3000, null, false),
    );
    // judgement (2+3+3)/3 × 10/3 = 8.888…, + faults 5 − 2 = 3 → 11.89 (rules 1 gave 13.89)
    expect(score(book, 'emergency')).toEqual({ score: '11.89', status: 'scored' });
  });
  it('a panel whose recorder has not marked yet is partial', () => {
    const book = fold(j(9, 2000, null, false), j(10, 3000, null, false), j(11, 3000, null, false));
    expect(score(book, 'emergency').status).toBe('partial');
  });
  it('authorship: the recorder carries everything, another judge only judgements, none without a recorder', () => {
    const sheet = index.sheets.get('emergency')!;
    expect(authorship(sheet, 8, 8)).toMatchObject({ ok: true, owner: 8, measures: true });
    const other = authorship(sheet, 9, 8, ['emergency-handling']);
    expect(other).toMatchObject({ ok: true, owner: 9, measures: false });
    expect(other.ok && [...other.criteria]).toEqual(['emergency-handling']);
    expect(authorship(sheet, 9, 8, ['emergency-handling', 'emergency-steps'])).toMatchObject({
      ok: false,
      error: 'mark/not_recorder',
    });
    expect(authorship(sheet, 9, undefined)).toMatchObject({ ok: false, error: 'mark/no_recorder' });
    expect(authorship(index.sheets.get('packaging')!, 9, undefined)).toMatchObject({
      ok: true,
      owner: null,
      measures: true,
    });
  });
});

describe('voids (rules 2)', () => {
  it('voiding a correction restores the mark it replaced', () => {
    const first = mark('emergency', 10, { 'emergency-handling': 2000 });
    const corr = mark('emergency', 10, { 'emergency-handling': 3000 });
    const book = fold(
      mark(
        'emergency',
        8,
        { 'emergency-handling': 2000, 'emergency-steps': {} },
        { measures: true },
      ),
      mark('emergency', 9, { 'emergency-handling': 2000 }),
      first,
      corr,
    );
    expect(score(book, 'emergency').score).toBe('12.78');
    applyEntry(book, { kind: 'void', seq: ++seq, markSeq: corr.seq });
    expect(score(book, 'emergency')).toEqual({ score: '11.67', status: 'scored' });
    expect(currentOf(book, C, 'emergency', 1, 10)!.seq).toBe(first.seq);
    // A rules-1 line holds only its latest mark: its void leaves the line empty, as it did.
    const old = fold(
      mark('emergency', 10, { 'emergency-handling': 2000 }, { rules: 1, owner: undefined }),
      mark(
        'emergency',
        10,
        { 'emergency-handling': 3000 },
        { seq: 1000, rules: 1, owner: undefined },
      ),
    );
    applyEntry(old, { kind: 'void', seq: 1001, markSeq: 1000 });
    expect(currentOf(old, C, 'emergency', 1, 10)).toBeUndefined();
  });
});
