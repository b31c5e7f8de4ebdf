import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeFestival } from '../../fixtures/festival-2025/make-festival.ts';
import { arbitraryValues } from '../../fixtures/marks-arbitrary.ts';
import { L, measured, shooting, weightlifting } from '../../fixtures/schemes-v2.ts';
import { readFixture } from '../plugins/seed.ts';
import { parseScheme, type MarkingScheme, type MarkingSchemeInput } from '../protocol/scheme.ts';
import { applyEntry, emptyBook } from './log.ts';
import { carryMilli, carryWeightText, rankOnRunningTotal, runningTotalMilli } from './rounds.ts';
import { indexScheme, type Sheet } from './scheme-index.ts';
import { scoreContestant, type CurrentMark } from './scoring.ts';
import { computeStandings, type ContestantInfo, type StandingRow } from './standings.ts';
import type { SheetValues } from './values.ts';

/**
 * Scheme version 2 (issue 19, "Totals the sport defines"): a declared basis, sheets whose
 * points are a maximum or nominal with a declared floor, declared rounding, running totals for
 * cuts and carries, and version 1 scoring exactly as before.
 */

const RUNS = Number(process.env.PROPS_RUNS ?? 60);

function parsed(input: unknown): MarkingScheme {
  const r = parseScheme(input);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.scheme;
}
function errorsOf(input: unknown): string[] {
  const r = parseScheme(input);
  return r.ok ? [] : r.errors;
}

let seq = 0;
const mark = (values: SheetValues, attempt = 1, judgeId = 1): CurrentMark => ({
  seq: ++seq,
  judgeId,
  values,
  attempt,
});
const score = (scheme: MarkingScheme, marks: [string, CurrentMark[]][]) =>
  scoreContestant(indexScheme(scheme), new Map(marks), new Set());

describe('1. a declared basis', () => {
  it('weightlifting on the points basis: the total is the plain sum of the best lifts (125 + 152 = 277 kg)', () => {
    const s = parsed(weightlifting());
    const r = score(s, [
      [
        'snatch',
        [
          mark({ 'snatch-kg': 120_000 }, 1),
          mark({ 'snatch-kg': 125_000 }, 2),
          mark({ 'snatch-kg': 0 }, 3),
        ],
      ],
      [
        'clean-jerk',
        [
          mark({ 'clean-jerk-kg': 150_000 }, 1),
          mark({ 'clean-jerk-kg': 152_000 }, 2),
          mark({ 'clean-jerk-kg': 0 }, 3),
        ],
      ],
    ]);
    expect(r.stations.snatch!.units).toBe(125);
    expect(r.stations['clean-jerk']!.units).toBe(152);
    expect(r.total).toBe(277);
  });

  it('shooting on the points basis: 60 shots of 10.4 make 624.0, above any 100-point total', () => {
    const s = parsed(shooting());
    const marks: [string, CurrentMark[]][] = Array.from({ length: 6 }, (_, i) => [
      `series-${i + 1}`,
      [
        mark(
          Object.fromEntries(
            Array.from({ length: 10 }, (_, k) => [`s${i + 1}-shot-${k + 1}`, 10_400]),
          ),
        ),
      ],
    ]);
    const r = score(s, marks);
    expect(r.stations['series-1']!.units).toBe(1040);
    expect(r.total).toBe(6240);
  });

  it('refuses module weights on the points basis, and a missing weight on the weighted basis', () => {
    const withWeight = weightlifting();
    (withWeight.modules[0] as { weight?: number }).weight = 100;
    expect(errorsOf(withWeight)).toEqual([
      'modules.0.weight: 按分数合计（basis: points）时总分是各模块得分之和，模块不能有权重：删除 weight，或改用 basis: weighted',
    ]);
    expect(errorsOf(weightlifting({ basis: 'weighted' }))).toEqual([
      'modules.0.weight: 按权重合计时每个模块须写 weight（整数百分比，合计 100）',
      'modules: 模块权重合计 0，应为 100',
    ]);
  });

  it('refuses version 2 fields in a version 1 scheme instead of ignoring them', () => {
    const v1 = structuredClone(readFixture().scheme) as Record<string, unknown>;
    expect(errorsOf({ ...v1, basis: 'weighted' })).toEqual([
      'basis: basis 是第 2 版评分标准的字段：请写 "schemaVersion": 2',
    ]);
  });
});

/** Diving-like: five judges 0–10 by halves, trimmed to three, summed × degree of difficulty. */
const diving = (version: 1 | 2, pointsAre?: 'maximum' | 'nominal'): MarkingSchemeInput => ({
  schemaVersion: version,
  id: 'diving',
  label: L('跳水', 'Diving'),
  ...(version === 2 ? { basis: 'points' as const } : {}),
  modules: [
    {
      id: 'dives',
      label: L('跳水'),
      ...(version === 1 ? { weight: 100 } : {}),
      points: 30,
      stations: [
        {
          id: 'dive-1',
          label: L('第一跳'),
          points: 30,
          judges: 5,
          ...(pointsAre ? { pointsAre } : {}),
          criteria: [
            {
              kind: 'difficulty',
              id: 'dd',
              label: L('难度系数'),
              scale: { min: 1.2, max: 3.6, step: 0.1 },
            },
            {
              kind: 'judgement',
              id: 'execution',
              label: L('完成'),
              points: 30,
              scale: { min: 0, max: 10, step: 0.5 },
              aggregate: { rule: 'trimmed-mean', trim: 1 },
              tolerance: 10,
              result: 'sum',
              difficultyFrom: 'dd',
            },
          ],
        },
      ],
    },
  ],
});
const dive = [8, 8.5, 9, 8, 7].map((x, i) =>
  mark({ execution: x * 1000, ...(i === 4 ? { dd: 3000 } : {}) }, 1, i + 1),
);

describe('2. open-ended sheets, never cut', () => {
  it('a maximum that a mean/sum judgement can pass is refused when the scheme is loaded', () => {
    expect(errorsOf(diving(2))).toEqual([
      'modules.0.stations.0.points: 本评分表最高可得 108 分（评价项的平均或合计 × 系数 × 难度），超过声明的上限 30 分：改大 points，或声明 "pointsAre": "nominal"（名义分，不截断）',
    ]);
  });

  it('a nominal sheet counts in full: 24.5 × 3.0 = 73.50, where version 1 cut it to 30.00', () => {
    expect(score(parsed(diving(2, 'nominal')), [['dive-1', dive]]).stations['dive-1']!.units).toBe(
      7350,
    );
    expect(score(parsed(diving(1)), [['dive-1', dive]]).stations['dive-1']!.units).toBe(3000);
  });

  it('attempts summed past a maximum are refused; nominal sums them', () => {
    const summed = weightlifting();
    for (const st of summed.modules[0]!.stations) st.attempts = { count: 3, rule: 'sum' };
    expect(errorsOf(summed)[0]).toBe(
      'modules.0.stations.0.pointsAre: 本站 3 次试跳按 sum 相加，最高可得 900 分，超过声明的 300 分：声明 "pointsAre": "nominal"（名义分，不截断），或改 points',
    );
    for (const st of summed.modules[0]!.stations) st.pointsAre = 'nominal';
    const r = score(parsed(summed), [
      [
        'snatch',
        [
          mark({ 'snatch-kg': 120_000 }, 1),
          mark({ 'snatch-kg': 125_000 }, 2),
          mark({ 'snatch-kg': 130_000 }, 3),
        ],
      ],
    ]);
    expect(r.total).toBe(375);
  });

  const penalty = (floorAtZero?: boolean): MarkingSchemeInput => ({
    schemaVersion: 2,
    id: 'penalty',
    label: L('罚分'),
    basis: 'points',
    modules: [
      {
        id: 'm',
        label: L('m'),
        points: 10,
        stations: [
          {
            id: 'task',
            label: L('任务'),
            points: 10,
            ...(floorAtZero === undefined ? {} : { floorAtZero }),
            criteria: [
              { kind: 'check', id: 'done', label: L('完成'), points: 10 },
              {
                kind: 'faults',
                id: 'late',
                label: L('超时'),
                points: 0,
                floor: -20,
                faults: [{ id: 'minute', label: L('每超一分钟'), deduction: 5 }],
              },
            ],
          },
        ],
      },
    ],
  });

  it('the floor at 0 is the sheet’s: by default a penalty stops at 0, with floorAtZero: false it goes below', () => {
    const late = [mark({ done: false, late: { minute: 2 } })];
    expect(score(parsed(penalty()), [['task', late]]).total).toBe(0);
    expect(score(parsed(penalty(false)), [['task', late]]).total).toBe(-1000);
    expect(
      score(parsed(penalty(false)), [['task', [mark({ done: true, late: { minute: 1 } })]]]).total,
    ).toBe(500);
    const v1 = { ...penalty(), schemaVersion: 1 as const, basis: undefined };
    (v1.modules[0] as { weight?: number }).weight = 100;
    expect(errorsOf(v1)).toEqual([
      'modules.0.stations.0.criteria.1.floor: 负的保底分是第 2 版评分标准的规则：请写 "schemaVersion": 2',
    ]);
  });
});

/** Three stations, each a one-judge mean on 0–10 by 0.001 (values like 1/3 come from a panel). */
const thirds = (
  rounding?: MarkingSchemeInput['rounding'],
  attempts = false,
): MarkingSchemeInput => ({
  schemaVersion: 2,
  id: 'thirds',
  label: L('舍入'),
  basis: 'points',
  ...(rounding ? { rounding } : {}),
  modules: [
    {
      id: 'm',
      label: L('m'),
      points: 30,
      stations: ['a', 'b', 'c'].map((id) => ({
        id,
        label: L(id),
        points: 10,
        judges: 3,
        ...(attempts ? { attempts: { count: 2, rule: 'mean' as const } } : {}),
        criteria: [measured(`${id}-v`, 10, 0.001)],
      })),
    },
  ],
});
/** A panel of three giving 1, 0, 0: a mean of exactly 1/3 point. */
const third = (id: string, first = 1000, attempt = 1) => [
  mark({ [`${id}-v`]: first }, attempt, 1),
  mark({ [`${id}-v`]: 0 }, attempt, 2),
  mark({ [`${id}-v`]: 0 }, attempt, 3),
];
const allThirds = (first = 1000): [string, CurrentMark[]][] =>
  ['a', 'b', 'c'].map((id) => [id, third(id, first)]);

describe('3. declared rounding', () => {
  it('per station (the default): 0.33 × 3 = 0.99; only the total: 1.00', () => {
    const station = score(parsed(thirds()), allThirds());
    expect([station.stations.a!.units, station.modules.m, station.total]).toEqual([33, 99, 99]);
    const module = score(parsed(thirds({ stage: 'module', mode: 'half-up' })), allThirds());
    expect([module.stations.a!.units, module.modules.m, module.total]).toEqual([33, 100, 100]);
    const total = score(parsed(thirds({ stage: 'total', mode: 'half-up' })), allThirds());
    expect([total.stations.a!.units, total.modules.m, total.total]).toEqual([33, 100, 100]);
  });

  it('truncation where a sport truncates: 2/3 is 0.66, not 0.67; truncated per station 3 × 0.66 = 1.98, only the total 2.00', () => {
    const half = score(parsed(thirds()), allThirds(2000));
    expect(half.stations.a!.units).toBe(67);
    const cut = score(parsed(thirds({ stage: 'station', mode: 'truncate' })), allThirds(2000));
    expect([cut.stations.a!.units, cut.total]).toEqual([66, 198]);
    const cutTotal = score(parsed(thirds({ stage: 'total', mode: 'truncate' })), allThirds(2000));
    expect([cutTotal.stations.a!.units, cutTotal.total]).toEqual([66, 200]);
  });

  it('per attempt: runs of 1.005 and 1.004 round to 1.01 and 1.00 before their mean (1.01, not 1.00)', () => {
    const runs = (id: string): CurrentMark[] => [
      ...[3015, 0, 0].map((v, j) => mark({ [`${id}-v`]: v }, 1, j + 1)),
      ...[3012, 0, 0].map((v, j) => mark({ [`${id}-v`]: v }, 2, j + 1)),
    ];
    const perStation = score(parsed(thirds(undefined, true)), [['a', runs('a')]]);
    expect(perStation.stations.a!.units).toBe(100);
    const perAttempt = score(parsed(thirds({ stage: 'attempt', mode: 'half-up' }, true)), [
      ['a', runs('a')],
    ]);
    expect(perAttempt.stations.a!.units).toBe(101);
  });
});

describe('4. running totals (engine)', () => {
  const row = (id: number, units: number, keys: number[] = []): StandingRow => ({
    contestantId: id,
    bib: String(id),
    drawOrder: id,
    name: `选手${id}`,
    organisation: '',
    status: 'active',
    rank: null,
    total: (units / 100).toFixed(2),
    totalUnits: units,
    modules: {},
    stations: { s: { score: '1', status: 'scored', locked: true } },
    keys,
    provisional: false,
  });

  it('sums named rounds exactly and rounds once, in the receiving scheme’s mode', () => {
    const parts = [
      { totalUnits: 8567, decimals: 2, weight: 0.3 },
      { totalUnits: 45125, decimals: 3, weight: 1 },
    ];
    // 25.701 + 45.125 = 70.826
    expect(runningTotalMilli(parts, 2)).toBe(70_830);
    expect(runningTotalMilli(parts, 2, 'truncate')).toBe(70_820);
    expect(carryMilli(8567, 2, 0.3, 2)).toBe(25_700);
  });

  it('re-ranks the standings on the running total, then this round’s tie-break chain', () => {
    const ranked = rankOnRunningTotal(
      [row(1, 5000), row(2, 4500, [2]), row(3, 3000, [9])],
      new Map([
        [1, 10_000],
        [2, 11_500],
        [3, 11_500],
      ]),
      2,
    );
    expect(ranked.map((r) => `${r.rank} ${r.bib} ${r.total}`)).toEqual([
      '1 3 115.00',
      '2 2 115.00',
      '3 1 100.00',
    ]);
  });

  it('says a carry’s weights for headings', () => {
    expect(carryWeightText({ weight: 0.3 })).toBe('0.3');
    expect(carryWeightText({ rounds: [{ round: 'semi', weight: 1 }] })).toBe('1');
    expect(
      carryWeightText({
        rounds: [
          { round: 'prelim', weight: 0.5 },
          { round: 'semi', weight: 1 },
        ],
      }),
    ).toBe('0.5+1');
  });
});

/**
 * The same scheme as version 2 with `basis: weighted` and today's rounding written out: every
 * sheet's points become a checked maximum, so a scheme version 1 would cut is not convertible
 * (the property then only asks that version 2 refuses it).
 */
function asV2(scheme: MarkingScheme): { ok: true; scheme: MarkingScheme } | { ok: false } {
  const r = parseScheme({
    ...structuredClone(scheme),
    schemaVersion: 2,
    basis: 'weighted',
    rounding: { stage: 'station', mode: 'half-up' },
  });
  return r.ok ? r : { ok: false };
}

const arbValues = (sheet: Sheet) => arbitraryValues(sheet);

function arbLog(scheme: MarkingScheme, contestants: number) {
  const index = indexScheme(scheme);
  const sheets = [...index.sheets.values()];
  return fc.array(
    fc
      .record({
        contestant: fc.integer({ min: 1, max: contestants }),
        sheet: fc.integer({ min: 0, max: sheets.length - 1 }),
        judge: fc.integer({ min: 1, max: 5 }),
        attempt: fc.integer({ min: 1, max: 3 }),
      })
      .chain((m) => arbValues(sheets[m.sheet]!).map((values) => ({ ...m, values }))),
    { minLength: 1, maxLength: 80 },
  );
}

/** Version 1 schemes of the default contest, the festival fixture and the golden scenarios. */
const v1Schemes: [string, MarkingScheme][] = [
  ['gaoxin-2024', readFixture().scheme],
  ...makeFestival().competitions.map((c) => [c.competition.slug, c.scheme] as [string, unknown]),
].map(([name, s]) => [name as string, parsed(s)]);

describe('5. version 1 keeps working', () => {
  const people: ContestantInfo[] = Array.from({ length: 8 }, (_, i) => ({
    id: i + 1,
    bib: String(i + 1),
    drawOrder: i + 1,
    name: `选手${i + 1}`,
    organisation: i % 2 ? '甲' : '乙',
    status: i === 7 ? 'withdrawn' : 'active',
    carriedMilli: i === 2 ? 12_340 : null,
  }));

  it('every stored version 1 scheme parses to exactly what it is, byte for byte (nothing added)', () => {
    for (const [, s] of v1Schemes) expect(JSON.stringify(parsed(s))).toBe(JSON.stringify(s));
  });

  it.each(v1Schemes)(
    'property: %s written as version 2 (weighted, rounding per station half-up) scores exactly like version 1 for random logs',
    (_, v1) => {
      const v2 = asV2(v1);
      expect(v2.ok).toBe(true);
      if (!v2.ok) return;
      const i1 = indexScheme(v1);
      const i2 = indexScheme(v2.scheme);
      const locked = new Set([...i1.stations.keys()].filter((_, k) => k % 2 === 0));
      fc.assert(
        fc.property(arbLog(v1, people.length), (log) => {
          const book = emptyBook();
          log.forEach((m, k) =>
            applyEntry(book, {
              kind: 'mark',
              seq: k + 1,
              contestantId: m.contestant,
              sheetId: i1.sheets.get([...i1.sheets.keys()][m.sheet]!)!.id,
              judgeId: m.judge,
              attempt: m.attempt,
              values: m.values,
            }),
          );
          expect(JSON.stringify(computeStandings(i2, people, book, locked))).toBe(
            JSON.stringify(computeStandings(i1, people, book, locked)),
          );
        }),
        { numRuns: RUNS },
      );
    },
  );
});
