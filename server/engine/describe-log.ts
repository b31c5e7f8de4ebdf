import type { Criterion } from '../protocol/scheme.ts';
import { formatMilli } from '../protocol/decimal.ts';
import type { SchemeIndex, Sheet } from './scheme-index.ts';
// The one duration format of every page and printed sheet (pure, browser-safe).
import { durationText } from '../../web/present/duration.ts';

/**
 * The marks log and the course log in words, for the people who read them in a dispute: what
 * happened (mark, correction, void, re-run, lock, freeze …), where (station and sub-station
 * labels), and what was given (criterion labels with values in points, fault counts with their
 * labels, veto and check words, times as durations), in Chinese or English. Pure and
 * browser-safe: the exports use it, and pages can.
 *
 * Values are as stored (engine/values.ts): faults `{faultId: count}`, veto/check booleans,
 * time integer ms (null: not timed), judgement/difficulty/imported integer milli-points.
 */

export type LogLang = 'zh' | 'en';

/** One marks-log entry as the database holds it (db `marks` row; only these fields are read). */
export interface LogMarkEntry {
  id: number;
  kind: 'mark' | 'void' | 'rerun';
  /** The sheet of a mark, or of the mark a void drops; null for a re-run. */
  sheetId: string | null;
  /** The station of a re-run; null otherwise. */
  stationId: string | null;
  attempt: number;
  officialId: number;
  /** `SheetValues` as JSON; `{}` for a void or a re-run. */
  valuesJson: string;
  /** The judge's earlier mark on the line this one corrects. */
  supersedesId: number | null;
  /** The mark a void drops out. */
  targetMarkId: number | null;
}

/** What {@link describeMarkEntry} and {@link describeAction} need besides the entry. */
export interface DescribeContext {
  index: SchemeIndex;
  lang: LogLang;
  /** Places shown at least for points (the scheme's decimals): 2000 → "2.00"; more when exact needs them. */
  decimals: number;
  /** An earlier marks-log entry by id: what a correction replaced and what a void dropped. */
  entryById?: (id: number) => LogMarkEntry | undefined;
  /** An official by id in words, "J08 程玉兰". */
  official?: (id: number) => string;
}

/** An entry in words: the kind of entry, the place, and the content. */
export interface EntryWords {
  /** "评分" / "mark", "更正" / "correction", "撤销" / "void", "重赛" / "re-run", "锁定站点" / "lock station" … */
  action: string;
  /** "货物打包", "安全骑行·S弯道"; '' when the entry has no place. */
  place: string;
  /** "打包质量 2.00", "S弯道扣分：碰桩×1、压线×2", "全程用时 1分05.342秒" … */
  content: string;
}

const WORDS = {
  zh: {
    mark: '评分',
    correction: '更正',
    void: '撤销',
    rerun: '重赛',
    sep: '；',
    list: '、',
    place: '·',
    colon: '：',
    noFaults: '无扣分',
    times: (label: string, n: number) => `${label}×${n}`,
    vetoYes: '已发生',
    vetoNo: '未发生',
    checkYes: '通过',
    checkNo: '未通过',
    untimed: '未计时',
    none: '—',
    replaces: (what: string) => `更正前：${what}`,
    drops: (who: string, what: string) => (who ? `撤销 ${who} 的评分：${what}` : `撤销：${what}`),
    rerunOf: (n: number) => `第${n}次作废，准予重赛`,
    unknownEntry: (id: number) => `记录 #${id}`,
    bib: (b: string) => `${b}号`,
    count: (n: number) => `${n}人`,
    seed: (s: string) => `随机种子 ${s}`,
    to: (s: string) => `晋级至 ${s}`,
    from: (s: string) => `来自 ${s}`,
    roles: { judge: '裁判', 'head-judge': '裁判长', organiser: '组委会' } as Record<string, string>,
    nameDisplay: { full: '显示全名', masked: '隐去姓名' } as Record<string, string>,
    keys: {
      code: '编号',
      name: '姓名',
      role: '角色',
      sheets: '评分项目',
      title: '名称',
      venue: '地点',
      date: '日期',
      timeZone: '时区',
      locale: '语言',
      nameDisplay: '姓名显示',
    } as Record<string, string>,
  },
  en: {
    mark: 'mark',
    correction: 'correction',
    void: 'void',
    rerun: 're-run',
    sep: '; ',
    list: ', ',
    place: ' · ',
    colon: ': ',
    noFaults: 'no faults',
    times: (label: string, n: number) => `${label} ×${n}`,
    vetoYes: 'yes',
    vetoNo: 'no',
    checkYes: 'passed',
    checkNo: 'not passed',
    untimed: 'not timed',
    none: '—',
    replaces: (what: string) => `before: ${what}`,
    drops: (who: string, what: string) => (who ? `voids ${who}'s mark: ${what}` : `voids: ${what}`),
    rerunOf: (n: number) => `attempt ${n} voided, re-run granted`,
    unknownEntry: (id: number) => `entry #${id}`,
    bib: (b: string) => `no. ${b}`,
    count: (n: number) => `${n} contestants`,
    seed: (s: string) => `seed ${s}`,
    to: (s: string) => `advanced to ${s}`,
    from: (s: string) => `from ${s}`,
    roles: { judge: 'judge', 'head-judge': 'head judge', organiser: 'organiser' } as Record<
      string,
      string
    >,
    nameDisplay: { full: 'full names', masked: 'names masked' } as Record<string, string>,
    keys: {
      code: 'code',
      name: 'name',
      role: 'role',
      sheets: 'sheets',
      title: 'title',
      venue: 'venue',
      date: 'date',
      timeZone: 'time zone',
      locale: 'language',
      nameDisplay: 'name display',
    } as Record<string, string>,
  },
} as const;

/** Course and staff actions of the audit log in words; an action not listed shows as stored. */
const ACTIONS: Record<string, { zh: string; en: string }> = {
  'station.lock': { zh: '锁定站点', en: 'lock station' },
  'station.reopen': { zh: '重新开放站点', en: 'reopen station' },
  'competition.freeze': { zh: '封榜', en: 'freeze' },
  'competition.unfreeze': { zh: '解除封榜', en: 'unfreeze' },
  'competition.reveal': { zh: '揭晓一名', en: 'reveal one place' },
  'competition.publish': { zh: '公布正式成绩', en: 'publish official results' },
  'competition.settings': { zh: '修改显示设置', en: 'change display settings' },
  'competition.edit': { zh: '修改比赛信息', en: 'edit competition' },
  'official.create': { zh: '新增工作人员', en: 'add official' },
  'official.edit': { zh: '修改工作人员', en: 'edit official' },
  'official.revoke': { zh: '停用登录码', en: 'revoke login' },
  'official.rotate': { zh: '更换登录码', en: 'replace login' },
  'official.cards': { zh: '打印登录卡', en: 'print login cards' },
  'mark.rescore': { zh: '要求重新评分', en: 're-score requested' },
  'contestants.import': { zh: '导入选手名单', en: 'import contestants' },
  'contestants.draw': { zh: '抽签排序', en: 'draw running order' },
  'round.advance': { zh: '晋级下一轮', en: 'advance to next round' },
  'round.advanced_in': { zh: '晋级选手转入', en: 'advanced contestants in' },
};

/** A course or staff action in words: "锁定站点" / "lock station"; unknown ones as stored. */
export function actionWord(action: string, lang: LogLang): string {
  return ACTIONS[action]?.[lang] ?? action;
}

/**
 * Points in milli-points as an exact decimal with at least `decimals` places: (2000, 2) →
 * "2.00", (2125, 2) → "2.125" (never rounded: a log keeps what was given).
 */
export function pointsText(milli: number, decimals: number): string {
  const text = formatMilli(milli);
  const [whole, frac = ''] = text.split('.');
  return frac.length >= decimals ? text : `${whole}.${frac.padEnd(decimals, '0')}`;
}

/**
 * One criterion's value in words, without its label: "2.00", "碰桩×1、压线×2" / "无扣分",
 * "已发生" / "未发生" (veto), "通过" / "未通过" (check), "1分05.342秒" / "未计时" (time).
 * A value the criterion cannot hold shows as JSON.
 */
export function criterionValueText(
  c: Criterion,
  v: unknown,
  lang: LogLang,
  decimals: number,
): string {
  const w = WORDS[lang];
  switch (c.kind) {
    case 'faults': {
      if (typeof v !== 'object' || v === null) break;
      const counts = v as Record<string, unknown>;
      const known = new Set(c.faults.map((f) => f.id));
      const parts = [
        ...c.faults
          .filter((f) => typeof counts[f.id] === 'number' && (counts[f.id] as number) > 0)
          .map((f) => w.times(f.label[lang], counts[f.id] as number)),
        ...Object.entries(counts)
          .filter(([id]) => !known.has(id))
          .map(([id, n]) => `${id}×${JSON.stringify(n)}`),
      ];
      return parts.length ? parts.join(w.list) : w.noFaults;
    }
    case 'veto':
      if (typeof v === 'boolean') return v ? w.vetoYes : w.vetoNo;
      break;
    case 'check':
      if (typeof v === 'boolean') return v ? w.checkYes : w.checkNo;
      break;
    case 'time':
      if (v === null || v === undefined) return w.untimed;
      if (typeof v === 'number') return durationText(v, lang);
      break;
    default:
      if (typeof v === 'number') return pointsText(v, decimals);
      if (v === undefined || v === null) return w.none;
  }
  return JSON.stringify(v) ?? w.none;
}

/**
 * A sheet's values in words, criterion by criterion in the scheme's order, each with its
 * label: "打包质量 2.00", "S弯道扣分：碰桩×1；…", "洗手并消毒双手：通过；…". A key the sheet
 * does not hold (an old scheme) shows by its id, so nothing given is hidden.
 */
export function sheetValuesText(
  sheet: Sheet | undefined,
  values: Record<string, unknown>,
  lang: LogLang,
  decimals: number,
): string {
  const w = WORDS[lang];
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const c of sheet?.criteria ?? []) {
    if (!(c.id in values)) continue;
    seen.add(c.id);
    const text = criterionValueText(c, values[c.id], lang, decimals);
    // Faults, vetoes and checks read "label：words"; points and times "label value".
    const words = c.kind === 'faults' || c.kind === 'veto' || c.kind === 'check';
    parts.push(`${c.label[lang]}${words ? w.colon : ' '}${text}`);
  }
  for (const [id, v] of Object.entries(values))
    if (!seen.has(id)) parts.push(`${id} ${JSON.stringify(v)}`);
  return parts.join(w.sep);
}

/**
 * Where a sheet or station sits, in words: "货物打包" for a station scored on one sheet,
 * "安全骑行·S弯道" for a sub-station; the id itself when the scheme does not hold it.
 */
export function placeText(index: SchemeIndex, id: string | null, lang: LogLang): string {
  if (!id) return '';
  const sheet = index.sheets.get(id);
  if (sheet) {
    const station = index.stations.get(sheet.stationId)?.station;
    return sheet.isSubStation && station
      ? `${station.label[lang]}${WORDS[lang].place}${sheet.label[lang]}`
      : sheet.label[lang];
  }
  return index.stations.get(id)?.station.label[lang] ?? id;
}

/** The kind of a marks-log entry in words: mark, correction (a mark replacing one), void, re-run. */
export function markKindWord(
  e: Pick<LogMarkEntry, 'kind' | 'supersedesId'>,
  lang: LogLang,
): string {
  const w = WORDS[lang];
  if (e.kind === 'void') return w.void;
  if (e.kind === 'rerun') return w.rerun;
  return e.supersedesId != null ? w.correction : w.mark;
}

const parseValues = (json: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
};

/**
 * A marks-log entry in words. A mark gives its values; a correction its values and what it
 * replaced ("更正前：打包质量 1.00"); a void the judge and values of the mark it drops; a
 * re-run the attempt voided.
 */
export function describeMarkEntry(e: LogMarkEntry, ctx: DescribeContext): EntryWords {
  const { index, lang, decimals } = ctx;
  const w = WORDS[lang];
  const valuesOf = (x: LogMarkEntry) =>
    sheetValuesText(index.sheets.get(x.sheetId ?? ''), parseValues(x.valuesJson), lang, decimals);
  const action = markKindWord(e, lang);
  if (e.kind === 'rerun')
    return { action, place: placeText(index, e.stationId, lang), content: w.rerunOf(e.attempt) };
  const place = placeText(index, e.sheetId, lang);
  if (e.kind === 'void') {
    const target = e.targetMarkId != null ? ctx.entryById?.(e.targetMarkId) : undefined;
    const content = target
      ? w.drops(ctx.official?.(target.officialId) ?? '', valuesOf(target))
      : w.drops('', w.unknownEntry(e.targetMarkId ?? 0));
    return { action, place, content };
  }
  const content = valuesOf(e);
  const before = e.supersedesId != null ? ctx.entryById?.(e.supersedesId) : undefined;
  return {
    action,
    place,
    content: before ? `${content}${w.sep}${w.replaces(valuesOf(before))}` : content,
  };
}

/**
 * A course or staff action of the audit log in words: the action, the station it concerns,
 * and its details ("数量 35人", "随机种子 42", "J05 → 裁判"). `detailJson` is as stored; a
 * key not known shows as `key: value`. The reason is not included (exports give it its own column).
 */
export function describeAction(
  action: string,
  detailJson: string,
  ctx: Pick<DescribeContext, 'index' | 'lang'>,
): EntryWords {
  const { index, lang } = ctx;
  const w = WORDS[lang];
  const detail = parseValues(detailJson);
  const place = placeText(
    index,
    (typeof detail.sheetId === 'string' && detail.sheetId) ||
      (typeof detail.stationId === 'string' && detail.stationId) ||
      null,
    lang,
  );
  const parts: string[] = [];
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && lang in v)
      return String((v as Record<string, unknown>)[lang]);
    return JSON.stringify(v);
  };
  for (const [k, v] of Object.entries(detail)) {
    if (k === 'stationId' || k === 'sheetId' || k === 'reason' || v === undefined) continue;
    if (k === 'bib') parts.push(w.bib(String(v)));
    else if (k === 'count' && typeof v === 'number') parts.push(w.count(v));
    else if (k === 'seed') parts.push(w.seed(String(v)));
    else if (k === 'to') parts.push(w.to(String(v)));
    else if (k === 'from') parts.push(w.from(String(v)));
    else if (k === 'role' && typeof v === 'string')
      parts.push(`${w.keys.role}${w.colon}${w.roles[v] ?? v}`);
    else if (k === 'nameDisplay' && typeof v === 'string') parts.push(w.nameDisplay[v] ?? v);
    else if (k === 'sheets' && Array.isArray(v))
      parts.push(
        `${w.keys.sheets}${w.colon}${v.map((s) => placeText(index, String(s), lang)).join(w.list) || w.none}`,
      );
    else parts.push(`${w.keys[k] ?? k}${w.colon}${text(v)}`);
  }
  return { action: actionWord(action, lang), place, content: parts.join(w.sep) };
}
