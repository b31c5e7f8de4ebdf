/**
 * Pins the short-panel rule of docs/scheme.md ("Aggregate rules"): a line marked by fewer
 * judges than its panel applies the station's rule to the marks present — a trimmed mean trims
 * them when enough remain, a panel too small to trim keeps every mark present — and stays
 * partial. Through the engine's public functions only.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregateJudgements,
  formatScaled,
  indexScheme,
  keptJudgements,
  rat,
  scoreContestant,
  type CurrentMark,
} from '#engine';
import { MarkingScheme, type AggregateRule } from '../protocol/scheme.ts';

/** A 0–10 (step 0.5) judgement worth 10 points: its published score is the kept marks' mean. */
const judged = (id: string, judges: number, aggregate: AggregateRule) => ({
  id,
  label: { zh: id, en: id },
  points: 10,
  judges,
  criteria: [
    {
      kind: 'judgement' as const,
      id: `${id}-q`,
      label: { zh: id, en: id },
      points: 10,
      scale: { min: 0, max: 10, step: 0.5 },
      aggregate,
      tolerance: 10,
    },
  ],
});

const index = indexScheme(
  MarkingScheme.parse({
    schemaVersion: 1,
    id: 'short-panels',
    label: { zh: '缺评', en: 'Short panels' },
    modules: [
      {
        id: 'm',
        label: { zh: '模块', en: 'Module' },
        weight: 100,
        points: 40,
        stations: [
          judged('trim', 4, { rule: 'trimmed-mean', trim: 1 }),
          judged('median', 3, { rule: 'median' }),
          judged('closest', 3, { rule: 'two-closest' }),
          judged('plain', 3, { rule: 'mean' }),
        ],
      },
    ],
  }),
);

/** The station's published score and status when these judges (points) marked it. */
function station(id: string, points: number[]) {
  const marks: CurrentMark[] = points.map((p, i) => ({
    seq: i + 1,
    judgeId: i + 1,
    values: { [`${id}-q`]: p * 1000 },
  }));
  const s = scoreContestant(index, new Map([[id, marks]]), new Set([id])).stations[id]!;
  return { score: formatScaled(s.units, 2), status: s.status };
}

describe('a short panel (fewer marks than judges) applies its rule to the marks present', () => {
  it('trims 7, 8, 10 on a 4-judge trim-1 panel to 8.00, not their mean 8.33', () => {
    expect(station('trim', [7, 8, 10])).toEqual({ score: '8.00', status: 'partial' });
    expect(keptJudgements([10_000, 7000, 8000], { rule: 'trimmed-mean', trim: 1 })).toEqual([8000]);
    // The full panel, for comparison: 7, 8, 9, 10 → drop 7 and 10 → 8.50, scored.
    expect(station('trim', [7, 8, 9, 10])).toEqual({ score: '8.50', status: 'scored' });
  });

  it('keeps both marks of a trim-1 panel when only two are in: too few to trim', () => {
    expect(station('trim', [8, 10])).toEqual({ score: '9.00', status: 'partial' });
    expect(station('trim', [6.5])).toEqual({ score: '6.50', status: 'partial' });
    expect(aggregateJudgements([8000, 10_000], { rule: 'trimmed-mean', trim: 1 })).toEqual(
      rat(9000),
    );
  });

  it('takes the median of two marks as the mean of both', () => {
    expect(station('median', [7, 8.5])).toEqual({ score: '7.75', status: 'partial' });
    expect(keptJudgements([8500, 7000], { rule: 'median' })).toEqual([7000, 8500]);
  });

  it('averages two marks of a two-closest panel: the closest pair needs three', () => {
    expect(station('closest', [6, 9])).toEqual({ score: '7.50', status: 'partial' });
    expect(keptJudgements([9000, 6000], { rule: 'two-closest' })).toEqual([6000, 9000]);
    // Three marks: the closest pair, 8 and 8.5 → 8.25.
    expect(station('closest', [6, 8, 8.5])).toEqual({ score: '8.25', status: 'scored' });
  });

  it('averages the marks present on a mean panel (2 of 3: 7 and 8 → 7.50)', () => {
    expect(station('plain', [7, 8])).toEqual({ score: '7.50', status: 'partial' });
  });
});
