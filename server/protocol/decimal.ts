/**
 * Exact decimal handling for judge input and scheme numbers.
 *
 * Every point value inside the engine is an integer number of **milli-points** (1/1000 point)
 * or an exact {@link Rational}; no score is ever a summed JavaScript float. Input strings are
 * parsed digit by digit, never through `parseFloat`.
 */

/** Integer thousandths of a point: the engine's fixed unit. */
export const MILLI = 1000;

export type DecimalError =
  | 'input/empty'
  | 'input/not_a_number'
  | 'input/too_precise'
  | 'input/too_large'
  | 'input/off_scale'
  | 'input/off_step';

export type DecimalResult =
  { ok: true; milli: number } | { ok: false; error: DecimalError; message: string };

const FULL_WIDTH_OFFSET = 0xff10 - 0x30;

/**
 * Normalises what a judge may type on a Chinese keyboard to ASCII: full-width digits `０-９`,
 * full-width minus/plus, the full-width full stop `．`, the ideographic full stop `。` and the
 * decimal comma `,` / `，` all become their ASCII meaning. Surrounding white space is dropped.
 */
export function normaliseNumeric(text: string): string {
  let out = '';
  for (const ch of text.trim()) {
    const code = ch.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - FULL_WIDTH_OFFSET);
    else if (ch === '．' || ch === '。' || ch === ',' || ch === '，') out += '.';
    else if (ch === '－' || ch === '−') out += '-';
    else if (ch === '＋') out += '+';
    else out += ch;
  }
  return out;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$|^([+-]?)\.(\d+)$/;

/**
 * Parses a decimal written by a person (or a JSON number) into integer milli-points.
 *
 * Accepts `8.5`, `8,5`, `８．５`, `8。5`, `.5`, `10.` and numbers. Rejects empty input, `NaN`,
 * exponents, more than three decimals (finer than the engine's unit) and values beyond ±10⁹.
 * @returns `{ ok: true, milli }` or a named error with a message a judge can act on (Chinese).
 */
export function parseMilli(input: string | number): DecimalResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail('input/not_a_number', '不是有效数字');
    // String(x) is the shortest representation that round-trips, so 8.15 → "8.15" exactly.
    input = String(input);
    if (/e/i.test(input)) return fail('input/too_precise', '数值超出可录入的精度');
  }
  const text = normaliseNumeric(input);
  if (text === '') return fail('input/empty', '请输入分数');
  const m = DECIMAL.exec(text);
  if (!m) return fail('input/not_a_number', `“${input}” 不是有效数字`);
  const sign = (m[1] ?? m[4]) === '-' ? -1 : 1;
  const whole = m[2] ?? '0';
  const frac = m[3] ?? m[5] ?? '';
  const trimmedFrac = frac.replace(/0+$/, '');
  if (trimmedFrac.length > 3)
    return fail('input/too_precise', `“${input}” 小数位过多（最多 3 位）`);
  if (whole.replace(/^0+/, '').length > 9) return fail('input/too_large', `“${input}” 数值过大`);
  const milli = Number(whole) * MILLI + Number(trimmedFrac.padEnd(3, '0'));
  return { ok: true, milli: sign * milli === 0 ? 0 : sign * milli };
}

/** A closed scale with a step, all in milli-points (e.g. 0–10 step 0.1 → 0, 10000, 100). */
export interface MilliScale {
  min: number;
  max: number;
  step: number;
}

/**
 * Parses judge input against a scale: the value must lie in [min, max] and on the step grid
 * counted from min. The step check is done on integers (`(v - min) % step === 0`), never on
 * floats, so 8.3 on a 0.1 grid is accepted and 10.05 is rejected.
 */
export function parseOnScale(input: string | number, scale: MilliScale): DecimalResult {
  const r = parseMilli(input);
  if (!r.ok) return r;
  if (r.milli < scale.min || r.milli > scale.max)
    return fail(
      'input/off_scale',
      `${formatMilli(r.milli)} 超出范围 ${formatMilli(scale.min)}–${formatMilli(scale.max)}`,
    );
  if ((r.milli - scale.min) % scale.step !== 0)
    return fail('input/off_step', `${formatMilli(r.milli)} 不符合步长 ${formatMilli(scale.step)}`);
  return r;
}

const milliCache = new Map<number, number>();

/**
 * Converts a scheme number (JSON) to milli-points, throwing on anything not exact: a bug in a
 * validated scheme. Memoised: a scheme holds a few dozen distinct numbers, and scoring asks for
 * them on every mark.
 */
export function toMilli(x: number): number {
  const hit = milliCache.get(x);
  if (hit !== undefined) return hit;
  const r = parseMilli(x);
  if (!r.ok) throw new RangeError(`not an exact milli-point value: ${x}`);
  if (milliCache.size < 10_000) milliCache.set(x, r.milli);
  return r.milli;
}

/** Formats milli-points as the shortest exact decimal: 8500 → "8.5", 10000 → "10". */
export function formatMilli(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / MILLI);
  const frac = String(abs % MILLI)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${sign}${whole}.${frac}` : `${sign}${whole}`;
}

/**
 * Formats an integer count of 10^-decimals units with exactly `decimals` places:
 * (8033, 2) → "80.33", (7, 2) → "0.07", (-5, 2) → "-0.05".
 */
export function formatScaled(units: number, decimals: number): string {
  // Scores repeat endlessly (0.00, 10.00, 7.78 …): remember the common ones.
  const key = units * 4 + decimals;
  const hit = scaledCache.get(key);
  if (hit !== undefined) return hit;
  const text = formatScaledUncached(units, decimals);
  if (scaledCache.size < 200_000) scaledCache.set(key, text);
  return text;
}

const scaledCache = new Map<number, string>();

function formatScaledUncached(units: number, decimals: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  if (decimals === 0) return `${sign}${abs}`;
  const s = String(abs).padStart(decimals + 1, '0');
  return `${sign}${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

function fail(error: DecimalError, message: string): DecimalResult {
  return { ok: false, error, message };
}
