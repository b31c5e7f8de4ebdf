import type { MarkAck, StandingsResponse } from '#protocol';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../plugins/seed.ts';
import { clockCells, neutralise, sheetName } from '../../services/exports.ts';
import { randomUUID } from 'node:crypto';
import { connectJudge, startTestServer, submitMark, tokenOf } from '../../test-support.ts';

// The default contest with names that break naive exporters.
const NAMES = ['欧阳娜娜', '𠮷田', '王,小明', '赵"六"', '=1+1', '@SUM(A1)', '-王五'];
const fixture = readFixture();
NAMES.forEach((n, i) => (fixture.contestants[i]!.name = n));
// A half-hour zone: a time printed in UTC, or shifted by whole hours only, cannot pass.
fixture.competition.timeZone = 'Asia/Kolkata';
const file = join(mkdtempSync(join(tmpdir(), 'jx-fx-')), 'fixture.json');
writeFileSync(file, JSON.stringify(fixture));

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer(undefined, file);
  const j = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
  for (const [i, c] of j.welcome.contestants.entries())
    await submitMark(j, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': String(50 + (i % 9) * 5) },
    });
  j.close();
});
afterAll(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const standings = async () =>
  (await (
    await fetch(`${server.url}/api/competitions/${slug}/standings`)
  ).json()) as StandingsResponse;

describe('CSV export', () => {
  it('starts with one BOM, round-trips hard names, neutralises formulas and keeps numbers numbers', async () => {
    const res = await fetch(`${server.url}/api/competitions/${slug}/export.csv`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).includes('\uFEFF')).toBe(false);
    const rows = parse(text.slice(1)) as string[][];
    expect(rows[0]!.slice(0, 4)).toEqual(['名次', '号码', '姓名', '单位']);
    const names = rows.slice(1).map((r) => r[2]);
    for (const n of ['欧阳娜娜', '𠮷田', '王,小明', '赵"六"']) expect(names).toContain(n);
    expect(names).toContain("'=1+1");
    expect(names).toContain("'@SUM(A1)");
    expect(names).toContain("'-王五");
    // The same ranks and totals as the standings endpoint, row by row.
    const s = await standings();
    expect(rows.slice(1).map((r) => [r[0], r[1], r.at(-2)])).toEqual(
      s.rows.map((r) => [String(r.rank ?? ''), r.bib, r.total]),
    );
  });

  it('leaves a module without any mark empty, as the board shows a dash, never 0.00', async () => {
    // Every rider has the theory exam and nothing else: the practical module is unscored.
    const s = await standings();
    const cells = async (path: string) => {
      const text = await (await fetch(`${server.url}/api/competitions/${slug}/${path}`)).text();
      return parse(text.slice(1)) as string[][];
    };
    for (const lang of ['zh', 'en']) {
      const [header, ...rows] = await cells(`export.csv?lang=${lang}`);
      const modules = s.columns.modules.map((m) =>
        header!.findIndex((h) => h.startsWith(m.label[lang as 'zh' | 'en'])),
      );
      expect(modules.every((i) => i >= 4)).toBe(true);
      const [theory, practical] = modules as [number, number];
      expect(rows.map((r) => r[practical])).toEqual(rows.map(() => ''));
      expect(rows.map((r) => r[theory])).toEqual(
        s.rows.map((r) => r.modules[s.columns.modules[0]!.id]),
      );
      expect(rows.every((r) => r[theory] !== '')).toBe(true);
    }
  });

  it('neutralises text, never numbers', () => {
    expect(neutralise('=1+1')).toBe("'=1+1");
    expect(neutralise('+86 138')).toBe("'+86 138");
    expect(neutralise('-3.50')).toBe('-3.50');
    expect(neutralise(-2)).toBe(-2);
    expect(neutralise('王五')).toBe('王五');
  });
});

describe('XLSX export', () => {
  it('reads back with exceljs equal to the standings endpoint, with a sheet per station', async () => {
    const res = await fetch(`${server.url}/api/competitions/${slug}/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '排名',
      '理论考试',
      '准备与清洁消毒',
      '订单验收',
      '货物打包',
      '路线规划',
      '安全骑行',
      '客户沟通',
      '应急处理',
    ]);
    const sheet = wb.getWorksheet('排名')!;
    const s = await standings();
    const got: unknown[][] = [];
    sheet.eachRow((row, i) => {
      if (i > 1)
        got.push([
          row.getCell(1).value,
          row.getCell(2).value,
          row.getCell(3).value,
          row.getCell(sheet.columnCount - 1).value,
        ]);
    });
    expect(got).toEqual(s.rows.map((r) => [r.rank ?? '', r.bib, r.name, Number(r.total)]));
    // XLSX cells are typed: "=1+1" is stored as text, never as a formula, so names round-trip as they are.
    expect(got.map((g) => g[2])).toContain('=1+1');
    // The public export carries no marks log; the staff export does.
    const staff = new ExcelJS.Workbook();
    await staff.xlsx.load(
      Buffer.from(
        await (
          await fetch(`${server.url}/api/competitions/${slug}/export.xlsx`, {
            headers: { authorization: `Bearer ${tokenOf(server.fixture, 'O01')}` },
          })
        ).arrayBuffer(),
      ) as never,
    );
    expect(staff.getWorksheet('评分记录')!.rowCount).toBe(36);
  });

  it('makes sheet names valid and unique', () => {
    const taken = new Set<string>();
    expect(sheetName('A/B:C?*[x]', taken)).toBe('A_B_C___x_');
    expect(sheetName('一'.repeat(40), taken)).toHaveLength(31);
    expect(sheetName('排名', taken)).toBe('排名');
    expect(sheetName('排名', taken)).toBe('排名_2');
  });
});

describe('printable results page and audit log', () => {
  it('prints the same ranks as the board, with the signature block', async () => {
    const html = await (await fetch(`${server.url}/api/competitions/${slug}/results.html`)).text();
    const s = await standings();
    const printed = [...html.matchAll(/<tr data-bib="([^"]*)" data-rank="([^"]*)">/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(printed).toEqual(s.rows.map((r) => [r.bib.replace('&', '&amp;'), String(r.rank ?? '')]));
    expect(html).toContain('裁判长：');
    expect(html).toContain('@page { size: A4 landscape');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('赵&quot;六&quot;');
  });

  it('gives the audit log to staff only', async () => {
    expect((await fetch(`${server.url}/api/competitions/${slug}/audit.csv`)).status).toBe(401);
    const text = await (
      await fetch(`${server.url}/api/competitions/${slug}/audit.csv`, {
        headers: { authorization: `Bearer ${tokenOf(server.fixture, 'H01')}` },
      })
    ).text();
    const rows = parse(text.slice(1)) as string[][];
    expect(rows).toHaveLength(36);
    expect(rows[1]![1]).toBe('评分');
    expect(rows[1]![2]).toBe('J01 罗文静');
  });
});

describe('contestant score sheet', () => {
  it('prints one contestant’s marks in words with their judges, and the same total as the board, for staff only', async () => {
    const s = await standings();
    const row = s.rows[0]!;
    const url = `${server.url}/api/competitions/${slug}/contestants/${row.bib}/sheet.html`;
    expect((await fetch(url)).status).toBe(401);
    const html = await (
      await fetch(url, { headers: { authorization: `Bearer ${tokenOf(server.fixture, 'H01')}` } })
    ).text();
    expect(html).toContain(`<span data-testid="sheet-total">${row.total}</span>`);
    expect(html).toContain('J01 罗文静');
    expect(html).toMatch(/理论成绩（100题） \d+/);
    expect(html).toContain('裁判长：');
    expect(html).not.toMatch(/<script/i);
  });
});

/** What a UTC instant reads on a clock in Kolkata (UTC+05:30, no summer time): "YYYY-MM-DD HH:mm:ss". */
const kolkata = (iso: string) =>
  new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
const staffGet = (path: string, code = 'H01') =>
  fetch(`${server.url}/api/competitions/${slug}/${path}`, {
    headers: { authorization: `Bearer ${tokenOf(server.fixture, code)}` },
  });

describe('records a person can read, in the venue’s clock', () => {
  // Runs after the tests above (which count 35 marks): a panel mark, its correction, a
  // second judge's mark voided by the head judge, faults with a veto, a time, and a lock.
  const ids: Record<string, number> = {};
  let bib = '';
  let name = '';
  beforeAll(async () => {
    const [j08, j09, j03, j05, head] = await Promise.all(
      ['J08', 'J09', 'J03', 'J05', 'H01'].map((c) =>
        connectJudge(server.ws, tokenOf(server.fixture, c)),
      ),
    );
    const c = j08!.welcome.contestants[0]!;
    bib = c.bib;
    name = c.name;
    const ack = async (p: Promise<unknown>) => ((await p) as MarkAck).markId;
    ids.first = await ack(
      submitMark(j08!, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '1' },
      }),
    );
    ids.correction = await ack(
      submitMark(j08!, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '2' },
        reason: '误点',
      }),
    );
    ids.j09 = await ack(
      submitMark(j09!, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '3' },
      }),
    );
    ids.bridge = await ack(
      submitMark(j03!, {
        contestantId: c.id,
        sheetId: 'bridge',
        values: { 'bridge-faults': { 'foot-down': 2 }, 'bridge-fell': true },
      }),
    );
    ids.smooth = await ack(
      submitMark(j05!, {
        contestantId: c.id,
        sheetId: 'smoothness',
        values: { 'smoothness-faults': {}, 'course-time': 65_342 },
      }),
    );
    const clientId = randomUUID();
    head!.send({ type: 'mark.void', clientId, markId: ids.j09, reason: '看错选手' });
    ids.void = (
      await head!.next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === clientId)
    ).markId;
    const lock = await fetch(`${server.url}/api/competitions/${slug}/course`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'H01')}`,
      },
      body: JSON.stringify({ action: 'station.lock', stationId: 'theory-exam' }),
    });
    expect(lock.status).toBe(200);
    for (const s of [j08, j09, j03, j05, head]) s!.close();
  });

  const auditRows = async (lang?: string) => {
    const text = await (await staffGet(`audit.csv${lang ? `?lang=${lang}` : ''}`)).text();
    return parse(text.replace(/^\uFEFF/, '')) as string[][];
  };

  it('audit CSV: venue time with its zone, judge, station, values in points, words; raw ids at the end', async () => {
    const [header, ...rows] = await auditRows();
    expect(header).toEqual([
      '时间',
      '操作',
      '人员',
      '号码',
      '选手',
      '站点',
      '次数',
      '内容',
      '原因',
      '评分ID',
      '更正/撤销对象ID',
      '人员ID',
      '评分表ID',
      '评分项ID',
      '版本',
      'UTC时间',
      '原始数据',
    ]);
    const byMark = (id: number) => rows.find((r) => r[9] === String(id))!;
    const first = byMark(ids.first!);
    expect(first[0]).toBe(`${kolkata(first[15]!)} Asia/Kolkata (UTC+05:30)`);
    expect(first[15]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first.slice(1, 9)).toEqual([
      '评分',
      'J08 程玉兰',
      bib,
      name,
      '货物打包',
      '1',
      '打包质量 1.00',
      '',
    ]);
    expect(first.slice(10, 15)).toEqual([
      '',
      expect.stringMatching(/^\d+$/),
      'packaging',
      'packaging-quality',
      expect.stringMatching(/^\d+$/),
    ]);
    expect(first[16]).toBe('{"packaging-quality":1000}');
    expect(byMark(ids.correction!).slice(1, 11)).toEqual([
      '更正',
      'J08 程玉兰',
      bib,
      name,
      '货物打包',
      '1',
      '打包质量 2.00；更正前：打包质量 1.00',
      '误点',
      String(ids.correction),
      String(ids.first),
    ]);
    expect(byMark(ids.void!).slice(1, 9)).toEqual([
      '撤销',
      'H01 孔德胜',
      bib,
      name,
      '货物打包',
      '1',
      '撤销 J09 薛永刚 的评分：打包质量 3.00',
      '看错选手',
    ]);
    expect(byMark(ids.bridge!)[5]).toBe('安全骑行·单边桥');
    expect(byMark(ids.bridge!)[7]).toBe('单边桥扣分：单脚着地×2；掉桥：已发生');
    expect(byMark(ids.smooth!)[7]).toBe('平稳性扣分：无扣分；全程用时 1分05.342秒');
    const lock = rows.find((r) => r[1] === '锁定站点')!;
    expect(lock.slice(2, 9)).toEqual(['H01 孔德胜', '', '', '理论考试', '', '', '']);
    expect(lock[12]).toBe('theory-exam');
    expect(lock[0]).toBe(`${kolkata(lock[15]!)} Asia/Kolkata (UTC+05:30)`);
    // No ISO stamp, numeric id or raw JSON left of the raw columns.
    for (const r of rows) {
      expect(r.slice(0, 9).join('|')).not.toMatch(/\d{4}-\d\d-\d\dT|\{"|mark:/);
    }
  });

  it('audit CSV in English with ?lang=en', async () => {
    const [header, ...rows] = await auditRows('en');
    expect(header!.slice(0, 9)).toEqual([
      'Time',
      'Action',
      'By',
      'Bib',
      'Contestant',
      'Station',
      'Attempt',
      'Details',
      'Reason',
    ]);
    const correction = rows.find((r) => r[9] === String(ids.correction))!;
    expect(correction[1]).toBe('correction');
    expect(correction[7]).toBe('Packaging quality 2.00; before: Packaging quality 1.00');
    expect(rows.find((r) => r[9] === String(ids.void))![1]).toBe('void');
    expect(rows.find((r) => r[12] === 'theory-exam' && r[9] === '')![1]).toBe('lock station');
    expect(correction[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Kolkata \(UTC\+05:30\)$/);
  });

  it('XLSX log: a wall-clock date cell with its zone beside it, words, and raw ids at the end', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await (await staffGet('export.xlsx')).arrayBuffer()) as never);
    const ws = wb.getWorksheet('评分记录')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      '时间',
      '时区',
      '操作',
      '人员',
      '号码',
      '选手',
      '站点',
      '次数',
      '内容',
      '原因',
      '评分ID',
      '更正/撤销对象ID',
      '人员ID',
      '评分表ID',
      '评分项ID',
      '版本',
      'UTC时间',
      '原始数据',
    ]);
    let row: ExcelJS.Row | undefined;
    ws.eachRow((r) => {
      if (r.getCell(11).value === ids.correction) row = r;
    });
    const cells = (row!.values as unknown[]).slice(1);
    // exceljs writes a Date as a zoneless serial from its UTC fields: the cell holds the
    // wall clock in Kolkata, read back as a Date whose UTC fields are that wall clock.
    const when = cells[0] as Date;
    expect(when).toBeInstanceOf(Date);
    expect(when.toISOString().slice(0, 19).replace('T', ' ')).toBe(kolkata(String(cells[16])));
    expect(row!.getCell(1).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(cells.slice(1, 12)).toEqual([
      'Asia/Kolkata (UTC+05:30)',
      '更正',
      'J08 程玉兰',
      bib,
      name,
      '货物打包',
      1,
      '打包质量 2.00；更正前：打包质量 1.00',
      '误点',
      ids.correction,
      ids.first,
    ]);
    expect(cells.slice(13, 15)).toEqual(['packaging', 'packaging-quality']);
    expect(cells[17]).toBe('{"packaging-quality":2000}');
    // The course actions have their own sheet, in the same columns.
    const actions = wb.getWorksheet('操作记录')!;
    expect((actions.getRow(1).values as unknown[]).slice(1)).toEqual(header);
    const lock = (actions.getRow(2).values as unknown[]).slice(1);
    expect(lock.slice(1, 4)).toEqual(['Asia/Kolkata (UTC+05:30)', '锁定站点', 'H01 孔德胜']);
    expect(lock[6]).toBe('理论考试');
    // A station sheet says its line status in words.
    const packaging = wb.getWorksheet('货物打包')!;
    const statuses = new Set<unknown>();
    packaging.eachRow((r, i) => i > 1 && statuses.add(r.getCell(4).value));
    // J08's mark stands and J09's was voided: one of three judges, in progress.
    expect([...statuses].sort()).toEqual(['未评', '评分中'].sort());
    const theory = wb.getWorksheet('理论考试')!;
    expect([theory.getRow(2).getCell(4).value, theory.getRow(2).getCell(5).value]).toEqual([
      '已评',
      '是',
    ]);

    const en = new ExcelJS.Workbook();
    await en.xlsx.load(
      Buffer.from(await (await staffGet('export.xlsx?lang=en')).arrayBuffer()) as never,
    );
    expect(en.worksheets.map((w) => w.name)).toContain('Marks log');
    expect(en.getWorksheet('Standings')!.getRow(1).getCell(1).value).toBe('Rank');
    const enLog = en.getWorksheet('Marks log')!;
    expect(enLog.getRow(1).getCell(3).value).toBe('Action');
  });

  it('score sheet and results page print the venue’s time with its zone named', async () => {
    const marks = (await auditRows()).filter((r) => r[9] === String(ids.correction));
    const html = await (await staffGet(`contestants/${encodeURIComponent(bib)}/sheet.html`)).text();
    expect(html).toContain('Asia/Kolkata (UTC+05:30)');
    expect(html).toContain(kolkata(marks[0]![15]!).slice(11));
    expect(html).toContain('打包质量 2.00');
    expect(html).toContain('全程用时 1分05.342秒');
    expect(html).toMatch(/打印时间 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Kolkata \(UTC\+05:30\)/);
    const results = await (
      await fetch(`${server.url}/api/competitions/${slug}/results.html`)
    ).text();
    expect(results).toMatch(/打印时间 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Kolkata \(UTC\+05:30\)/);
  });
});

describe('the staff workbook after staff changes', () => {
  it('names a renamed judge and follows a changed time zone at once (no stale cached copy)', async () => {
    const logOf = async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(
        Buffer.from(await (await staffGet('export.xlsx', 'O01')).arrayBuffer()) as never,
      );
      const ws = wb.getWorksheet('评分记录')!;
      return [2, ws.rowCount].map((i) => (ws.getRow(i).values as unknown[]).slice(1));
    };
    const before = await logOf();
    expect(before[0]![1]).toBe('Asia/Kolkata (UTC+05:30)');
    const patch = (path: string, body: object) =>
      fetch(`${server.url}/api/competitions/${slug}${path}`, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
        },
        body: JSON.stringify(body),
      });
    // A rename leaves the revision as it is; the workbook must still say the new name.
    expect((await patch('/officials/J01', { name: '罗文静（改）' })).status).toBe(200);
    expect((await logOf())[0]![3]).toBe('J01 罗文静（改）');
    expect((await patch('', { timeZone: 'Europe/Berlin' })).status).toBe(200);
    const after = await logOf();
    expect(after[0]![1]).toMatch(/^Europe\/Berlin \(UTC\+0[12]:00\)$/);
    const utc = String(after[0]![16]);
    const offset = after[0]![1] === 'Europe/Berlin (UTC+02:00)' ? 120 : 60;
    expect((after[0]![0] as Date).getTime()).toBe(Date.parse(utc) + offset * 60_000);
  });
});

describe('times of a printed page', () => {
  it('gives the time alone on the competition’s day, the date otherwise, and each offset when summer time ends mid-event', () => {
    expect(
      clockCells(['2024-10-26T06:03:07Z', '2024-10-26T16:30:00Z'], 'Asia/Shanghai', '2024-10-26'),
    ).toEqual({
      cells: ['14:03:07', '2024-10-27 00:30:00'],
      zone: 'Asia/Shanghai (UTC+08:00)',
      dated: true,
    });
    // Berlin, 27 October 2024: 02:30 happens twice; each cell says which.
    expect(
      clockCells(['2024-10-27T00:30:00Z', '2024-10-27T01:30:00Z'], 'Europe/Berlin', '2024-10-27'),
    ).toEqual({
      cells: ['02:30:00\n(UTC+02:00)', '02:30:00\n(UTC+01:00)'],
      zone: 'Europe/Berlin (UTC+02:00)、Europe/Berlin (UTC+01:00)',
      dated: true,
    });
  });
});
