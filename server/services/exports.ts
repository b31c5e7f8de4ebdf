import { formatMilli, type StandingRow } from '#engine';
import type { BoardSnapshot } from '#protocol';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { MarkRow } from '../../db/repositories/marks.ts';
import type { LiveCompetition } from './live-competition.ts';

/**
 * Exports of the standings. Every one is built from a board snapshot, i.e. from the one
 * standings function, so a CSV, an XLSX and the printed page agree with the board to the last
 * digit; a public export shows what the public board shows (frozen, masked), a staff export
 * the live table.
 */

const STATUS_ZH: Record<StandingRow['status'], string> = {
  active: '',
  withdrawn: '退赛',
  disqualified: '取消资格',
};

/** Header and rows of the standings table: rank, bib, name, organisation, modules, stations, total, status. */
export function standingsTable(view: BoardSnapshot): {
  header: string[];
  rows: (string | number)[][];
} {
  const header = [
    '名次',
    '号码',
    '姓名',
    '单位',
    ...view.columns.modules.map((m) => `${m.label.zh}（${m.weight}%）`),
    ...view.columns.stations.map((s) => `${s.label.zh}（${s.points}分）`),
    '总分',
    '状态',
  ];
  const rows = view.rows.map((r) => [
    r.rank ?? '',
    r.bib,
    r.name,
    r.organisation,
    ...view.columns.modules.map((m) => r.modules[m.id] ?? ''),
    ...view.columns.stations.map((s) => r.stations[s.id]?.score ?? ''),
    r.total,
    STATUS_ZH[r.status] || (r.provisional ? '暂定' : '正式'),
  ]);
  return { header, rows };
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

/**
 * The XLSX: a sheet of standings, a sheet per station (each contestant's score and status)
 * and, for staff, the marks log. Numbers are written as numbers with the scheme's decimals.
 */
export async function toXlsx(
  live: LiveCompetition,
  view: BoardSnapshot,
  log: MarkRow[] | null,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Jiangxing 匠星';
  const taken = new Set<string>();
  const numFmt = view.competition.decimals ? `0.${'0'.repeat(view.competition.decimals)}` : '0';
  const asNumber = (v: string | number) =>
    typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;

  const { header, rows } = standingsTable(view);
  const standings = wb.addWorksheet(sheetName('排名', taken));
  standings.addRow(header).font = { bold: true };
  for (const r of rows)
    standings.addRow(r.map((c, i) => (i >= 4 && i < r.length - 1 ? asNumber(c) : c)));
  standings.columns.forEach((c, i) => {
    c.width = i === 2 || i === 3 ? 14 : 10;
    if (i >= 4 && i < header.length - 1) c.numFmt = numFmt;
  });
  standings.views = [{ state: 'frozen', ySplit: 1 }];

  for (const s of view.columns.stations) {
    const ws = wb.addWorksheet(sheetName(s.label.zh, taken));
    ws.addRow(['号码', '姓名', `${s.label.zh}（${s.points}分）`, '状态', '锁定']).font = {
      bold: true,
    };
    for (const r of view.rows) {
      const st = r.stations[s.id];
      ws.addRow([
        r.bib,
        r.name,
        st ? Number(st.score) : '',
        st?.status ?? '',
        st?.locked ? '是' : '',
      ]);
    }
    ws.getColumn(3).numFmt = numFmt;
  }

  // XLSX cells are typed: text such as "=1+1" is stored as a string, never as a formula.
  if (log) {
    const ws = wb.addWorksheet(sheetName('评分记录', taken));
    ws.addRow([
      '序号',
      '时间',
      '类型',
      '号码',
      '评分表',
      '轮次',
      '裁判',
      '数值',
      '更正/撤销对象',
      '原因',
      '版本',
    ]).font = { bold: true };
    const bibOf = new Map([...live.contestants.values()].map((c) => [c.id, c.bib]));
    for (const m of log)
      ws.addRow([
        m.id,
        m.createdAt,
        m.kind,
        bibOf.get(m.contestantId) ?? '',
        m.sheetId ?? m.stationId ?? '',
        m.attempt,
        m.officialId,
        describeValues(m.valuesJson),
        m.supersedesId ?? m.targetMarkId ?? '',
        m.reason ?? '',
        m.revision,
      ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function describeValues(json: string): string {
  const v = JSON.parse(json) as Record<string, unknown>;
  return Object.entries(v)
    .map(
      ([k, x]) =>
        `${k}=${typeof x === 'number' && !k.includes('time') ? formatMilli(x) : JSON.stringify(x)}`,
    )
    .join('; ');
}

const esc = (s: string | number) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The printable results page (A4 landscape, print stylesheet): title, state (provisional or
 * official), the standings table, and the signature block for the judges and the head judge.
 * Self-contained HTML: no script, no outside resource.
 */
export function resultsPage(view: BoardSnapshot, judges: string[], printedAt: string): string {
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
  td:last-child, th { white-space: nowrap; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .signatures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6mm 10mm; margin-top: 10mm; font-size: 10pt; break-inside: avoid; }
  .signatures div { border-bottom: 1px solid #111; padding-top: 9mm; }
  footer { margin-top: 6mm; font-size: 8pt; color: #555; text-align: right; }
</style></head><body>
<h1>${esc(c.title.zh)} 成绩公告 <span class="stamp">${official ? '正式成绩' : '暂定成绩'}</span></h1>
<div class="meta">${esc(c.venue)} · ${esc(c.date)}</div>
<table data-testid="results-table"><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr data-bib="${esc(r[1]!)}" data-rank="${esc(r[0]!)}">${r.map((cell, i) => `<td${i === 2 ? ' class="name"' : i === 3 ? ' class="org"' : ''}>${esc(cell)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>
<section class="signatures">
${judges.map((j) => `<div>裁判：${esc(j)}</div>`).join('\n')}
<div>裁判长：</div><div>组委会（盖章）：</div>
</section>
<footer>打印时间 ${esc(printedAt)} · 版本 ${view.revision} · 匠星 Jiangxing</footer>
</body></html>`;
}

/** A criterion's value in words, for people: "碰桩×1", "掉桥：是", "打包质量 3", "61.2 秒". */
export function valueInWords(c: import('#protocol').Criterion, v: unknown): string {
  switch (c.kind) {
    case 'faults': {
      const counts = (v ?? {}) as Record<string, number>;
      const parts = c.faults
        .filter((f) => counts[f.id])
        .map((f) => `${f.label.zh}×${counts[f.id]}`);
      return parts.length ? parts.join('、') : `${c.label.zh}：无`;
    }
    case 'veto':
    case 'check':
      return `${c.label.zh}：${v === true ? '是' : '否'}`;
    case 'time':
      return typeof v === 'number'
        ? `${c.label.zh} ${(v / 1000).toFixed(1)} 秒`
        : `${c.label.zh}：未计时`;
    default:
      return typeof v === 'number' ? `${c.label.zh} ${formatMilli(v)}` : `${c.label.zh}：—`;
  }
}

/**
 * A printable score sheet for one contestant (A4 portrait): every station with its score and
 * status, every current mark with its judge, time and values in words, and signature lines.
 */
export function contestantSheetPage(
  live: LiveCompetition,
  row: StandingRow,
  log: MarkRow[],
  judgeName: (officialId: number) => string,
): string {
  const c = live.summary;
  const current = log.filter(
    (m) =>
      m.kind === 'mark' &&
      m.contestantId === row.contestantId &&
      live.currentLine(m.contestantId, m.sheetId!, m.officialId, m.attempt)?.markId === m.id,
  );
  const stations = live.columns.stations
    .map((s) => {
      const st = row.stations[s.id];
      const sheetIds = live.index.stations.get(s.id)!.sheetIds;
      const lines = current
        .filter((m) => sheetIds.includes(m.sheetId!))
        .map((m) => {
          const sheet = live.index.sheets.get(m.sheetId!)!;
          const values = JSON.parse(m.valuesJson) as Record<string, unknown>;
          const words = sheet.criteria.map((cr) => valueInWords(cr, values[cr.id])).join('；');
          return `<tr><td>${esc(sheet.isSubStation ? sheet.label.zh : '')}</td><td>${esc(judgeName(m.officialId))}</td><td>${esc(words)}</td><td>${esc(m.createdAt.slice(11, 19))}</td></tr>`;
        })
        .join('');
      return `<section><h2>${esc(s.label.zh)}（${esc(s.points)}分） <span class="score">${esc(st?.score ?? '')}</span> <span class="status">${st?.locked ? '已锁定' : ''}</span></h2>
<table><thead><tr><th>分项</th><th>裁判</th><th>评分内容</th><th>时间</th></tr></thead><tbody>${lines || '<tr><td colspan="4">（未评分）</td></tr>'}</tbody></table></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(row.bib)}号 ${esc(row.name)} 评分表</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: 'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Noto Sans SC',sans-serif; color: #111; margin: 0; font-size: 10pt; }
  h1 { font-size: 16pt; margin: 0 0 2mm; }
  .meta { margin-bottom: 4mm; color: #333; }
  h2 { font-size: 11pt; margin: 4mm 0 1mm; display: flex; gap: 4mm; align-items: baseline; }
  h2 .score { margin-left: auto; font-size: 13pt; font-variant-numeric: tabular-nums; }
  h2 .status { font-size: 9pt; color: #555; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 1px solid #666; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
  th { background: #eee; }
  section { break-inside: avoid; }
  .total { margin-top: 5mm; font-size: 13pt; font-weight: bold; text-align: right; }
  .signatures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8mm; margin-top: 10mm; }
  .signatures div { border-bottom: 1px solid #111; padding-top: 10mm; }
</style></head><body>
<h1>${esc(c.title.zh)} · 选手评分表</h1>
<div class="meta" data-testid="sheet-contestant">${esc(row.bib)}号 ${esc(row.name)} · ${esc(row.organisation)} · 抽签 ${row.drawOrder} · 名次 ${row.rank ?? '—'}</div>
${stations}
<div class="total">${live.columns.modules.map((m) => `${esc(m.label.zh)} ${esc(row.modules[m.id] ?? '')}`).join(' · ')} · 总分 <span data-testid="sheet-total">${esc(row.total)}</span>${row.provisional ? '（暂定）' : ''}</div>
<div class="signatures"><div>裁判：</div><div>裁判长：</div><div>选手：</div></div>
</body></html>`;
}
