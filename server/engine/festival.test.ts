import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Awards } from '../protocol/scheme.ts';
import { assignAwards } from './awards.ts';
import { advancers, carryMilli } from './rounds.ts';
import { rankRows, type StandingRow } from './standings.ts';
import { teamStandings } from './teams.ts';

let nextId = 1;
/** A standings row on a 2-decimal scheme: `total` in points, `keys` the tie-break keys. */
function row(
  bib: string,
  total: number,
  opts: { keys?: number[]; org?: string; status?: StandingRow['status'] } = {},
): StandingRow {
  const units = Math.round(total * 100);
  return {
    contestantId: nextId++,
    bib,
    drawOrder: 1,
    name: `选手${bib}`,
    organisation: opts.org ?? '',
    status: opts.status ?? 'active',
    rank: null,
    total: (units / 100).toFixed(2),
    totalUnits: units,
    modules: {},
    stations: {},
    keys: opts.keys ?? [],
    provisional: false,
  };
}

/** Marks a row as scored at one station (rows from {@link row} start with none). */
const scored = (r: StandingRow): StandingRow => ({
  ...r,
  stations: { s: { score: r.total, status: 'scored', locked: true } },
});

const prizeList = (ties: 'higher' | 'lower') =>
  Awards.parse({
    ties,
    rules: [
      { by: 'rank', id: 'first', label: { zh: '一等奖', en: '1st' }, count: 1 },
      { by: 'rank', id: 'second', label: { zh: '二等奖', en: '2nd' }, count: 2 },
      { by: 'rank', id: 'third', label: { zh: '三等奖', en: '3rd' }, count: 3 },
      { by: 'threshold', id: 'cert', label: { zh: '证书', en: 'Cert' }, min: 80 },
    ],
  });

const award = (rows: StandingRow[], awards: Awards, decimals = 2) =>
  assignAwards(rows.map(scored), awards, decimals);

const held = (rows: StandingRow[]) =>
  rows.map((r) => `${r.bib}:${r.rank ?? '-'}:${(r.awards ?? []).join('+') || '·'}`);

describe('assignAwards (prize list 1 / 2 / 3 by rank)', () => {
  // Places 1 | 2–3 | 4–6. C and D tie at rank 3 (places 3 and 4): the boundary of second and third.
  const field = () =>
    rankRows([
      row('A', 95),
      row('B', 90),
      row('C', 85),
      row('D', 85),
      row('E', 80),
      row('F', 79),
      row('G', 70),
      row('H', 60, { status: 'withdrawn' }),
    ]);

  it('ties "higher": both tied take the second prize and use up a third-prize place', () => {
    expect(held(award(field(), prizeList('higher'), 2))).toEqual([
      'A:1:first+cert',
      'B:2:second+cert',
      'C:3:second+cert',
      'D:3:second+cert',
      'E:5:third+cert',
      'F:6:third',
      'G:7:·',
      'H:-:·',
    ]);
  });

  it('ties "lower": both tied take the third prize, the second prize stays one short', () => {
    expect(held(award(field(), prizeList('lower'), 2))).toEqual([
      'A:1:first+cert',
      'B:2:second+cert',
      'C:3:third+cert',
      'D:3:third+cert',
      'E:5:third+cert',
      'F:6:third',
      'G:7:·',
      'H:-:·',
    ]);
  });

  it('a tie the tie-break chain splits is no tie: the prize follows the chain', () => {
    const rows = rankRows([
      row('A', 95),
      row('B', 90),
      row('C', 85, { keys: [10] }),
      row('D', 85, { keys: [20] }),
    ]);
    expect(held(award(rows, prizeList('higher'), 2))).toEqual([
      'A:1:first+cert',
      'B:2:second+cert',
      'D:3:second+cert',
      'C:4:third+cert',
    ]);
  });

  it('nobody holds an award before anything is scored, and unscored rows do not count in the field', () => {
    const rows = rankRows([row('A', 0), row('B', 0), row('C', 0)]);
    expect(held(assignAwards(rows, prizeList('higher'), 2))).toEqual(['A:1:·', 'B:1:·', 'C:1:·']);
    const share = Awards.parse({
      rules: [{ by: 'share', id: 'gold', label: { zh: '金', en: 'Gold' }, percent: 50 }],
    });
    const mixed = rankRows([row('A', 90), row('B', 80), row('C', 0), row('D', 0)]);
    const out = assignAwards(
      [scored(mixed[0]!), scored(mixed[1]!), mixed[2]!, mixed[3]!],
      share,
      2,
    );
    expect(out.map((r) => r.awards)).toEqual([['gold'], [], [], []]); // 50 % of 2 scored
  });

  it('a share of the field is counted in whole places, rounded down', () => {
    const share = Awards.parse({
      rules: [
        { by: 'share', id: 'gold', label: { zh: '金', en: 'Gold' }, percent: 10 },
        { by: 'share', id: 'silver', label: { zh: '银', en: 'Silver' }, percent: 20 },
      ],
    });
    const rows = rankRows(Array.from({ length: 25 }, (_, i) => row(String(i + 1), 100 - i)));
    const out = award(rows, share, 2);
    expect(out.filter((r) => r.awards?.includes('gold')).map((r) => r.bib)).toEqual(['1', '2']);
    expect(out.filter((r) => r.awards?.includes('silver')).length).toBe(5);
  });

  it('every ranked contestant holds at most one positional prize, and prizes never skip a better rank', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom<'higher' | 'lower'>('higher', 'lower'),
        (totals, ties) => {
          const rows = award(
            rankRows(totals.map((t, i) => row(String(i + 1), t))),
            prizeList(ties),
            2,
          );
          const order = ['first', 'second', 'third'];
          let worst = -1;
          for (const r of rows) {
            const prizes = (r.awards ?? []).filter((a) => order.includes(a));
            expect(prizes.length).toBeLessThanOrEqual(1);
            const level = prizes.length ? order.indexOf(prizes[0]!) : 3;
            expect(level).toBeGreaterThanOrEqual(worst); // display order never gets a better prize later
            worst = level;
          }
          // Tied contestants always hold the same awards.
          for (const a of rows)
            for (const b of rows) if (a.rank === b.rank) expect(a.awards).toEqual(b.awards);
        },
      ),
    );
  });
});

describe('advancers (the cut)', () => {
  /** 2,000 contestants; the 38th and 39th tie on the total, and the tie-break key prefers the 39th. */
  const prelim = () => {
    // 100.00, 99.99 … 99.64 for the first 37; 38 and 39 both 99.60; then 99.59 and below.
    const rows = Array.from({ length: 2000 }, (_, i) =>
      row(String(i + 1), 100 - i * 0.01 - (i > 38 ? 0.02 : 0), { keys: [0] }),
    );
    rows[37] = row('38', 99.6, { keys: [10] });
    rows[38] = row('39', 99.6, { keys: [20] });
    return rankRows(rows).map(scored);
  };

  it('tie-break: the chain decides, exactly 38 go on and the 39th by bib is in', () => {
    const r = advancers(prelim(), { by: 'top', count: 38, ties: 'tie-break' }, 2);
    expect(r.advanced).toHaveLength(38);
    expect(r.advanced.map((x) => x.bib)).toContain('39');
    expect(r.advanced.map((x) => x.bib)).not.toContain('38');
    expect(r.outAtCut.map((x) => x.bib)).toEqual(['38']);
    expect(r.extraAtCut).toBe(0);
  });

  it('all-advance: everyone tied on the total at the cut goes on (39)', () => {
    const r = advancers(prelim(), { by: 'top', count: 38, ties: 'all-advance' }, 2);
    expect(r.advanced).toHaveLength(39);
    expect(r.extraAtCut).toBe(1);
    expect(r.outAtCut).toEqual([]);
  });

  it('a tie the chain cannot split shares the rank and goes on together', () => {
    const rows = rankRows([row('1', 90), row('2', 80), row('3', 80), row('4', 70)]).map(scored);
    expect(advancers(rows, { by: 'top', count: 2, ties: 'tie-break' }, 2).advanced).toHaveLength(3);
  });

  it('contestants nobody marked never advance, however few were marked', () => {
    const rows = rankRows([row('1', 90), row('2', 80), row('3', 0), row('4', 0), row('5', 0)]);
    const marked = rows.map((r) => (r.totalUnits > 0 ? scored(r) : r));
    const r = advancers(marked, { by: 'top', count: 3, ties: 'tie-break' }, 2);
    expect(r.advanced.map((x) => x.bib)).toEqual(['1', '2']);
    expect(r.extraAtCut).toBe(0);
  });

  it('threshold: every total at or above the line; withdrawn never advance', () => {
    const rows = rankRows([
      row('1', 60),
      row('2', 59.99),
      row('3', 75, { status: 'withdrawn' }),
    ]).map(scored);
    expect(advancers(rows, { by: 'threshold', min: 60 }, 2).advanced.map((r) => r.bib)).toEqual([
      '1',
    ]);
  });
});

describe('carryMilli', () => {
  it('weight 1 carries the published total unchanged', () => {
    expect(carryMilli(8567, 2, 1, 2)).toBe(85_670);
  });
  it('a weight rounds half-up once, to the next scheme decimals', () => {
    expect(carryMilli(8567, 2, 0.3, 2)).toBe(25_700); // 25.701 → 25.70
    expect(carryMilli(8550, 2, 0.3, 2)).toBe(25_650); // 25.65 exactly
    expect(carryMilli(8555, 2, 0.3, 2)).toBe(25_670); // 25.665 → 25.67
    expect(carryMilli(8555, 2, 0.3, 1)).toBe(25_700); // 25.665 → 25.7
  });
});

describe('teamStandings', () => {
  it('sums the best 3 of each team exactly, ranks like contestants and lists short teams unranked', () => {
    const rows = rankRows([
      row('1', 90.5, { org: '美团' }),
      row('2', 88.25, { org: '饿了么' }),
      row('3', 87, { org: '美团' }),
      row('4', 86.75, { org: '饿了么' }),
      row('5', 80.1, { org: '美团' }),
      row('6', 79.2, { org: '饿了么' }),
      row('7', 70, { org: '美团' }),
      row('8', 99, { org: '闪送' }),
      row('9', 60, { org: '' }),
      row('10', 95, { org: '饿了么', status: 'disqualified' }),
    ]);
    const teams = teamStandings(rows, 3, 2);
    expect(teams.map((t) => `${t.rank ?? '-'} ${t.team} ${t.total}`)).toEqual([
      '1 美团 257.60', // 90.50 + 87.00 + 80.10 (70.00 not counted)
      '2 饿了么 254.20', // 88.25 + 86.75 + 79.20 (the disqualified member never counts)
      '- 闪送 99.00',
    ]);
    expect(teams[0]!.members.map((m) => m.counted)).toEqual([true, true, true, false]);
  });

  it('a tie on the team score goes to the team with the better best member, then shares', () => {
    const rows = rankRows([
      row('1', 90, { org: 'A' }),
      row('2', 80, { org: 'B' }),
      row('3', 70, { org: 'A' }),
      row('4', 80, { org: 'B' }),
      row('5', 85, { org: 'C' }),
      row('6', 75, { org: 'C' }),
      row('7', 80, { org: 'D' }),
      row('8', 80, { org: 'D' }),
    ]);
    expect(teamStandings(rows, 2, 2).map((t) => `${t.rank} ${t.team} ${t.total}`)).toEqual([
      '1 A 160.00', // best member 90
      '2 C 160.00', // best member 85
      '3 B 160.00', // 80 + 80 …
      '3 D 160.00', // … exactly like D: a shared rank
    ]);
  });
});
