/**
 * Every word the board shows, in Chinese (default), English (`?lang=en`) or both
 * (`?lang=both`: Chinese first, English headings beside it), on the pages' one i18n mechanism
 * (web/i18n.ts: `parseLocale`, `textLang`, `pick` for the scheme's `{zh, en}` labels).
 */
import type { Lang, Locale, Translation } from '../web/i18n.ts';
import {
  CONTESTANT_STATUS_WORDS,
  LINE_STATUS_WORDS,
  LOCKED_WORDS,
  resultBadge,
} from '../web/present/status.ts';

export type { Lang, Locale };

export interface Dict {
  /** Short name of the product, shown beside the title. */
  brand: string;
  rank: string;
  bib: string;
  name: string;
  organisation: string;
  progress: string;
  total: string;
  provisional: string;
  /** Second language on the provisional badge (the audience may include visitors). */
  provisionalAlt: string;
  official: string;
  officialAlt: string;
  frozen: string;
  /** Second language on the frozen badge. */
  frozenAlt: string;
  /** The one-line explanation under the frozen badge: "封榜时间 14:32 · 名次将在颁奖时揭晓". */
  frozenNote: (at: string) => string;
  live: string;
  /** The link is up but nothing is live (frozen, ceremony, final): not pretending to be live. */
  connected: string;
  connecting: string;
  /** The board stopped trying (its error says why). */
  notConnected: string;
  /** The socket is not open: `lastUpdate` is when the board was last known to be current. */
  reconnecting: (lastUpdate: string | null) => string;
  withdrawn: string;
  disqualified: string;
  page: (page: number, of: number) => string;
  /** "12号" / "#12" */
  bibOf: (bib: string) => string;
  latest: string;
  /** Ticker label while frozen: what was public when the board froze. */
  latestFrozen: string;
  tickerEmpty: string;
  legend: { empty: string; partial: string; scored: string; flagged: string; locked: string };
  notFound: (slug: string) => string;
  /** The server speaks another protocol version than this page was built for. */
  reload: string;
  loading: string;
  /** The award ceremony (reveal from last place up). */
  ceremony: string;
  ceremonyAlt: string;
  /** "已揭晓 12 / 35" */
  revealedOf: (k: number, n: number) => string;
  /** "第 12 名" */
  place: (n: number) => string;
  /** "第 4–23 名" */
  places: (from: number, to: number) => string;
  /** Before the first row is revealed. */
  ceremonySoon: string;
  /** Footer of the official standings. */
  officialNote: string;
  /** Caption beside the QR code. */
  scanToFollow: string;
  /** Shown to the operator when the QR code points at this machine only. */
  loopbackWarning: string;
  /** Phone: the row's breakdown. */
  stations: string;
  /** Phone: hint above the list. */
  tapHint: string;
  /** The phone's "more" button under its top rows: shown of total. */
  moreRows: (shown: number, total: number) => string;
  /** Phone: "满分 10" */
  outOf: (points: string) => string;
  /** Phone: the unrevealed places in one line. */
  pendingPlaces: (from: number, to: number) => string;
  close: string;
  /** Heading of the award chips (official results). */
  awards: string;
  /** Heading of this round's own total when a round carries an earlier one. */
  roundTotal: string;
  /** Heading of the carried points: "带入", or "带入×0.3" with a weight other than 1. */
  carried: (weight: string | null) => string;
  /** The rotation's next competition: "下一项：快递员 · 决赛". */
  next: (label: string) => string;
  festivalNotFound: (slug: string) => string;
  /** Phone: the list of competitions of a festival board. */
  competitions: string;
  /** A competition with nobody in it yet (a later round before advancement). */
  noContestants: string;
}

const zh: Dict = {
  brand: '匠星',
  rank: '名次',
  bib: '号码',
  name: '姓名',
  organisation: '单位',
  progress: '各站进度',
  total: '总分',
  provisional: resultBadge('provisional', 'zh'),
  provisionalAlt: resultBadge('provisional', 'en'),
  official: resultBadge('official', 'zh'),
  officialAlt: resultBadge('official', 'en'),
  frozen: '封榜',
  frozenAlt: 'FROZEN',
  frozenNote: (at) => `${at} 封榜 · 最终名次将在颁奖时揭晓`,
  live: '实时',
  connected: '已连接',
  connecting: '连接中…',
  notConnected: '未连接',
  reconnecting: (t) => (t ? `重连中… 最后更新 ${t}` : '重连中…'),
  ...CONTESTANT_STATUS_WORDS.zh,
  page: (p, of) => `第 ${p}/${of} 页`,
  bibOf: (bib) => `${bib}号`,
  latest: '最新评分',
  latestFrozen: '封榜前评分',
  tickerEmpty: '等待新的评分…',
  legend: { ...LINE_STATUS_WORDS.zh, locked: LOCKED_WORDS.zh },
  notFound: (slug) => `找不到比赛「${slug}」`,
  reload: '页面版本与服务器不一致，请刷新页面',
  loading: '正在载入成绩…',
  ceremony: '颁奖揭晓',
  ceremonyAlt: 'AWARDS',
  revealedOf: (k, n) => `已揭晓 ${k} / ${n}`,
  place: (n) => `第 ${n} 名`,
  places: (a, b) => (a === b ? `第 ${a} 名` : `第 ${a}–${b} 名`),
  ceremonySoon: '颁奖揭晓即将开始',
  officialNote: '成绩已正式公布',
  scanToFollow: '手机扫码看成绩',
  loopbackWarning: '本机地址，手机无法打开',
  stations: '各站得分',
  tapHint: '点选手查看各站得分',
  moreRows: (shown, total) => `显示更多（当前前 ${shown} 名，共 ${total} 人）`,
  outOf: (p) => `满分 ${p}`,
  pendingPlaces: (a, b) => (a === b ? `第 ${a} 名待揭晓` : `第 ${a}–${b} 名待揭晓`),
  close: '收起',
  awards: '奖项',
  roundTotal: '本轮',
  carried: (w) => (w ? `带入×${w}` : '带入'),
  next: (label) => `下一项：${label}`,
  festivalNotFound: (slug) => `找不到技能节「${slug}」`,
  competitions: '比赛项目',
  noContestants: '参赛选手待定',
};

const en: Translation<Dict> = {
  brand: 'Jiangxing',
  rank: 'Rank',
  bib: 'Bib',
  name: 'Name',
  organisation: 'Organisation',
  progress: 'Stations',
  total: 'Total',
  provisional: resultBadge('provisional', 'en'),
  provisionalAlt: resultBadge('provisional', 'zh'),
  official: resultBadge('official', 'en'),
  officialAlt: resultBadge('official', 'zh'),
  frozen: 'FROZEN',
  frozenAlt: '封榜',
  frozenNote: (at) => `Frozen at ${at} · final places revealed at the ceremony`,
  live: 'LIVE',
  connected: 'Connected',
  connecting: 'Connecting…',
  notConnected: 'Not connected',
  reconnecting: (t) => (t ? `Reconnecting… last update ${t}` : 'Reconnecting…'),
  ...CONTESTANT_STATUS_WORDS.en,
  page: (p, of) => `Page ${p}/${of}`,
  bibOf: (bib) => `#${bib}`,
  latest: 'Latest',
  latestFrozen: 'Before the freeze',
  tickerEmpty: 'Waiting for new marks…',
  legend: { ...LINE_STATUS_WORDS.en, locked: LOCKED_WORDS.en },
  notFound: (slug) => `No competition “${slug}”`,
  reload: 'This page does not match the server version: reload it',
  loading: 'Loading the standings…',
  ceremony: 'AWARDS',
  ceremonyAlt: '颁奖揭晓',
  revealedOf: (k, n) => `Revealed ${k} / ${n}`,
  place: (n) => `Place ${n}`,
  places: (a, b) => (a === b ? `Place ${a}` : `Places ${a}–${b}`),
  ceremonySoon: 'The awards are about to begin',
  officialNote: 'Results are official',
  scanToFollow: 'Follow on your phone',
  loopbackWarning: 'Local address: phones cannot open it',
  stations: 'Stations',
  tapHint: 'Tap a contestant for their stations',
  moreRows: (shown, total) => `Show more (top ${shown} of ${total})`,
  outOf: (p) => `of ${p}`,
  pendingPlaces: (a, b) =>
    a === b ? `Place ${a} to be revealed` : `Places ${a}–${b} to be revealed`,
  close: 'Close',
  awards: 'Awards',
  roundTotal: 'Round',
  carried: (w) => (w ? `Carried ×${w}` : 'Carried'),
  next: (label) => `Next: ${label}`,
  festivalNotFound: (slug) => `No festival “${slug}”`,
  competitions: 'Competitions',
  noContestants: 'Contestants to be announced',
};

export const DICTS: Record<Lang, Dict> = { zh, en };

/** The dictionary of the headings' second line: English on a bilingual board, else none. */
export function altDict(locale: Locale): Dict | null {
  return locale === 'both' ? en : null;
}
