import { describe, expect, it } from 'vitest';
import { formatMilli, formatScaled, parseMilli, parseOnScale } from './decimal.ts';

const scale010 = { min: 0, max: 10_000, step: 100 }; // 0–10 step 0.1

describe('parseMilli', () => {
  it.each([
    ['8.5', 8500],
    ['1,25', 1250],
    ['９．５', 9500],
    ['8。5', 8500],
    ['  7 ', 7000],
    ['.5', 500],
    ['10.', 10_000],
    ['0.300', 300],
    ['－2', -2000],
  ])('reads %j as %d milli-points', (input, milli) => {
    expect(parseMilli(input)).toEqual({ ok: true, milli });
  });

  it.each([
    ['', 'input/empty'],
    ['   ', 'input/empty'],
    ['NaN', 'input/not_a_number'],
    ['1e3', 'input/not_a_number'],
    ['8.5.1', 'input/not_a_number'],
    ['abc', 'input/not_a_number'],
    ['1.2345', 'input/too_precise'],
    ['12345678901', 'input/too_large'],
  ])('rejects %j with %s', (input, error) => {
    const r = parseMilli(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBe(error);
      expect(r.message.length).toBeGreaterThan(2);
    }
  });

  it('reads JSON numbers by their shortest decimal form, not their binary value', () => {
    expect(parseMilli(8.15)).toEqual({ ok: true, milli: 8150 });
    expect(parseMilli(0.1 + 0.2).ok).toBe(false); // 0.30000000000000004 is not what anyone typed
    expect(parseMilli(Number.NaN).ok).toBe(false);
  });
});

describe('parseOnScale (steps checked in integers)', () => {
  it.each(['0.3', '8.3', '9.9', '10.0', '0'])('accepts %s on 0–10 step 0.1', (v) => {
    expect(parseOnScale(v, scale010).ok).toBe(true);
  });
  it.each([
    ['10.05', 'input/off_scale'],
    ['10.1', 'input/off_scale'],
    ['-0.1', 'input/off_scale'],
    ['8.25', 'input/off_step'],
  ])('rejects %s (%s)', (v, error) => {
    expect(parseOnScale(v, scale010)).toMatchObject({ ok: false, error });
  });
  it('rejects 10.05 on a 0.05 grid only for being off the scale', () => {
    const r = parseOnScale('10.05', { min: 0, max: 10_000, step: 50 });
    expect(r).toMatchObject({ ok: false, error: 'input/off_scale' });
    expect(parseOnScale('8.15', { min: 0, max: 10_000, step: 50 })).toEqual({
      ok: true,
      milli: 8150,
    });
  });
});

describe('formatting', () => {
  it('formats milli-points and published units exactly', () => {
    expect(formatMilli(8500)).toBe('8.5');
    expect(formatMilli(10_000)).toBe('10');
    expect(formatMilli(-2000)).toBe('-2');
    expect(formatScaled(8033, 2)).toBe('80.33');
    expect(formatScaled(7, 2)).toBe('0.07');
    expect(formatScaled(0, 2)).toBe('0.00');
    expect(formatScaled(-5, 2)).toBe('-0.05');
    expect(formatScaled(42, 0)).toBe('42');
  });
});
