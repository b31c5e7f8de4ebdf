import type { Advancement } from '../protocol/scheme.ts';
import { toMilli } from './decimal.ts';
import { mul, rat, roundToUnits } from './rational.ts';
import { takesPart, type StandingRow } from './standings.ts';

/**
 * Carry-over of one contestant into the next round (带分晋级): the previous round's published
 * total × `weight`, rounded half-up once to the next scheme's decimals.
 * @param totalUnits previous total in units of 10^-fromDecimals points (a StandingRow's totalUnits).
 * @param weight the next scheme's `carry.weight` (≤ 3 decimals), e.g. 1 or 0.3.
 * @returns milli-points, a whole number of 10^-toDecimals units (ContestantInfo.carriedMilli).
 * Exact: 85.67 × 0.3 = 25.701 → 25.70 at two decimals; weight 1 carries the total unchanged
 * whenever the next scheme has at least as many decimals.
 */
export function carryMilli(
  totalUnits: number,
  fromDecimals: number,
  weight: number,
  toDecimals: number,
): number {
  const exact = mul(rat(totalUnits, 10 ** fromDecimals), rat(toMilli(weight), 1000));
  return roundToUnits(exact, toDecimals) * 10 ** (3 - toDecimals);
}

/** Who goes on, and how the cut fell. */
export interface AdvancementResult {
  /** The advancing rows, in standings order. */
  advanced: StandingRow[];
  /** Rows tied with the last advancing row on the published total but not advancing. */
  outAtCut: StandingRow[];
  /** Rows advancing only because of a tie at the cut (all-advance), beyond `count`. */
  extraAtCut: number;
}

/**
 * Applies a round's advancement rule to its ranked standings (only ranked, i.e. active,
 * contestants with at least one mark can advance: a no-show tied at 0.00 never goes on). Source: the scheme's `advancement` (protocol/scheme.ts):
 * - `top`, `all-advance`: everyone whose published total is at least the `count`-th ranked
 *   row's total; a tie at the cut takes all of them;
 * - `top`, `tie-break`: ranks 1…count after the tie-break chain, so the chain decides the cut
 *   (a tie it cannot split shares the rank and goes on together: the only fair reading);
 * - `threshold`: every total ≥ `min` points.
 * @param ranked rows in standings order with ranks (engine rankRows / computeStandings).
 * @param decimals the scheme's decimals, to read `min`.
 */
export function advancers(
  ranked: readonly StandingRow[],
  rule: Advancement,
  decimals: number,
): AdvancementResult {
  const field = ranked.filter(takesPart);
  let advanced: StandingRow[];
  let extraAtCut = 0;
  if (rule.by === 'threshold') {
    const min = toMilli(rule.min) / 10 ** (3 - decimals);
    advanced = field.filter((r) => r.totalUnits >= min);
  } else if (field.length <= rule.count) {
    advanced = field;
  } else if (rule.ties === 'tie-break') {
    advanced = field.filter((r) => r.rank! <= rule.count);
    extraAtCut = advanced.length - rule.count;
  } else {
    const cut = field[rule.count - 1]!.totalUnits;
    advanced = field.filter((r) => r.totalUnits >= cut);
    extraAtCut = advanced.length - rule.count;
  }
  const last = advanced.at(-1);
  const taken = new Set(advanced.map((r) => r.contestantId));
  const outAtCut = last
    ? field.filter((r) => !taken.has(r.contestantId) && r.totalUnits === last.totalUnits)
    : [];
  return { advanced, outAtCut, extraAtCut };
}
