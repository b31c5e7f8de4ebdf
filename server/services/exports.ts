import { zonedTime, type StandingRow, type TeamRow, type ZonedTime } from '#engine';
import type { BoardSnapshot } from '#protocol';
import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import type { MarkRow } from '../../db/repositories/marks.ts';
import type { AuditRow } from '../../db/repositories/audit.ts';
import {
  describeAction,
  describeMarkEntry,
  sheetValuesText,
  type EntryWords,
  type LogLang,
} from '../engine/describe-log.ts';
import type { LiveCompetition } from './live-competition.ts';
import { placementLabel } from '../../web/present/placement.ts';
import type { Translation } from '../../web/i18n.ts';
import { awardLabels } from '../../web/present/awards.ts';
import {
  LINE_STATUS_WORDS,
  LOCKED_WORDS,
  RESULT_STATE_WORDS,
  resultBadge,
  standingStatusWord,
  startedModules,
} from '../../web/present/status.ts';

/**
 * Exports of the standings. Every one is built from a board snapshot, i.e. from the one
 * standings function, so a CSV, an XLSX and the printed page agree with the board to the last
 * digit; a public export shows what the public board shows (frozen, masked), a staff export
 * the live table.
 */

/** The words of the spreadsheet exports in Chinese, the default. */
const ZH_WORDS = {
  rank: '名次',
  bib: '号码',
  name: '姓名',
  organisation: '单位',
  module: (label: string, weight: number | null) =>
    weight === null ? label : `${label}（${weight}%）`,
  station: (label: string, points: number | string) => `${label}（${points}分）`,
  round: '本轮',
  carried: (w: string) => (w === '1' ? '带入' : `带入（×${w}）`),
  total: '总分',
  awards: '奖项',
  status: '状态',
  locked: '锁定',
  yes: '是',
  standingsSheet: '排名',
  marksSheet: '评分记录',
  actionsSheet: '操作记录',
};

/** The same words in English (`?lang=en`): exactly the Chinese keys, checked by the compiler. */
const EN_WORDS: Translation<typeof ZH_WORDS> = {
  rank: 'Rank',
  bib: 'Bib',
  name: 'Name',
  organisation: 'Organisation',
  module: (label: string, weight: number | null) =>
    weight === null ? label : `${label} (${weight}%)`,
  station: (label: string, points: number | string) => `${label} (${points} pts)`,
  round: 'This round',
  carried: (w: string) => (w === '1' ? 'Carried' : `Carried (×${w})`),
  total: 'Total',
  awards: 'Awards',
  status: 'Status',
  locked: 'Locked',
  yes: 'yes',
  standingsSheet: 'Standings',
  marksSheet: 'Marks log',
  actionsSheet: 'Actions log',
};

const WORDS: Record<LogLang, typeof ZH_WORDS> = { zh: ZH_WORDS, en: EN_WORDS };

/**
 * A status word (web/present/status.ts) as an export's cell says it: English in lower case, as
 * the spreadsheets have always written it ("withdrawn", "under review"); Chinese as it is.
 */
const cellWord = (word: string, lang: LogLang): string =>
  lang === 'en' ? word.toLowerCase() : word;

/** The language asked for by `?lang=`: English for `en`, Chinese otherwise. */
export function exportLang(query: unknown): LogLang {
  const q = query as { lang?: unknown } | null | undefined;
  return q?.lang === 'en' ? 'en' : 'zh';
}

/**
 * Header and rows of the standings table: rank, bib, name, organisation, modules, stations,
 * total, status; headers and words in `lang` (Chinese by default).
 */
export function standingsTable(
  view: BoardSnapshot,
  lang: LogLang = 'zh',
): {
  header: string[];
  rows: (string | number)[][];
} {
  const w = WORDS[lang];
  const { awards, carry } = view.columns;
  const header = [
    w.rank,
    w.bib,
    w.name,
    w.organisation,
    ...view.columns.modules.map((m) => w.module(m.label[lang], m.weight)),
    ...view.columns.stations.map((s) => w.station(s.label[lang], s.points)),
    ...(carry ? [w.round, w.carried(carry.weight)] : []),
    w.total,
    ...(awards ? [w.awards] : []),
    w.status,
  ];
  const rows = view.rows.map((r) => {
    const started = startedModules(view.columns.stations, r);
    return [
      r.rank ?? '',
      r.bib,
      r.name,
      r.organisation,
      ...view.columns.modules.map((m) => (started.has(m.id) ? (r.modules[m.id] ?? '') : '')),
      ...view.columns.stations.map((s) => r.stations[s.id]?.score ?? ''),
      ...(carry ? [r.roundTotal ?? r.total, r.carried ?? ''] : []),
      r.total,
      ...(awards ? [awardLabels(awards, r.awards, lang)] : []),
      cellWord(standingStatusWord(r, lang), lang),
    ];
  });
  return { header, rows };
}

/** Header and rows of a team ranking (团体排名): rank, team, score, members counted. */
export function teamsTable(teams: readonly TeamRow[]): {
  header: string[];
  rows: (string | number)[][];
} {
  return {
    header: ['名次', '团体（单位）', '团体总分', '计分队员', '其他队员'],
    rows: teams.map((t) => [
      t.rank ?? '',
      t.team,
      t.total,
      t.members
        .filter((m) => m.counted)
        .map((m) => `${m.bib} ${m.name} ${m.total}`)
        .join('；'),
      t.members
        .filter((m) => !m.counted)
        .map((m) => `${m.bib} ${m.name} ${m.total}`)
        .join('；'),
    ]),
  };
}

/**
 * A cell safe to open in a spreadsheet (OWASP CSV injection): text that begins with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is prefixed with `'` so it cannot run as a formula,
 * while numbers, negative ones included, stay numbers.
 */
export function neutralise(cell: string | number): string | number {
  if (typeof cell === 'number') return cell;
  if (/^-?\d+(\.\d+)?$/.test(cell)) return cell;
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** CSV in UTF-8 with one BOM, so Excel opens Chinese names correctly. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  return (
    '\uFEFF' +
    stringify([header, ...rows.map((r) => r.map(neutralise))], { record_delimiter: '\r\n' })
  );
}

/**
 * A worksheet name Excel accepts: at most 31 characters, none of `/\?*[]:`, not blank, and
 * unique within the workbook (a numeric suffix when taken).
 */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[/\\?*[\]:]/g, '_')
      .replace(/^'+|'+$/g, '')
      .trim()
      .slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++)
    name = `${base.slice(0, 31 - String(i).length - 1)}_${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/** Who and what the marks log and the course log name: read from the database by the route. */
export interface LogSource {
  /** The marks log in id order (db/repositories/marks.ts `listMarks`). */
  marks: readonly MarkRow[];
  /** The course and staff actions (the `audit_log` table) in id order. */
  audit: readonly AuditRow[];
  /** Every official of the competition by id. */
  officials: ReadonlyMap<number, { code: string; name: string }>;
}

/** One log line, in words and with its raw ids; {@link logCells} lays it out. */
export interface LogLine {
  source: 'mark' | 'action';
  /** The stored instant (UTC ISO), for ordering and the raw column. */
  createdAt: string;
  /** The same instant on the venue's clock. */
  at: ZonedTime;
  words: EntryWords;
  /** "J08 程玉兰"; '' for the system (a round's advancement). */
  by: string;
  bib: string;
  name: string;
  attempt: number | '';
  reason: string;
  markId: number | '';
  targetId: number | '';
  officialId: number | '';
  /** The sheet (or station) id the line concerns. */
  placeId: string;
  /** The criterion ids a mark holds, "a, b". */
  criterionIds: string;
  revision: number;
  /** The stored JSON: a mark's values (thousandths of points, counts, booleans, ms) or an action's detail. */
  raw: string;
}

/**
 * Headers of the log, readable columns first and raw ids last. The spreadsheet writes the time
 * in two columns (a date cell and its zone), the CSV in one ("2024-10-26 14:03:07 Asia/Shanghai
 * (UTC+08:00)"); see {@link logCells}.
 */
const LOG_HEADER = {
  zh: {
    time: '时间',
    zone: '时区',
    rest: ['操作', '人员', '号码', '选手', '站点', '次数', '内容', '原因'],
    raw: [
      '评分ID',
      '更正/撤销对象ID',
      '人员ID',
      '评分表ID',
      '评分项ID',
      '版本',
      'UTC时间',
      '原始数据',
    ],
  },
  en: {
    time: 'Time',
    zone: 'Time zone',
    rest: ['Action', 'By', 'Bib', 'Contestant', 'Station', 'Attempt', 'Details', 'Reason'],
    raw: [
      'Mark id',
      'Target mark id',
      'Official id',
      'Sheet id',
      'Criterion ids',
      'Revision',
      'UTC time',
      'Raw JSON',
    ],
  },
} as const;

/** The log's header: with a separate zone column for the spreadsheet, without for the CSV. */
export function logHeader(lang: LogLang, zoneColumn: boolean): string[] {
  const h = LOG_HEADER[lang];
  return [h.time, ...(zoneColumn ? [h.zone] : []), ...h.rest, ...h.raw];
}

/** A log line's cells after its time cell(s), in the order of {@link logHeader}. */
function logCells(l: LogLine): (string | number)[] {
  return [
    l.words.action,
    l.by,
    l.bib,
    l.name,
    l.words.place,
    l.attempt,
    l.words.content,
    l.reason,
    l.markId,
    l.targetId,
    l.officialId,
    l.placeId,
    l.criterionIds,
    l.revision,
    l.createdAt,
    l.raw,
  ];
}

/**
 * The marks log and the course log of a competition as lines in words (engine/describe-log.ts),
 * each time on the venue's clock (engine/clock.ts), in their own id order: marks first, then
 * actions. Sort by revision to interleave them.
 */
export function logLines(
  live: LiveCompetition,
  src: LogSource,
  lang: LogLang,
): { marks: LogLine[]; actions: LogLine[] } {
  const { timeZone, decimals } = live.summary;
  const byId = new Map(src.marks.map((m) => [m.id, m]));
  const who = (id: number | null) => {
    const o = id == null ? undefined : src.officials.get(id);
    return o ? `${o.code} ${o.name}` : id == null ? '' : `#${id}`;
  };
  const ctx = {
    index: live.index,
    lang,
    decimals,
    entryById: (id: number) => byId.get(id),
    official: who,
  };
  const keysOf = (json: string) => {
    try {
      return Object.keys(JSON.parse(json) as object).join(', ');
    } catch {
      return '';
    }
  };
  const marks = src.marks.map((m): LogLine => {
    const c = live.contestants.get(m.contestantId);
    return {
      source: 'mark',
      createdAt: m.createdAt,
      at: zonedTime(m.createdAt, timeZone),
      words: describeMarkEntry(m, ctx),
      by: who(m.officialId),
      bib: c?.bib ?? '',
      name: c?.name ?? '',
      attempt: m.attempt,
      reason: m.reason ?? '',
      markId: m.id,
      targetId: m.supersedesId ?? m.targetMarkId ?? '',
      officialId: m.officialId,
      placeId: m.sheetId ?? m.stationId ?? '',
      criterionIds: keysOf(m.valuesJson),
      revision: m.revision,
      raw: m.valuesJson,
    };
  });
  const actions = src.audit.map((a): LogLine => {
    const words = describeAction(a.action, a.detailJson, ctx);
    let placeId = '';
    try {
      const d = JSON.parse(a.detailJson) as { sheetId?: unknown; stationId?: unknown };
      placeId = String(d.sheetId ?? d.stationId ?? '');
    } catch {
      /* an unreadable detail keeps its raw column */
    }
    return {
      source: 'action',
      createdAt: a.createdAt,
      at: zonedTime(a.createdAt, timeZone),
      words,
      by: who(a.officialId),
      bib: '',
      name: '',
      attempt: '',
      reason: a.reason ?? '',
      markId: '',
      targetId: '',
      officialId: a.officialId ?? '',
      placeId,
      criterionIds: '',
      revision: a.revision,
      raw: a.detailJson,
    };
  });
  return { marks, actions };
}

/**
 * The audit log as CSV: every mark, correction, void, re-run, lock and course action in
 * revision order, the time in one text cell on the venue's clock with its zone named (a text
 * Excel will not re-read as a local date and cut to minutes), words in `lang`, raw ids last.
 */
export function auditCsv(live: LiveCompetition, src: LogSource, lang: LogLang): string {
  const { marks, actions } = logLines(live, src, lang);
  const lines = [...marks, ...actions].sort(
    (a, b) => a.revision - b.revision || a.createdAt.localeCompare(b.createdAt),
  );
  return toCsv(
    logHeader(lang, false),
    lines.map((l) => [l.at.text, ...logCells(l)]),
  );
}

/**
 * A new exceljs workbook. exceljs is loaded on the first spreadsheet asked for, not when the
 * server starts: it is the heaviest import of the server (about 0.4 s), and most starts (and
 * every test server) never write an XLSX.
 */
async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: excel } = await import('exceljs');
  return new excel.Workbook();
}

/**
 * The XLSX: a sheet of standings, a sheet per station (each contestant's score and status)
 * and, for staff, the marks log and the course log. Numbers are written as numbers with the
 * scheme's decimals; words in `lang`.
 */
export async function toXlsx(
  live: LiveCompetition,
  view: BoardSnapshot,
  log: LogSource | null,
  lang: LogLang = 'zh',
): Promise<Buffer> {
  const w = WORDS[lang];
  const wb = await newWorkbook();
  wb.creator = 'Jiangxing 匠星';
  const taken = new Set<string>();
  const numFmt = numberFormat(view.competition.decimals);

  addStandingsSheet(wb, sheetName(w.standingsSheet, taken), view, lang);

  for (const s of view.columns.stations) {
    const ws = wb.addWorksheet(sheetName(s.label[lang], taken));
    ws.addRow([w.bib, w.name, w.station(s.label[lang], s.points), w.status, w.locked]).font = {
      bold: true,
    };
    for (const r of view.rows) {
      const st = r.stations[s.id];
      ws.addRow([
        r.bib,
        r.name,
        st ? Number(st.score) : '',
        st ? cellWord(LINE_STATUS_WORDS[lang][st.status], lang) : '',
        st?.locked ? w.yes : '',
      ]);
    }
    ws.getColumn(3).numFmt = numFmt;
  }

  // XLSX cells are typed: text such as "=1+1" is stored as a string, never as a formula.
  if (log) {
    const { marks, actions } = logLines(live, log, lang);
    addLogSheet(wb, sheetName(w.marksSheet, taken), marks, lang);
    addLogSheet(wb, sheetName(w.actionsSheet, taken), actions, lang);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A log sheet. The time is a date cell holding the venue's wall clock, with the zone and its
 * offset in the next column. Why a date and not text: it sorts and filters as a time in any
 * spreadsheet. Why built from the wall clock: a spreadsheet serial has no zone, and exceljs
 * computes it from a Date's UTC fields, so a plain `new Date(createdAt)` would show UTC with
 * nothing saying so; `wallClockMs` is the Date whose UTC fields read the venue's clock. The
 * zone column names the offset of each instant (it changes with summer time), and the stored
 * UTC instant stays in the raw columns.
 */
function addLogSheet(wb: ExcelJS.Workbook, name: string, lines: LogLine[], lang: LogLang): void {
  const ws = wb.addWorksheet(name);
  const header = logHeader(lang, true);
  ws.addRow(header).font = { bold: true };
  for (const l of lines) ws.addRow([new Date(l.at.wallClockMs), l.at.zoneLabel, ...logCells(l)]);
  const widths = [20, 26, 10, 14, 8, 12, 18, 6, 48, 20, 8, 8, 8, 14, 22, 8, 26, 40];
  widths.forEach((wd, i) => (ws.getColumn(i + 1).width = wd));
  ws.getColumn(1).numFmt = 'yyyy-mm-dd hh:mm:ss';
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
}

const numberFormat = (decimals: number) => (decimals ? `0.${'0'.repeat(decimals)}` : '0');
const asNumber = (v: string | number) =>
  typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;

/**
 * A worksheet of standings (rows from {@link standingsTable}), scores as numbers with the
 * scheme's decimals; `title` rows above the header when given (the festival workbook).
 */
function addStandingsSheet(
  wb: ExcelJS.Workbook,
  name: string,
  view: BoardSnapshot,
  lang: LogLang,
  title?: string,
): ExcelJS.Worksheet {
  const { header, rows } = standingsTable(view, lang);
  const ws = wb.addWorksheet(name);
  if (title) ws.addRow([title]).font = { bold: true, size: 13 };
  ws.addRow(header).font = { bold: true };
  const last = header.length - 1;
  for (const r of rows) ws.addRow(r.map((c, i) => (i >= 4 && i < last ? asNumber(c) : c)));
  const numFmt = numberFormat(view.competition.decimals);
  ws.columns.forEach((c, i) => {
    c.width = i === 2 || i === 3 ? 14 : 10;
    if (i >= 4 && i < last && header[i] !== WORDS[lang].awards) c.numFmt = numFmt;
  });
  ws.views = [{ state: 'frozen', ySplit: title ? 2 : 1 }];
  return ws;
}

/** One competition of a festival export: its view (public or staff) and its team ranking. */
export interface FestivalSection {
  view: BoardSnapshot;
  /** The team ranking; null when the scheme has none or while the reveal withholds it. */
  teams: TeamRow[] | null;
  /** True while the ceremony is under way: the team ranking waits for the official results. */
  teamsWithheld?: boolean;
}

const TEAMS_WITHHELD = '团体排名：颁奖揭晓进行中，成绩公布后提供';

/**
 * The festival's results as one CSV: a section per competition (a title line with event ·
 * group · round, the standings header and rows, then its team ranking when the scheme has
 * one), separated by a blank line. UTF-8 with BOM, formula-safe like every CSV.
 */
export function festivalCsv(title: string, sections: readonly FestivalSection[]): string {
  const lines: (string | number)[][] = [[title]];
  for (const { view, teams, teamsWithheld } of sections) {
    const { header, rows } = standingsTable(view);
    const state = resultBadge(
      view.competition.state === 'final' ? 'official' : 'provisional',
      'zh',
    );
    lines.push(
      [],
      [
        `【${placementLabel(view.competition.placement, 'zh')}】${view.competition.title.zh}（${state}）`,
      ],
    );
    lines.push(header, ...rows);
    if (teams) {
      const t = teamsTable(teams);
      lines.push([], ['团体排名'], t.header, ...t.rows);
    } else if (teamsWithheld) lines.push([], [TEAMS_WITHHELD]);
  }
  const [first, ...rest] = lines;
  return toCsv(first!.map(String), rest);
}

/** The festival's results as one workbook: a standings sheet per competition, then its teams. */
export async function festivalXlsx(
  title: string,
  sections: readonly FestivalSection[],
): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = 'Jiangxing 匠星';
  wb.title = title;
  const taken = new Set<string>();
  for (const { view, teams, teamsWithheld } of sections) {
    const place = placementLabel(view.competition.placement, 'zh');
    addStandingsSheet(wb, sheetName(place, taken), view, 'zh', `${title} · ${place}`);
    if (teams) {
      const ws = wb.addWorksheet(sheetName(`${place} 团体`, taken));
      ws.addRow([`${place} 团体排名`]).font = { bold: true, size: 13 };
      const t = teamsTable(teams);
      ws.addRow(t.header).font = { bold: true };
      for (const r of t.rows) ws.addRow(r.map((c, i) => (i === 2 ? asNumber(c) : c)));
      ws.getColumn(3).numFmt = numberFormat(view.competition.decimals);
      ws.getColumn(2).width = 18;
      ws.getColumn(4).width = 40;
    } else if (teamsWithheld)
      wb.addWorksheet(sheetName(`${place} 团体`, taken)).addRow([TEAMS_WITHHELD]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A date as Chinese certificates write it: 2024-11-16 → 2024年11月16日. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * Printable certificates (荣誉证书), A4 landscape, one page per award held: the festival and
 * competition titles, the contestant and organisation, the award, the date and the
 * organiser's seal line. Before the results are official every page carries "样张" so a
 * provisional certificate cannot pass for a real one. Self-contained HTML, no script.
 */
export function certificatesPage(
  view: BoardSnapshot,
  pick: { award?: string; bib?: string },
): string {
  const c = view.competition;
  const awards = view.columns.awards;
  const official = c.state === 'final';
  const pages: string[] = [];
  for (const r of view.rows)
    for (const a of awards?.rules ?? []) {
      if (!r.awards?.includes(a.id)) continue;
      if (pick.award && pick.award !== a.id) continue;
      if (pick.bib && pick.bib !== r.bib) continue;
      const result =
        a.by === 'threshold'
          ? `以 ${r.total} 分的成绩`
          : `以第 ${r.rank} 名（${r.total} 分）的成绩`;
      pages.push(`<section class="cert" data-testid="certificate" data-bib="${esc(r.bib)}" data-award="${esc(a.id)}">
${official ? '' : '<div class="draft">样张 · 成绩未正式公布</div>'}
<div class="festival">${esc(c.placement.festival.title.zh)}</div>
<h1>荣 誉 证 书</h1>
<p class="body"><span class="who">${esc(r.name)}</span>${r.organisation ? `（${esc(r.organisation)}）` : ''}：</p>
<p class="body">在${esc(c.title.zh)}${c.title.zh.includes(c.placement.round.label.zh) ? '' : esc(c.placement.round.label.zh)}中，${esc(result)}荣获</p>
<p class="award">${esc(a.label.zh)}</p>
<p class="en">${esc(a.label.en)} — ${esc(c.title.en)}</p>
<div class="foot"><div>证书编号 ${esc(`${c.slug}-${a.id}-${r.bib}`)}</div><div class="seal">${esc(c.placement.festival.title.zh)}组委会<br>${esc(chineseDate(c.date))}</div></div>
</section>`);
    }
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(c.title.zh)} 证书</title>
<style>
  @page { size: A4 landscape; margin: 0; }
  body { margin: 0; font-family: 'Noto Serif CJK SC','Songti SC','SimSun','Noto Sans CJK SC',serif; color: #222; }
  .cert { box-sizing: border-box; width: 297mm; height: 210mm; padding: 22mm 30mm; position: relative; page-break-after: always; break-after: page; border: 6mm solid #b8862b; outline: 1mm solid #7a5615; outline-offset: -9mm; background: #fffdf6; text-align: center; }
  .cert:last-child { page-break-after: auto; break-after: auto; }
  .festival { font-size: 15pt; color: #7a5615; letter-spacing: 2pt; }
  h1 { font-size: 46pt; color: #a0201e; margin: 8mm 0 10mm; letter-spacing: 6pt; }
  .body { font-size: 18pt; line-height: 1.7; margin: 0; text-align: left; padding: 0 10mm; }
  .body:nth-of-type(2) { text-indent: 2em; }
  .who { font-size: 24pt; font-weight: bold; border-bottom: 1px solid #222; padding: 0 4mm; }
  .award { font-size: 36pt; font-weight: bold; color: #a0201e; margin: 8mm 0 2mm; letter-spacing: 4pt; }
  .en { font-size: 10pt; color: #777; margin: 0; }
  .foot { position: absolute; left: 30mm; right: 30mm; bottom: 20mm; display: flex; justify-content: space-between; align-items: flex-end; font-size: 12pt; }
  .seal { text-align: center; line-height: 1.8; }
  .draft { position: absolute; top: 80mm; left: 0; right: 0; font-size: 60pt; color: rgba(200,0,0,.18); transform: rotate(-18deg); pointer-events: none; }
  .none { padding: 20mm; font-size: 16pt; }
</style></head><body>
${pages.length ? pages.join('\n') : '<p class="none">没有获奖记录（本项没有奖项，或尚无选手获奖）</p>'}
</body></html>`;
}

const esc = (s: string | number) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The printable results page (A4 landscape, print stylesheet): title, state (provisional or
 * official), the standings table, and the signature block for the judges and the head judge;
 * the footer gives `printedAt` (an instant) on the venue's clock with its zone named.
 * Self-contained HTML: no script, no outside resource.
 */
export function resultsPage(
  view: BoardSnapshot,
  judges: string[],
  printedAt: string | Date,
): string {
  const { header, rows } = standingsTable(view);
  const c = view.competition;
  const official = c.state === 'final';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(c.title.zh)} 成绩公告</title>
<style>
  @page { size: A4 landscape; margin: 12mm; }
  body { font-family: 'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Noto Sans SC',sans-serif; color: #111; margin: 0; }
  h1 { font-size: 20pt; margin: 0 0 2mm; text-align: center; }
  .meta { text-align: center; font-size: 10pt; color: #333; margin-bottom: 4mm; }
  .stamp { display: inline-block; border: 2px solid ${official ? '#b00' : '#a60'}; color: ${official ? '#b00' : '#a60'}; padding: 0 3mm; font-weight: bold; margin-left: 3mm; }
  table { width: 100%; border-collapse: collapse; font-size: 9pt; font-variant-numeric: tabular-nums; }
  th, td { border: 1px solid #555; padding: 1.2mm 1.5mm; text-align: center; }
  th { background: #eee; }
  td.name, td.org { text-align: left; white-space: nowrap; }
  td:last-child { white-space: nowrap; }
  th { font-size: 8pt; }
  th:nth-child(-n+4), th:nth-last-child(-n+2) { white-space: nowrap; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .signatures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6mm 10mm; margin-top: 10mm; font-size: 10pt; break-inside: avoid; }
  .signatures div { border-bottom: 1px solid #111; padding-top: 9mm; }
  footer { margin-top: 6mm; font-size: 8pt; color: #555; text-align: right; }
</style></head><body>
<h1>${esc(c.title.zh)} 成绩公告 <span class="stamp">${resultBadge(official ? 'official' : 'provisional', 'zh')}</span></h1>
<div class="meta">${esc(placementLabel(c.placement, 'zh'))} · ${esc(c.venue)} · ${esc(c.date)}</div>
<table data-testid="results-table"><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr data-bib="${esc(r[1]!)}" data-rank="${esc(r[0]!)}">${r.map((cell, i) => `<td${i === 2 ? ' class="name"' : i === 3 ? ' class="org"' : ''}>${esc(cell)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>
<section class="signatures">
${judges.map((j) => `<div>裁判：${esc(j)}</div>`).join('\n')}
<div>裁判长：</div><div>组委会（盖章）：</div>
</section>
<footer>打印时间 ${esc(zonedTime(printedAt, c.timeZone).text)} · 版本 ${view.revision} · 匠星 Jiangxing</footer>
</body></html>`;
}

/**
 * Times of one printed page on the venue's clock: each cell "14:03:07" (with the date when it is
 * not the competition's day), the zone(s) for the page's note ('' for no time), and whether a
 * cell carries a date. Should the offset change among them (summer time begins or ends during
 * the event), every cell names its own offset on a second line.
 */
export function clockCells(
  instants: readonly string[],
  timeZone: string,
  day: string,
): { cells: string[]; zone: string; dated: boolean } {
  const times = instants.map((i) => zonedTime(i, timeZone));
  const zones = new Set(times.map((t) => t.zoneLabel));
  const one = zones.size <= 1;
  return {
    cells: times.map(
      (t) =>
        `${t.date === day ? t.time : t.wallClock}${one ? '' : `\n${t.zoneLabel.slice(t.zoneLabel.lastIndexOf('('))}`}`,
    ),
    zone: [...zones].join('、'),
    dated: times.some((t) => t.date !== day) || !one,
  };
}

/**
 * A printable score sheet for one contestant (A4 portrait): every station with its score and
 * status, every current mark with its judge, time (the venue's clock, its zone named on the
 * page) and values in words (engine/describe-log.ts: points to the scheme's decimals, fault
 * counts, veto and check words, durations), the time it was printed, and signature lines.
 */
export function contestantSheetPage(
  live: LiveCompetition,
  row: StandingRow,
  log: MarkRow[],
  judgeName: (officialId: number) => string,
  printedAt: string | Date = new Date(),
): string {
  const c = live.summary;
  const current = log.filter(
    (m) => m.kind === 'mark' && m.contestantId === row.contestantId && live.isCurrent(m.id),
  );
  const clock = clockCells(
    current.map((m) => m.createdAt),
    c.timeZone,
    c.date,
  );
  const timeOf = new Map(current.map((m, i) => [m.id, clock.cells[i]!]));
  const printed = zonedTime(printedAt, c.timeZone);
  const stations = live.columns.stations
    .map((s) => {
      const st = row.stations[s.id];
      const sheetIds = live.index.stations.get(s.id)!.sheetIds;
      const lines = current
        .filter((m) => sheetIds.includes(m.sheetId!))
        .map((m) => {
          const sheet = live.index.sheets.get(m.sheetId!)!;
          const values = JSON.parse(m.valuesJson) as Record<string, unknown>;
          const words = sheetValuesText(sheet, values, 'zh', c.decimals);
          return `<tr><td>${esc(sheet.isSubStation ? sheet.label.zh : '')}</td><td>${esc(judgeName(m.officialId))}</td><td>${esc(words)}</td><td class="time">${esc(timeOf.get(m.id)!)}</td></tr>`;
        })
        .join('');
      return `<section><h2>${esc(s.label.zh)}（${esc(s.points)}分） <span class="score">${esc(st?.score ?? '')}</span> <span class="status">${st?.locked ? LOCKED_WORDS.zh : ''}</span></h2>
<table><thead><tr><th class="sub">分项</th><th class="judge">裁判</th><th>评分内容</th><th class="time${clock.dated ? ' dated' : ''}">时间</th></tr></thead><tbody>${lines || '<tr><td colspan="4">（未评分）</td></tr>'}</tbody></table></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(row.bib)}号 ${esc(row.name)} 评分表</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: 'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Noto Sans SC',sans-serif; color: #111; margin: 0; font-size: 10pt; }
  h1 { font-size: 16pt; margin: 0 0 2mm; }
  .meta { margin-bottom: 1mm; color: #333; }
  .clock { margin-bottom: 4mm; color: #555; font-size: 9pt; }
  h2 { font-size: 11pt; margin: 4mm 0 1mm; display: flex; gap: 4mm; align-items: baseline; }
  h2 .score { margin-left: auto; font-size: 13pt; font-variant-numeric: tabular-nums; }
  h2 .status { font-size: 9pt; color: #555; }
  table { width: 100%; border-collapse: collapse; table-layout: fixed; }
  th, td { border: 1px solid #666; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
  th { background: #eee; }
  th.sub { width: 24mm; } th.judge { width: 24mm; } th.time { width: 17mm; } th.time.dated { width: 34mm; }
  td.time { font-variant-numeric: tabular-nums; white-space: pre; }
  section { break-inside: avoid; }
  .total { margin-top: 5mm; font-size: 13pt; font-weight: bold; text-align: right; }
  .signatures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8mm; margin-top: 10mm; }
  .signatures div { border-bottom: 1px solid #111; padding-top: 10mm; }
  footer { margin-top: 6mm; font-size: 8pt; color: #555; text-align: right; }
</style></head><body>
<h1>${esc(c.title.zh)} · 选手评分表</h1>
<div class="meta" data-testid="sheet-contestant">${esc(row.bib)}号 ${esc(row.name)} · ${esc(row.organisation)} · 抽签 ${row.drawOrder} · 名次 ${row.rank ?? '—'}</div>
<div class="clock" data-testid="sheet-clock">时间均为比赛当地时间：${esc(clock.zone || printed.zoneLabel)}</div>
${stations}
<div class="total">${live.columns.modules.map((m) => `${esc(m.label.zh)} ${esc(row.modules[m.id] ?? '')}`).join(' · ')} · 总分 <span data-testid="sheet-total">${esc(row.total)}</span>${row.provisional ? `（${RESULT_STATE_WORDS.zh.provisional}）` : ''}</div>
<div class="signatures"><div>裁判：</div><div>裁判长：</div><div>选手：</div></div>
<footer>打印时间 ${esc(printed.text)} · 版本 ${c.revision} · 匠星 Jiangxing</footer>
</body></html>`;
}
