/**
 * Every word the console shows: Chinese by default, English with `?lang=en`, on the pages' one
 * i18n mechanism (web/i18n.ts). The words are kept by what they belong to, in `i18n/`: each
 * file declares its Chinese words and the English ones typed `Translation<typeof zh>`, so the
 * compiler demands exactly the same keys; this file joins them into one dictionary per
 * language. Labels that come from the marking scheme (stations) are `{zh, en}` pairs picked by
 * `pick`. Messages the server writes (`{error, message}` bodies) are Chinese only and are
 * shown as sent.
 */
import type { Lang } from '../web/i18n.ts';
import * as common from './i18n/common.ts';
import * as course from './i18n/course.ts';
import * as festival from './i18n/festival.ts';
import * as files from './i18n/files.ts';
import * as progress from './i18n/progress.ts';
import * as results from './i18n/results.ts';

export type { Lang };
export { parseLang, pick } from '../web/i18n.ts';

export type Role = 'organiser' | 'head-judge';
export type Route =
  'festival' | 'progress' | 'review' | 'course' | 'judges' | 'import' | 'export' | 'settings';
export type CellStatus = 'empty' | 'partial' | 'scored' | 'flagged';
export type CourseStep = 'draft' | 'live' | 'frozen' | 'ceremony' | 'final';
export type MarkState = 'current' | 'superseded' | 'voided' | 'void' | 'rerun';

const zh = {
  ...common.zh,
  ...progress.zh,
  ...course.zh,
  ...files.zh,
  ...festival.zh,
  ...results.zh,
};

/** The console's words in one language. */
export type Dict = typeof zh;

const en: Dict = {
  ...common.en,
  ...progress.en,
  ...course.en,
  ...files.en,
  ...festival.en,
  ...results.en,
};

export const DICTS: Record<Lang, Dict> = { zh, en };
