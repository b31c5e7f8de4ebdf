import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../plugins/seed.ts';
import { parseScheme } from '../protocol/scheme.ts';
import { indexScheme } from './scheme-index.ts';
import { aggregateJudgements, scoreContestant, scoreSheet, type CurrentMark } from './scoring.ts';
import { rat, roundToUnits, div } from './rational.ts';
import type { SheetValues } from './values.ts';
import { parseSheetValues } from './values.ts';

const fixture = readFixture();
const index = indexScheme(fixture.scheme);
const sheet = (id: string) => index.sheets.get(id)!;
const mark = (judgeId: number, values: SheetValues, seq = judgeId): CurrentMark => ({
  seq,
  judgeId,
  values,
});
const points = (m: CurrentMark[], id: string) =>
  roundToUnits(div(scoreSheet(sheet(id), m).milli, rat(1000)), 2);

describe('the default scheme', () => {
  it('is valid and has the stations of SPEC.md', () => {
    expect(parseScheme(fixture.scheme).ok).toBe(true);
    expect([...index.stations.keys()]).toEqual([
      'theory-exam',
      'cleaning',
      'order-acceptance',
      'packaging',
      'route-planning',
      'riding',
      'communication',
      'emergency',
    ]);
    expect(index.stations.get('riding')!.sheetIds).toEqual([
      's-bend',
      'bridge',
      'traffic-lights',
      'smoothness',
    ]);
  });

  it('rejects a broken scheme with the JSON path of each problem', () => {
    const broken = structuredClone(fixture.scheme) as unknown as {
      modules: { weight: number; stations: { id: string; points: number }[] }[];
    };
    broken.modules[0]!.weight = 40;
    broken.modules[1]!.stations[1]!.id = 'cleaning';
    const r = parseScheme(broken);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContain('modules: 模块权重合计 110，应为 100');
      expect(
        r.errors.some((e) => e.startsWith('modules.1.stations.1.id: 标识 "cleaning" 重复')),
      ).toBe(true);
    }
  });
});

describe('measurement criteria', () => {
  it('deducts counted faults down to the floor', () => {
    expect(
      points([mark(1, { 's-bend-faults': { 'cone-touched': 1, 'line-pressed': 1 } })], 's-bend'),
    ).toBe(700);
    expect(
      points([mark(1, { 's-bend-faults': { 'cone-knocked': 3, 'both-feet': 2 } })], 's-bend'),
    ).toBe(0);
    expect(points([mark(1, { 's-bend-faults': {} })], 's-bend')).toBe(1200);
  });

  it('zeroes the sub-station on a veto (fell off the bridge), not the whole station', () => {
    const fell = scoreContestant(
      index,
      new Map([
        ['bridge', [mark(1, { 'bridge-faults': {}, 'bridge-fell': true })]],
        ['s-bend', [mark(2, { 's-bend-faults': {} })]],
      ]),
      new Set(),
    );
    expect(fell.stations.riding!.units).toBe(1200);
    expect(fell.stations.riding!.vetoed).toBe(true);
  });

  it('sums pass/fail checks', () => {
    const v = {
      'cleaning-hands': true,
      'cleaning-box': false,
      'cleaning-mask': true,
      'cleaning-uniform': true,
    };
    expect(points([mark(1, v)], 'cleaning')).toBe(700);
  });

  it('scores an unmarked sheet 0 and calls it empty', () => {
    const s = scoreSheet(sheet('s-bend'), []);
    expect(s.status).toBe('empty');
    expect(s.milli).toEqual(rat(0));
  });

  it('never raises a score when a fault is added (property)', () => {
    const faults = sheet('s-bend').criteria[0]!;
    if (faults.kind !== 'faults') throw new Error('fixture changed');
    const counts = fc.dictionary(
      fc.constantFrom(...faults.faults.map((f) => f.id)),
      fc.integer({ min: 0, max: 5 }),
    );
    fc.assert(
      fc.property(counts, fc.constantFrom(...faults.faults.map((f) => f.id)), (c, extra) => {
        const before = points([mark(1, { 's-bend-faults': c })], 's-bend');
        const after = points(
          [mark(1, { 's-bend-faults': { ...c, [extra]: (c[extra] ?? 0) + 1 } })],
          's-bend',
        );
        expect(after).toBeLessThanOrEqual(before);
      }),
    );
  });
});

describe('judgement criteria', () => {
  it('scores points × mean / 3 exactly and rounds once (2, 2, 3 → 7.78 of 10)', () => {
    const panel = [2000, 2000, 3000].map((v, i) => mark(i + 1, { 'packaging-quality': v }));
    const s = scoreSheet(sheet('packaging'), panel);
    expect(s.milli).toEqual(rat(70_000, 9));
    expect(points(panel, 'packaging')).toBe(778);
    expect(s.status).toBe('scored');
  });

  it('flags a spread beyond tolerance and marks a short panel partial', () => {
    expect(
      scoreSheet(
        sheet('packaging'),
        [0, 3000, 2000].map((v, i) => mark(i + 1, { 'packaging-quality': v })),
      ).status,
    ).toBe('flagged');
    const two = scoreSheet(
      sheet('packaging'),
      [2000, 3000].map((v, i) => mark(i + 1, { 'packaging-quality': v })),
    );
    expect(two.status).toBe('partial');
    expect(two.milli).toEqual(rat(25_000, 3)); // documented rule: mean of the marks present
  });

  it('aggregates by mean, median, trimmed mean and two-closest', () => {
    expect(aggregateJudgements([8100, 8200, 8700], { rule: 'mean' })).toEqual(rat(25_000, 3));
    expect(aggregateJudgements([7000, 9000, 8000, 1000], { rule: 'median' })).toEqual(rat(7500));
    expect(
      aggregateJudgements([1000, 8000, 8500, 9000, 10_000], { rule: 'trimmed-mean', trim: 1 }),
    ).toEqual(rat(8500));
    expect(aggregateJudgements([6000, 8000, 8500], { rule: 'two-closest' })).toEqual(rat(8250));
    expect(aggregateJudgements([], { rule: 'mean' })).toBeNull();
  });

  it('does not depend on the order marks arrive in (property)', () => {
    const values = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(values, (vs) => {
        const panel = vs.map((v, i) => mark(i + 1, { 'packaging-quality': v * 1000 }));
        expect(scoreSheet(sheet('packaging'), [...panel].reverse()).milli).toEqual(
          scoreSheet(sheet('packaging'), panel).milli,
        );
      }),
    );
  });
});

describe('totals', () => {
  it('publishes modules as the sum of their published stations and the total from the weights', () => {
    const marks = new Map<string, CurrentMark[]>([
      ['theory-exam', [mark(1, { 'theory-score': 85_500 })]],
      ['packaging', [2000, 2000, 3000].map((v, i) => mark(i + 2, { 'packaging-quality': v }))],
      [
        'communication',
        [3000, 3000, 2000].map((v, i) => mark(i + 2, { 'communication-quality': v })),
      ],
    ]);
    const s = scoreContestant(index, marks, new Set());
    expect(s.stations.packaging!.units).toBe(778);
    expect(s.stations.communication!.units).toBe(889);
    expect(s.modules.practical).toBe(1667);
    expect(s.modules.theory).toBe(8550);
    // 0.3 × 85.50 + 0.7 × 16.67 = 25.65 + 11.669 = 37.319 → 37.32
    expect(s.total).toBe(3732);
    expect(s.provisional).toBe(true);
  });
});

describe('parseSheetValues', () => {
  it('accepts what a judge types and rejects what is off the scale or step', () => {
    expect(parseSheetValues(sheet('theory-exam'), { 'theory-score': '８５，５' })).toEqual({
      ok: true,
      values: { 'theory-score': 85_500 },
    });
    expect(parseSheetValues(sheet('theory-exam'), { 'theory-score': '85.25' })).toMatchObject({
      ok: false,
      error: 'mark/off_step',
    });
    expect(parseSheetValues(sheet('theory-exam'), { 'theory-score': '101' })).toMatchObject({
      ok: false,
      error: 'mark/off_scale',
    });
    expect(parseSheetValues(sheet('theory-exam'), { 'theory-score': '' })).toMatchObject({
      ok: false,
      error: 'mark/empty',
    });
    expect(parseSheetValues(sheet('bridge'), { 'bridge-faults': {} })).toMatchObject({
      ok: false,
      error: 'mark/missing_value',
    });
    expect(
      parseSheetValues(sheet('bridge'), {
        'bridge-faults': { 'cone-knocked': 1 },
        'bridge-fell': false,
      }),
    ).toMatchObject({
      ok: false,
      error: 'mark/unknown_criterion',
    });
    expect(
      parseSheetValues(sheet('bridge'), {
        'bridge-faults': { 'foot-down': 1.5 },
        'bridge-fell': false,
      }),
    ).toMatchObject({
      ok: false,
      error: 'mark/off_scale',
    });
    expect(
      parseSheetValues(sheet('bridge'), { 'bridge-faults': {}, 'bridge-fell': false, extra: 1 }),
    ).toMatchObject({
      ok: false,
      error: 'mark/unknown_criterion',
    });
  });
});
