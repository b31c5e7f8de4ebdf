import type { JudgeStat, LogMark, RescoreItem } from '#protocol';
import { describe, expect, it } from 'vitest';
import {
  deviationShares,
  filterMarks,
  flaggedCells,
  markStates,
  otherOwner,
  sortRescores,
} from './review.ts';

let nextId = 1;
function entry(over: Partial<LogMark>): LogMark {
  const id = over.id ?? nextId++;
  return {
    id,
    kind: 'mark',
    contestantId: 1,
    bib: '1',
    name: '张三',
    sheetId: 'packaging',
    stationId: 'packaging',
    attempt: 1,
    judge: { code: 'J08', name: '程玉兰' },
    owner: null,
    values: {},
    reason: null,
    supersedesId: null,
    targetMarkId: null,
    createdAt: '2024-10-26T02:00:00.000Z',
    revision: id,
    current: false,
    ...over,
  };
}

describe('review log', () => {
  const first = entry({ id: 1 });
  const correction = entry({ id: 2, supersedesId: 1, reason: '录入错误', current: true });
  const other = entry({ id: 3, contestantId: 2, bib: '2', stationId: 'riding', sheetId: 'bridge' });
  const voiding = entry({
    id: 4,
    kind: 'void',
    contestantId: 2,
    stationId: 'riding',
    targetMarkId: 3,
    reason: '误录',
  });
  const ridden = entry({ id: 5, contestantId: 3, stationId: 'riding', sheetId: 's-bend' });
  const rerun = entry({
    id: 6,
    kind: 'rerun',
    contestantId: 3,
    stationId: 'riding',
    sheetId: null,
  });
  const log = [first, correction, other, voiding, ridden, rerun];

  it('tells current, corrected, voided, void and re-run entries apart', () => {
    const s = markStates(log);
    expect(Object.fromEntries(s)).toEqual({
      1: 'superseded',
      2: 'current',
      3: 'voided',
      4: 'void',
      5: 'voided',
      6: 'rerun',
    });
  });

  it('filters by contestant, station, flag and history, newest first', () => {
    const s = markStates(log);
    const all = { contestantId: null, stationId: null, onlyFlagged: false, showHistory: true };
    expect(filterMarks(log, s, all, new Set()).map((m) => m.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(filterMarks(log, s, { ...all, showHistory: false }, new Set()).map((m) => m.id)).toEqual(
      [2],
    );
    expect(filterMarks(log, s, { ...all, contestantId: 2 }, new Set()).map((m) => m.id)).toEqual([
      4, 3,
    ]);
    expect(
      filterMarks(log, s, { ...all, stationId: 'riding' }, new Set()).map((m) => m.id),
    ).toEqual([6, 5, 4, 3]);
    const flagged = flaggedCells([
      {
        contestantId: 1,
        stations: { packaging: { status: 'flagged' }, riding: { status: 'scored' } },
      },
    ]);
    expect([...flagged]).toEqual(['1:packaging']);
    expect(filterMarks(log, s, { ...all, onlyFlagged: true }, flagged).map((m) => m.id)).toEqual([
      2, 1,
    ]);
  });

  it('scales deviation bars within each criterion', () => {
    const stat = (criterionId: string, meanDeviation: string): JudgeStat => ({
      judgeId: 1,
      code: 'J',
      name: '',
      criterionId,
      criterion: { zh: '', en: '' },
      lines: 3,
      meanDeviation,
      meanAbsDeviation: '0',
    });
    expect(
      deviationShares([stat('a', '+0.50'), stat('a', '-0.25'), stat('b', '0.00'), stat('b', '0')]),
    ).toEqual([1, 0.5, 0, 0]);
  });
});

describe('owners and re-score requests', () => {
  it('names a mark’s owner only when someone else wrote his line', () => {
    const j08 = { code: 'J08', name: '程玉兰' };
    expect(otherOwner(entry({ owner: j08 }))).toBeNull();
    expect(otherOwner(entry({ owner: null }))).toBeNull();
    expect(otherOwner(entry({}))).toBeNull();
    expect(otherOwner(entry({ judge: { code: 'H01', name: '孔德胜' }, owner: j08 }))).toEqual(j08);
  });

  it('lists open requests first, newest first', () => {
    const request = (id: number, pending: boolean): RescoreItem => ({
      id,
      contestantId: 1,
      bib: '1',
      name: '张三',
      sheetId: 'packaging',
      reason: '分歧过大',
      by: { code: 'H01', name: '孔德胜' },
      at: '2024-10-26T02:00:00.000Z',
      judges: [],
      pending,
    });
    const list = [request(1, true), request(2, false), request(3, true), request(4, false)];
    expect(sortRescores(list).map((r) => r.id)).toEqual([3, 1, 4, 2]);
  });
});
