import type { Advancement, Carry } from '../protocol/scheme.ts';
import { formatMilli, formatScaled, toMilli } from '../protocol/decimal.ts';
import { add, mul, rat, roundToUnits, ZERO, type RoundingMode } from './rational.ts';
import { rankRows, takesPart, type StandingRow } from './standings.ts';

/** One round's published total of a contestant, as a part of a running total or a carry. */
export interface RoundPart {
  /** Units of 10^-decimals points (a StandingRow's totalUnits, or its own round total). */
  totalUnits: number;
  decimals: number;
  /** Scheme number (≤ 3 decimals): 1, 0.3 … */
  weight: number;
}

/**
 * A running total (版本 2: cuts and carries over named rounds): Σ part × weight, exact, rounded
 * once to `toDecimals` in `mode` (the receiving scheme's rounding mode).
 * @returns milli-points, a whole number of 10^-toDecimals units.
 */
export function runningTotalMilli(
  parts: readonly RoundPart[],
  toDecimals: number,
  mode: RoundingMode = 'half-up',
): number {
  let exact = ZERO;
  for (const p of parts)
    exact = add(exact, mul(rat(p.totalUnits, 10 ** p.decimals), rat(toMilli(p.weight), 1000)));
  return roundToUnits(exact, toDecimals, mode) * 10 ** (3 - toDecimals);
}

/**
 * Carry-over of one contestant into the next round (带分晋级): the previous round's published
 * total × `weight`, rounded once to the next scheme's decimals (half-up unless the next
 * scheme declares truncation).
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
  mode: RoundingMode = 'half-up',
): number {
  return runningTotalMilli([{ totalUnits, decimals: fromDecimals, weight }], toDecimals, mode);
}

/**
 * A carry's weight as headings show it ("带入×0.3"): its weight; with named rounds their
 * weights, once when all are equal ("1"), else joined by "+" ("0.5+1").
 */
export function carryWeightText(carry: Carry): string {
  if ('weight' in carry) return formatMilli(toMilli(carry.weight));
  const weights = [...new Set(carry.rounds.map((r) => formatMilli(toMilli(r.weight))))];
  return weights.join('+');
}

/**
 * The standings re-ranked on a running total (advancement `on`, scheme version 2): each row's
 * `total`/`totalUnits` become its running total (units of this scheme's decimals; a row
 * without one counts 0), then ranks follow from it and this round's tie-break chain.
 * @param running contestant id → running total in units of 10^-decimals points.
 */
export function rankOnRunningTotal(
  ranked: readonly StandingRow[],
  running: ReadonlyMap<number, number>,
  decimals: number,
): StandingRow[] {
  return rankRows(
    ranked.map((r) => {
      const units = running.get(r.contestantId) ?? 0;
      return { ...r, total: formatScaled(units, decimals), totalUnits: units, rank: null };
    }),
  );
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
 * With `on` (version 2) the caller ranks the rows on the running total first
 * ({@link rankOnRunningTotal}); the rule then applies to that total.
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
