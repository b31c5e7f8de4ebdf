import type { StandingRow } from '#protocol';
import { describe, expect, it } from 'vitest';
import {
  cellStatus,
  lockedStationsOf,
  missingStations,
  orderRows,
  overallProgress,
  progressPercent,
  stationCounts,
} from './progress.ts';

type St = StandingRow['stations'][string];
const st = (status: St['status'], locked = false): St => ({ score: '1.00', status, locked });

function row(
  id: number,
  stations: Record<string, St>,
  extra: Partial<StandingRow> = {},
): StandingRow {
  return {
    contestantId: id,
    bib: String(id),
    drawOrder: 100 - id,
    name: `选手${id}`,
    organisation: '',
    status: 'active',
    rank: id,
    total: '0.00',
    totalUnits: 0,
    modules: {},
    stations,
    keys: [],
    provisional: true,
    ...extra,
  };
}

const IDS = ['a', 'b', 'c'];
const rows = [
  row(1, { a: st('scored'), b: st('scored'), c: st('scored') }),
  row(2, { a: st('partial'), b: st('flagged'), c: st('empty') }),
  row(10, { a: st('scored'), b: st('empty') }),
  row(3, { a: st('empty'), b: st('empty'), c: st('empty') }, { status: 'withdrawn', rank: null }),
];

describe('progress matrix', () => {
  it('counts only active contestants, per station and status', () => {
    const c = stationCounts(rows, IDS);
    expect(c.a).toEqual({ empty: 0, partial: 1, scored: 2, flagged: 0, total: 3, open: 1 });
    expect(c.b).toEqual({ empty: 1, partial: 0, scored: 1, flagged: 1, total: 3, open: 2 });
    // A station the row does not carry counts as not started.
    expect(c.c).toMatchObject({ empty: 2, scored: 1, open: 2 });
    expect(cellStatus(rows[2]!, 'c')).toBe('empty');
  });

  it('names what each contestant is missing; a withdrawn one misses nothing', () => {
    expect(missingStations(rows[0]!, IDS)).toEqual([]);
    expect(missingStations(rows[1]!, IDS)).toEqual(['a', 'b', 'c']);
    expect(missingStations(rows[2]!, IDS)).toEqual(['b', 'c']);
    expect(missingStations(rows[3]!, IDS)).toEqual([]);
  });

  it('sums the overall progress and the flagged cells', () => {
    expect(overallProgress(rows, IDS)).toEqual({ done: 4, total: 9, flagged: 1 });
  });

  it('orders by bib numerically, by draw, or keeps rank order; filters the incomplete', () => {
    expect(orderRows(rows, 'bib', false, IDS).map((r) => r.bib)).toEqual(['1', '2', '3', '10']);
    expect(orderRows(rows, 'draw', false, IDS).map((r) => r.bib)).toEqual(['10', '3', '2', '1']);
    expect(orderRows(rows, 'rank', false, IDS).map((r) => r.bib)).toEqual(['1', '2', '10', '3']);
    expect(orderRows(rows, 'bib', true, IDS).map((r) => r.bib)).toEqual(['2', '10']);
  });

  it('reads the locked stations off a row', () => {
    expect([...lockedStationsOf([row(1, { a: st('scored', true), b: st('empty') })])]).toEqual([
      'a',
    ]);
    expect(lockedStationsOf([]).size).toBe(0);
  });
});

describe('progress percentage', () => {
  it('never says 100 % while a line is open, nor 0 % once one is scored', () => {
    expect(progressPercent(279, 280)).toBe('99.6');
    expect(progressPercent(1999, 2000)).toBe('99.9');
    expect(progressPercent(19999, 20000)).toBe('99.9');
    expect(progressPercent(280, 280)).toBe('100');
    expect(progressPercent(0, 280)).toBe('0');
    expect(progressPercent(1, 280)).toBe('0.3');
    expect(progressPercent(1, 20000)).toBe('0.1');
    expect(progressPercent(0, 0)).toBe('0');
  });

  it('floors in between: whole percent, never rounded up', () => {
    expect(progressPercent(188, 280)).toBe('67');
    expect(progressPercent(2, 3)).toBe('66');
    expect(progressPercent(277, 280)).toBe('98');
    expect(progressPercent(278, 280)).toBe('99.2');
    expect(progressPercent(3, 280)).toBe('1');
    expect(progressPercent(140, 280)).toBe('50');
  });
});
