import {
  div,
  formatScaled,
  rat,
  roundToUnits,
  scoreSheet,
  type RoundingMode,
  type Sheet,
  type SheetValues,
} from '#engine';

/**
 * One judge's sheet score from parsed values (milli-points, the engine's `SheetValues`), as the
 * server computes it (the engine's `scoreSheet`: a version 1 sheet cut at its points, a version
 * 2 sheet never cut, its floor as declared), published in the scheme's `decimals` and rounding
 * `mode` (half-up unless a version 2 scheme says truncate; docs/scheme.md): "8.00", "152".
 */
export function sheetScoreText(
  sheet: Sheet,
  values: SheetValues,
  decimals: number,
  mode: RoundingMode = 'half-up',
): string {
  const score = scoreSheet(sheet, [{ seq: 1, judgeId: 0, values }]);
  return formatScaled(roundToUnits(div(score.milli, rat(1000)), decimals, mode), decimals);
}
