import type { Lang } from './i18n.ts';

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "HH:MM:SS" (or "HH:MM" without `seconds`) of a wall-clock instant in the competition's time
 * zone, not the projector's.
 */
export function clockTime(ms: number, timeZone: string, lang: Lang, seconds = true): string {
  const key = `${lang}|${timeZone}|${seconds}`;
  let f = timeFormats.get(key);
  if (!f) {
    const locale = lang === 'en' ? 'en-GB' : 'zh-CN';
    const fields: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      second: seconds ? '2-digit' : undefined,
      hourCycle: 'h23',
    };
    try {
      f = new Intl.DateTimeFormat(locale, { timeZone, ...fields });
    } catch {
      // An unknown zone must not blank the board: fall back to the projector's own zone.
      f = new Intl.DateTimeFormat(locale, fields);
    }
    timeFormats.set(key, f);
  }
  return f.format(ms);
}

/** "HH:MM" of an ISO instant in the competition's time zone; null when absent or unreadable. */
export function isoClock(iso: string | null, timeZone: string, lang: Lang): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? clockTime(ms, timeZone, lang, false) : null;
}

/** A calendar date `YYYY-MM-DD` as people read it: "2024年10月26日" / "26 October 2024". */
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
