/**
 * Every word the board shows, in Chinese (default) and English (`?lang=en`). Labels that come
 * from the marking scheme (modules, stations, sheets) are `{zh, en}` pairs picked by {@link pick}.
 */

export type Lang = 'zh' | 'en';

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
  live: string;
  connecting: string;
  /** The socket is not open: `lastUpdate` is when the board was last known to be current. */
  reconnecting: (lastUpdate: string | null) => string;
  withdrawn: string;
  disqualified: string;
  page: (page: number, of: number) => string;
  /** "12号" / "#12" */
  bibOf: (bib: string) => string;
  latest: string;
  tickerEmpty: string;
  legend: { empty: string; partial: string; scored: string; flagged: string; locked: string };
  notFound: (slug: string) => string;
  loading: string;
}

const zh: Dict = {
  brand: '匠星',
  rank: '名次',
  bib: '号码',
  name: '姓名',
  organisation: '单位',
  progress: '各站进度',
  total: '总分',
  provisional: '暂定成绩',
  provisionalAlt: 'PROVISIONAL',
  official: '正式成绩',
  officialAlt: 'OFFICIAL',
  frozen: '已封榜',
  live: '实时',
  connecting: '连接中…',
  reconnecting: (t) => (t ? `重连中… 最后更新 ${t}` : '重连中…'),
  withdrawn: '退赛',
  disqualified: '取消资格',
  page: (p, of) => `第 ${p}/${of} 页`,
  bibOf: (bib) => `${bib}号`,
  latest: '最新评分',
  tickerEmpty: '等待新的评分…',
  legend: { empty: '未评', partial: '评分中', scored: '已评', flagged: '待复核', locked: '已锁定' },
  notFound: (slug) => `找不到比赛「${slug}」`,
  loading: '正在载入成绩…',
};

const en: Dict = {
  brand: 'Jiangxing',
  rank: 'Rank',
  bib: 'Bib',
  name: 'Name',
  organisation: 'Organisation',
  progress: 'Stations',
  total: 'Total',
  provisional: 'PROVISIONAL',
  provisionalAlt: '暂定成绩',
  official: 'OFFICIAL',
  officialAlt: '正式成绩',
  frozen: 'FROZEN',
  live: 'LIVE',
  connecting: 'Connecting…',
  reconnecting: (t) => (t ? `Reconnecting… last update ${t}` : 'Reconnecting…'),
  withdrawn: 'Withdrawn',
  disqualified: 'Disqualified',
  page: (p, of) => `Page ${p}/${of}`,
  bibOf: (bib) => `#${bib}`,
  latest: 'Latest',
  tickerEmpty: 'Waiting for new marks…',
  legend: {
    empty: 'Not yet',
    partial: 'In progress',
    scored: 'Scored',
    flagged: 'Under review',
    locked: 'Locked',
  },
  notFound: (slug) => `No competition “${slug}”`,
  loading: 'Loading the standings…',
};

export const DICTS: Record<Lang, Dict> = { zh, en };

/** The label of a scheme item in the board's language. */
export function pick(label: { zh: string; en: string }, lang: Lang): string {
  return label[lang];
}
