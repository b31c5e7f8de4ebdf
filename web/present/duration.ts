/**
 * How long something took, in words: the one duration format of every page and printed sheet.
 * Exact to the millisecond the value holds (a recorded time is evidence in a dispute: the
 * tablet's summary, the console's review and the printed score sheet say the same text), with
 * trailing zeros dropped: 52_500 → "52.5秒", 65_360 → "1分05.36秒" / "1 min 05.36 s".
 *
 * A running stopwatch's face (`mm:ss.t`, judge-tablet/stopwatch.svelte.ts) is an instrument,
 * not a recorded duration, and keeps its own form.
 */

import type { Lang } from '../i18n.ts';

/** Whole milliseconds as seconds with up to three decimals, zeros dropped: 5_360 → "5.36", 60_000 → "60". */
export function secondsText(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = String(ms - whole * 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/**
 * A duration in ms (a non-negative integer, as a time criterion stores it) in words:
 * 52_500 → "52.5秒" / "52.5 s", 65_342 → "1分05.342秒" / "1 min 05.342 s", 120_000 → "2分00秒".
 */
export function durationText(ms: number, lang: Lang): string {
  const min = Math.floor(ms / 60_000);
  let sec = secondsText(ms - min * 60_000);
  if (min && /^\d(\.|$)/.test(sec)) sec = `0${sec}`;
  if (lang === 'en') return min ? `${min} min ${sec} s` : `${sec} s`;
  return min ? `${min}分${sec}秒` : `${sec}秒`;
}
