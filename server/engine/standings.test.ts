import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankRows, type StandingRow } from './standings.ts';

function row(
  bib: string,
  totalUnits: number,
  keys: (number | null)[] = [],
  status: StandingRow['status'] = 'active',
): StandingRow {
  return {
    contestantId: Number(bib.charCodeAt(0)),
    bib,
    drawOrder: 1,
    name: bib,
    organisation: '',
    status,
    rank: null,
    total: String(totalUnits),
    totalUnits,
    modules: {},
    stations: {},
    keys,
    provisional: true,
  };
}

const ranks = (rows: StandingRow[]) => rankRows(rows).map((r) => `${r.bib}${r.rank ?? '-'}`);

describe('rankRows', () => {
  it('gives standard competition ranks: 1, 2, 2, 4', () => {
    expect(ranks([row('D', 8000), row('A', 9000), row('C', 8500), row('B', 8500)])).toEqual([
      'A1',
      'B2',
      'C2',
      'D4',
    ]);
  });

  // A scenario that tripped real systems (issue 3): nine contestants, practical as the tie-break.
  const nine = () => [
    row('A', 9250, [70]),
    row('B', 9000, [61]),
    row('C', 9000, [59]),
    row('D', 9000, [54]),
    row('E', 8800, [52]),
    row('F', 8800, [48]),
    row('G', 8800, [48]),
    row('H', 8800, [46]),
    row('I', 8000, [40]),
  ];
  it('breaks ties on the chain, then shares the rank (1,2,3,4,5,6,6,8,9)', () => {
    expect(rankRows(nine()).map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 6, 8, 9]);
  });
  it('with the tie-break off: 1,2,2,2,5,5,5,5,9', () => {
    expect(rankRows(nine().map((r) => ({ ...r, keys: [] }))).map((r) => r.rank)).toEqual([
      1, 2, 2, 2, 5, 5, 5, 5, 9,
    ]);
  });

  it('ranks a missing tie-break value last and orders full ties by bib numerically', () => {
    expect(
      ranks([row('10', 5000, [null]), row('9', 5000, [null]), row('2', 5000, [-60_000])]),
    ).toEqual(['21', '92', '102']);
  });

  it('puts disqualified then withdrawn contestants after everyone, without a rank', () => {
    expect(
      ranks([row('W', 9999, [], 'withdrawn'), row('Q', 9999, [], 'disqualified'), row('A', 1)]),
    ).toEqual(['A1', 'Q-', 'W-']);
  });

  it('always forms a valid competition ranking (property)', () => {
    const rows = fc.array(
      fc.record({ t: fc.integer({ min: 0, max: 20 }), k: fc.integer({ min: 0, max: 3 }) }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(rows, (rs) => {
        const ranked = rankRows(rs.map((r, i) => row(String(i + 1), r.t, [r.k])));
        ranked.forEach((r, i) => {
          const better = ranked.filter(
            (o) =>
              o.totalUnits > r.totalUnits ||
              (o.totalUnits === r.totalUnits && o.keys[0]! > r.keys[0]!),
          );
          expect(r.rank).toBe(better.length + 1);
          if (i > 0) expect(r.rank).toBeGreaterThanOrEqual(ranked[i - 1]!.rank!);
        });
      }),
    );
  });
});
