import type { Lang } from './i18n.ts';

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** "HH:MM:SS" of a wall-clock instant in the competition's time zone (not the projector's). */
export function clockTime(ms: number, timeZone: string, lang: Lang): string {
  const key = `${lang}|${timeZone}`;
  let f = timeFormats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      // An unknown zone must not blank the board: fall back to the projector's own zone.
      f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
        timeStyle: 'medium',
        hourCycle: 'h23',
      });
    }
    timeFormats.set(key, f);
  }
  return f.format(ms);
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
