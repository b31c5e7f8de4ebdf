import type { Lang } from '../i18n.ts';

/**
 * Status words, said the same on the board, in the console and on the printed pages and
 * exports: a contestant's standing in the field, a result's state and a station line's
 * progress. The rule that picks a standings row's status is here too ({@link standingStatus}).
 */

/** A contestant's standing in the field (server/protocol/fixture.ts `ContestantStatus`). */
export type ContestantStatus = 'active' | 'withdrawn' | 'disqualified';

/** Words of a contestant who no longer competes; an active one needs none. */
export const CONTESTANT_STATUS_WORDS: Readonly<
  Record<Lang, Record<Exclude<ContestantStatus, 'active'>, string>>
> = {
  zh: { withdrawn: '退赛', disqualified: '取消资格' },
  en: { withdrawn: 'Withdrawn', disqualified: 'Disqualified' },
};

/**
 * A result's state (SPEC: "a station is provisional until the head judge locks it; a total is
 * provisional until every station is locked"), and the competition's once it is published.
 */
export type ResultState = 'provisional' | 'official';

/** The state as a word in a table cell or sentence: 暂定 / 正式. */
export const RESULT_STATE_WORDS: Readonly<Record<Lang, Record<ResultState, string>>> = {
  zh: { provisional: '暂定', official: '正式' },
  en: { provisional: 'Provisional', official: 'Official' },
};

/**
 * The state as a badge or stamp (the board's header, the printed results' stamp): 暂定成绩 /
 * 正式成绩, PROVISIONAL / OFFICIAL (capitals, read from across a hall).
 */
export function resultBadge(state: ResultState, lang: Lang): string {
  const word = RESULT_STATE_WORDS[lang][state];
  return lang === 'en' ? word.toUpperCase() : `${word}成绩`;
}

/** A station line's progress (server/protocol `LineStatus`), and a station the head judge locked. */
export type LineStatus = 'empty' | 'partial' | 'scored' | 'flagged';

/** Words of a line's progress: the board's legend, the console's progress grid, the marks export. */
export const LINE_STATUS_WORDS: Readonly<Record<Lang, Record<LineStatus, string>>> = {
  zh: { empty: '未评', partial: '评分中', scored: '已评', flagged: '待复核' },
  en: { empty: 'Not started', partial: 'In progress', scored: 'Scored', flagged: 'Under review' },
};

/** The word of a station the head judge locked (signed off), beside the line words. */
export const LOCKED_WORDS: Readonly<Record<Lang, string>> = { zh: '已锁定', en: 'Locked' };

/**
 * What a standings row's status column says: a contestant who no longer competes is withdrawn
 * or disqualified whatever the score; otherwise the row's result is provisional or official.
 */
export function standingStatus(row: {
  status: ContestantStatus;
  provisional: boolean;
}): Exclude<ContestantStatus, 'active'> | ResultState {
  if (row.status !== 'active') return row.status;
  return row.provisional ? 'provisional' : 'official';
}

/** {@link standingStatus} in words: 退赛, 取消资格, 暂定, 正式 (Withdrawn … Official). */
export function standingStatusWord(
  row: { status: ContestantStatus; provisional: boolean },
  lang: Lang,
): string {
  const status = standingStatus(row);
  return status === 'provisional' || status === 'official'
    ? RESULT_STATE_WORDS[lang][status]
    : CONTESTANT_STATUS_WORDS[lang][status];
}

/** What the rules below read of a standings row: each station line's status. */
export interface RowLines {
  stations: Readonly<Record<string, { status: LineStatus }>>;
}

/** True once any station of the row holds a mark. */
export function hasStarted(row: RowLines): boolean {
  for (const s of Object.values(row.stations)) if (s.status !== 'empty') return true;
  return false;
}

/**
 * Ids of the modules in which the row holds at least one mark. A module without one shows no
 * number — a dash on the board, an empty cell in the exports — never a misleading 0.
 */
export function startedModules(
  stations: readonly { id: string; moduleId: string }[],
  row: RowLines,
): Set<string> {
  const ids = new Set<string>();
  for (const s of stations)
    if ((row.stations[s.id]?.status ?? 'empty') !== 'empty') ids.add(s.moduleId);
  return ids;
}
