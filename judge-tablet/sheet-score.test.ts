import { describe, expect, it } from 'vitest';
import { indexScheme } from '#engine';
import { parseScheme, type MarkingSchemeInput } from '#protocol';
import { sheetScoreText } from './sheet-score.ts';

const L = (zh: string) => ({ zh, en: zh });

/** A one-judge style sheet: a mean judgement 0–10 by hundredths worth `points` 5. */
const style = (
  version: 1 | 2,
  extra: Partial<MarkingSchemeInput> = {},
  pointsAre?: 'maximum' | 'nominal',
): MarkingSchemeInput => ({
  schemaVersion: version,
  id: 'style',
  label: L('风格'),
  decimals: 1,
  ...(version === 2 ? { basis: 'points' as const } : {}),
  ...extra,
  modules: [
    {
      id: 'm',
      label: L('风格'),
      ...(version === 1 ? { weight: 100 } : {}),
      points: 5,
      stations: [
        {
          id: 'style',
          label: L('风格'),
          points: 5,
          judges: 1,
          ...(pointsAre ? { pointsAre } : {}),
          criteria: [
            {
              kind: 'judgement',
              id: 'impression',
              label: L('印象'),
              points: 5,
              scale: { min: 0, max: 10, step: 0.01 },
              aggregate: { rule: 'mean' },
              tolerance: 10,
              result: 'mean',
            },
          ],
        },
      ],
    },
  ],
});

/** The tablet's preview of a 7.77 impression under `input`. */
function preview(input: MarkingSchemeInput): string {
  const parsed = parseScheme(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const sheet = indexScheme(parsed.scheme).sheets.get('style')!;
  const mode = parsed.scheme.rounding?.mode ?? 'half-up';
  return sheetScoreText(sheet, { impression: 7770 }, parsed.scheme.decimals, mode);
}

describe("the tablet's preview of a sheet score", () => {
  it('is cut at the points on a version 1 sheet, as the server scores it', () => {
    expect(preview(style(1))).toBe('5.0');
  });

  it('counts a nominal version 2 sheet in full, past its points', () => {
    expect(preview(style(2, {}, 'nominal'))).toBe('7.8');
  });

  it("rounds in the scheme's declared mode: truncation where the sport truncates", () => {
    expect(preview(style(2, { rounding: { mode: 'truncate' } }, 'nominal'))).toBe('7.7');
  });
});
