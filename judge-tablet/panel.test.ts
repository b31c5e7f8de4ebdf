import { describe, expect, it } from 'vitest';
import { div, formatScaled, indexScheme, rat, roundToUnits, scoreSheet, type Sheet } from '#engine';
import { readFixture } from '../server/plugins/seed.ts';
import {
  isJudgementOnly,
  isMeasurement,
  isRecorderOf,
  judgementsOf,
  withMeasurements,
} from './panel.ts';

/** One line's sheet score, two decimals, as the tablet previews it. */
const score = (s: Sheet, values: Parameters<typeof scoreSheet>[1][number]['values']) =>
  formatScaled(
    roundToUnits(div(scoreSheet(s, [{ seq: 1, judgeId: 1, values }]).milli, rat(1000)), 2),
    2,
  );

const index = indexScheme(readFixture().scheme);
const sheet = (id: string) => index.sheets.get(id)!;

/** The emergency panel of the default contest with a missed-steps count, as owners.test.ts. */
const emergency: Sheet = {
  ...sheet('emergency'),
  judges: 3,
  criteria: [
    { ...sheet('emergency').criteria[0]!, points: 10 } as Sheet['criteria'][number],
    {
      id: 'emergency-steps',
      kind: 'faults',
      label: { zh: '漏做步骤', en: 'Missed steps' },
      points: 5,
      floor: 0,
      faults: [
        {
          id: 'missed-step',
          label: { zh: '漏做一步', en: 'Missed a step' },
          deduction: 1,
          penaltyMs: 0,
        },
      ],
    } as Sheet['criteria'][number],
  ],
};

describe('who sends what on a panel', () => {
  it('a judgement is no measurement; faults, checks, times are', () => {
    expect(emergency.criteria.map(isMeasurement)).toEqual([false, true]);
  });

  it('only a panel judge who does not record its measurements sends judgements only', () => {
    expect(isJudgementOnly(emergency, [])).toBe(true);
    expect(isJudgementOnly(emergency, ['emergency'])).toBe(false);
    expect(isRecorderOf(emergency, ['emergency'])).toBe(true);
    expect(isRecorderOf(emergency, [])).toBe(false);
    // A panel of judgements only: no recorder, everyone sends the whole sheet.
    expect(isJudgementOnly(sheet('communication'), [])).toBe(false);
    // A sheet one judge fills carries everything, measurements included.
    expect(isJudgementOnly({ ...emergency, judges: 1 }, [])).toBe(false);
    expect(isRecorderOf({ ...emergency, judges: 1 }, ['emergency'])).toBe(false);
  });

  it('scores a judgement-only line with the recorder’s measurements', () => {
    const own = { 'emergency-handling': 2000 };
    const recorded = { 'emergency-steps': { 'missed-step': 2 } };
    const merged = withMeasurements(emergency, own, recorded);
    expect(merged).toEqual({ ...own, ...recorded });
    // 2 / 3 × 10 = 6.67, + 5 − 2 missed steps.
    expect(score(emergency, merged)).toBe('9.67');
    // Nothing recorded yet: no fault counted (what the engine reads from an empty count).
    expect(withMeasurements(emergency, own, null)).toEqual({ ...own, 'emergency-steps': {} });
    // The recorder's values never carry a judgement into this judge's line.
    expect(withMeasurements(emergency, {}, { ...recorded, 'emergency-handling': 3000 })).toEqual(
      recorded,
    );
  });

  it('keeps only the judgements of what a judge typed', () => {
    expect(
      judgementsOf(emergency, {
        'emergency-handling': '2',
        'emergency-steps': { 'missed-step': 1 },
      }),
    ).toEqual({ 'emergency-handling': '2' });
  });
});
