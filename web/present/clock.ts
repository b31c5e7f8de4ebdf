/**
 * Times and dates as people at the venue read them: always the competition's wall clock, never
 * the time zone of the device showing them — a projector, a phone or a tablet set to another
 * zone says what the venue's clocks say. The same reading as engine/clock.ts `zonedTime` (the
 * printed pages and exports; clock.test.ts holds them equal), an unknown zone read as UTC as
 * there, with a plain memoised Intl formatter: the judge tablet's first load carries this, and
 * zonedTime's offset parsing is not needed for a time of day.
 */

import type { Lang } from '../i18n.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

/** `HH:MM:SS` (24 h) in `timeZone`, or in UTC when the zone is unknown. */
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    const fields = {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    } as const;
    try {
      f = new Intl.DateTimeFormat('en-GB', { ...fields, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { ...fields, timeZone: 'UTC' });
    }
    if (formats.size < 100) formats.set(timeZone, f);
  }
  return f;
}

/**
 * `HH:MM:SS` (or `HH:MM` with `seconds: false`) of an instant on the competition's clock.
 * @param instant an ISO 8601 instant (`2024-10-26T06:32:10.000Z`), epoch ms, or a Date.
 * @returns null when there is no instant or it cannot be read.
 */
export function wallTime(
  instant: string | number | Date | null | undefined,
  timeZone: string,
  opts: { seconds?: boolean } = {},
): string | null {
  if (instant === null || instant === undefined || instant === '') return null;
  const d = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(d.getTime())) return null;
  const time = formatOf(timeZone).format(d);
  return opts.seconds === false ? time.slice(0, 5) : time;
}

/** A calendar date `YYYY-MM-DD` as people read it: "2024年10月26日" / "26 October 2024"; as given when not a date. */
export function calendarDate(date: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(d);
}
