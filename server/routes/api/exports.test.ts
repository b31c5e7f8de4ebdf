import type { StandingsResponse } from '#protocol';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../plugins/seed.ts';
import { neutralise, sheetName } from '../../services/exports.ts';
import { connectJudge, startTestServer, submitMark, tokenOf } from '../../test-support.ts';

// The default contest with names that break naive exporters.
const NAMES = ['欧阳娜娜', '𠮷田', '王,小明', '赵"六"', '=1+1', '@SUM(A1)', '-王五'];
const fixture = readFixture();
NAMES.forEach((n, i) => (fixture.contestants[i]!.name = n));
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
    expect(rows[1]![1]).toBe('mark:mark');
    expect(rows[1]![2]).toContain('J01');
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
