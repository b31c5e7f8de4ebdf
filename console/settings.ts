import type { CompetitionSummary, SettingsPatch } from '#protocol';

/**
 * The competition settings form (`PATCH /api/competitions/:slug`): what the organiser typed,
 * checked here the way the server checks it, and reduced to the fields that changed.
 */

/** The form's fields, as typed. */
export interface SettingsForm {
  titleZh: string;
  titleEn: string;
  venue: string;
  /** YYYY-MM-DD (what `<input type="date">` gives). */
  date: string;
  /** An IANA time zone ("Asia/Shanghai"). */
  timeZone: string;
  locale: 'zh-CN' | 'en';
}

/** Why the form cannot be sent, by field. */
export type SettingsProblem = 'title' | 'date' | 'timeZone' | 'venue';

/** Longest venue the server accepts, characters. */
export const VENUE_MAX = 120;
/** Longest title (each language) the server accepts, characters. */
export const TITLE_MAX = 200;

/** The form filled in from the competition as it is now. */
export function formOf(c: CompetitionSummary): SettingsForm {
  return {
    titleZh: c.title.zh,
    titleEn: c.title.en,
    venue: c.venue,
    date: c.date,
    timeZone: c.timeZone,
    locale: c.locale,
  };
}

/** True for a time zone this browser knows (the server asks the same of Node's Intl). */
export function isTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** What is wrong with the form (trimmed values), in field order; [] when it can be sent. */
export function settingsProblems(f: SettingsForm): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  const zh = f.titleZh.trim();
  const en = f.titleEn.trim();
  if (!zh || !en || [...zh].length > TITLE_MAX || [...en].length > TITLE_MAX) out.push('title');
  if ([...f.venue.trim()].length > VENUE_MAX) out.push('venue');
  if (!isIsoDate(f.date.trim())) out.push('date');
  if (!isTimeZone(f.timeZone.trim())) out.push('timeZone');
  return out;
}

/**
 * The fields of `f` that differ from `c`, trimmed; an empty object when nothing changed. The
 * title goes as a pair (the server replaces both languages at once).
 */
export function settingsPatch(f: SettingsForm, c: CompetitionSummary): SettingsPatch {
  const out: SettingsPatch = {};
  const zh = f.titleZh.trim();
  const en = f.titleEn.trim();
  if (zh !== c.title.zh || en !== c.title.en) out.title = { zh, en };
  if (f.venue.trim() !== c.venue) out.venue = f.venue.trim();
  if (f.date.trim() !== c.date) out.date = f.date.trim();
  if (f.timeZone.trim() !== c.timeZone) out.timeZone = f.timeZone.trim();
  if (f.locale !== c.locale) out.locale = f.locale;
  return out;
}
