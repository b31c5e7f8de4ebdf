import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../plugins/seed.ts';
import { MarkingScheme } from '../protocol/scheme.ts';
import { indexScheme, openBibs, openLines, scoreContestant, type CurrentMark } from './index.ts';

const fixture = readFixture();
const index = indexScheme(fixture.scheme);
const people = [
  { id: 1, bib: '1', name: '宋梦琪' },
  { id: 2, bib: '2', name: '马永康' },
  { id: 3, bib: '3', name: '曾家乐' },
];
type Book = Map<number, Map<string, CurrentMark[]>>;
const lookup = (book: Book) => (c: number, s: string) => book.get(c)?.get(s) ?? [];
const quality = (points: number[], attempt?: number): CurrentMark[] =>
  points.map((p, i) => ({
    seq: i + 1,
    judgeId: 8 + i,
    values: { 'packaging-quality': p * 1000 },
    ...(attempt ? { attempt } : {}),
  }));
const sBend: CurrentMark[] = [{ seq: 9, judgeId: 2, values: { 's-bend-faults': {} } }];

describe('open lines of a station', () => {
  it('names each contestant × sub-station that is empty, with the judges present and required', () => {
    const book: Book = new Map([[1, new Map([['s-bend', sBend]])]]);
    const lines = openLines(index, people.slice(0, 2), lookup(book), 'riding');
    expect(lines.map((l) => [l.bib, l.sheetId, l.status, l.judges, l.required])).toEqual([
      ['1', 'bridge', 'empty', 0, 1],
      ['1', 'traffic-lights', 'empty', 0, 1],
      ['1', 'smoothness', 'empty', 0, 1],
      ['2', 's-bend', 'empty', 0, 1],
      ['2', 'bridge', 'empty', 0, 1],
      ['2', 'traffic-lights', 'empty', 0, 1],
      ['2', 'smoothness', 'empty', 0, 1],
    ]);
    expect(lines[0]).toMatchObject({
      contestantId: 1,
      name: '宋梦琪',
      sheet: { zh: '单边桥' },
      attempt: null,
    });
    expect(openBibs(lines)).toEqual(['1', '2']);
  });

  it('tells a short panel (partial) from a disagreement (flagged) and leaves complete lines out', () => {
    const book: Book = new Map([
      [1, new Map([['packaging', quality([2, 3])]])],
      [2, new Map([['packaging', quality([0, 3, 3])]])],
      [3, new Map([['packaging', quality([2, 2, 3])]])],
    ]);
    expect(
      openLines(index, people, lookup(book), 'packaging').map((l) => [
        l.bib,
        l.sheet.zh,
        l.status,
        l.judges,
        l.required,
      ]),
    ).toEqual([
      ['1', '货物打包', 'partial', 2, 3],
      ['2', '货物打包', 'flagged', 3, 3],
    ]);
    expect(openLines(index, people, lookup(book), 'no-such-station')).toEqual([]);
  });

  it('counts every attempt of a station run in attempts, re-runs granted included', () => {
    const scheme = structuredClone(fixture.scheme);
    const packaging = scheme.modules[1]!.stations.find((s) => s.id === 'packaging')!;
    packaging.attempts = { count: 2, rule: 'best' };
    const runs = indexScheme(MarkingScheme.parse(scheme));
    const book: Book = new Map([
      [1, new Map([['packaging', [...quality([2, 2, 2], 1), ...quality([3, 3], 3)]]])],
    ]);
    const lines = openLines(runs, people.slice(0, 1), lookup(book), 'packaging', () => [2]);
    // Attempt 1 complete, 2 voided (a re-run granted: attempt 3), attempt 3 short of a judge.
    expect(lines.map((l) => [l.attempt, l.status, l.judges])).toEqual([[3, 'partial', 2]]);
    // Without the re-run, attempt 2 was never run.
    expect(
      openLines(runs, people.slice(0, 1), lookup(book), 'packaging').map((l) => [
        l.attempt,
        l.status,
      ]),
    ).toEqual([[2, 'empty']]);
  });

  it('has an open line for a contestant exactly when the station is not scored (property)', () => {
    const sheetMarks = (sheetId: string) =>
      fc.oneof(
        fc.constant<CurrentMark[]>([]),
        sheetId === 'packaging'
          ? fc
              .array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 })
              .map((ps) => quality(ps))
          : fc.constant<CurrentMark[]>(sheetId === 's-bend' ? sBend : []),
      );
    fc.assert(
      fc.property(
        fc.record({ packaging: sheetMarks('packaging'), 's-bend': sheetMarks('s-bend') }),
        (m) => {
          const marks = new Map(Object.entries(m));
          const score = scoreContestant(index, marks, new Set());
          const book: Book = new Map([[1, marks]]);
          for (const stationId of ['packaging', 'riding'])
            expect(openLines(index, people.slice(0, 1), lookup(book), stationId).length > 0).toBe(
              score.stations[stationId]!.status !== 'scored',
            );
        },
      ),
    );
  });
});
