/**
 * Exact non-float rationals for the few places a mean or a factor divides (a mean of three
 * judges is not a finite decimal). Numerator and denominator are safe integers; every result
 * is reduced, and an overflow past 2^53 throws, because a silently wrong score is worse than
 * a crash in a test.
 */
export interface Rational {
  readonly n: number;
  /** Always > 0. */
  readonly d: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

function checked(x: number): number {
  if (!Number.isSafeInteger(x)) throw new RangeError(`rational overflow: ${x}`);
  return x;
}

/** Builds n/d reduced; throws on d = 0 or a non-integer part. */
export function rat(n: number, d = 1): Rational {
  if (d === 0) throw new RangeError('rational with zero denominator');
  checked(n);
  checked(d);
  if (d < 0) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { n: n / g || 0, d: d / g };
}

export const ZERO = rat(0);

/** a + b. */
export function add(a: Rational, b: Rational): Rational {
  const g = gcd(a.d, b.d);
  return rat(checked(a.n * (b.d / g) + b.n * (a.d / g)), checked((a.d / g) * b.d));
}

/** a − b. */
export function sub(a: Rational, b: Rational): Rational {
  return add(a, { n: -b.n, d: b.d });
}

/** a × b. */
export function mul(a: Rational, b: Rational): Rational {
  const g1 = gcd(a.n, b.d);
  const g2 = gcd(b.n, a.d);
  return rat(checked((a.n / g1) * (b.n / g2)), checked((a.d / g2) * (b.d / g1)));
}

/** a ÷ b; throws when b is zero. */
export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0) throw new RangeError('division by zero');
  return mul(a, rat(b.d, b.n));
}

/** Sign of a − b: −1, 0 or 1. */
export function cmp(a: Rational, b: Rational): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function max(a: Rational, b: Rational): Rational {
  return cmp(a, b) >= 0 ? a : b;
}

export function min(a: Rational, b: Rational): Rational {
  return cmp(a, b) <= 0 ? a : b;
}

/** Σ of the values, exactly. */
export function sum(values: readonly Rational[]): Rational {
  return values.reduce(add, ZERO);
}

/** How a value is brought to a whole number of published units (scheme `rounding.mode`). */
export type RoundingMode = 'half-up' | 'truncate';

/**
 * Rounds `x × 10^decimals` to an integer, half away from zero ("四舍五入", the rounding Chinese
 * score sheets use; for non-negative scores this is half-up): 80.335 at 2 decimals → 8034.
 * `truncate` drops the extra digits toward zero instead (80.339 → 8033), as rules that cut
 * decimals say (scheme version 2 `rounding.mode`).
 */
export function roundToUnits(
  x: Rational,
  decimals: number,
  mode: RoundingMode = 'half-up',
): number {
  const scale = 10 ** decimals;
  const num = checked(Math.abs(x.n) * scale);
  const q = mode === 'truncate' ? Math.floor(num / x.d) : Math.floor((2 * num + x.d) / (2 * x.d));
  return x.n < 0 ? -q : q;
}
