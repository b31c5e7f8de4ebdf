/**
 * Totals above 100 on every screen (issue 19, scheme version 2): a shooting match on the
 * points basis (six series of ten shots 0–10.9, totals near 620) on the real server, its
 * projector at 1920×1080 (Chinese and bilingual), and every export with its totals whole: the
 * printable results page and a contestant's score sheet at A4 print width, the CSV and the XLSX
 * (numbers as numbers, in columns wide enough), public and staff.
 * Screenshots land in e2e/artifacts/scheme-v2-*.png (look at them).
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandingsResponse } from '../server/protocol/index.ts';
import { connectJudge, startTestServer, submitMark } from '../server/test-support.ts';
import { unfit } from './fit.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';
import { animationsDone } from './support/dom.ts';
import { L, shooting } from '../fixtures/schemes-v2.ts';

const SLUG = 'air-rifle-2025';
const token = (n: number) => n.toString(16).padStart(32, 'c');
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
const GIVEN = [
  '思远',
  '雨桐',
  '浩然',
  '欣怡',
  '子轩',
  '梓涵',
  '宇航',
  '诗琪',
  '俊杰',
  '佳怡',
  '明轩',
  '若曦',
];

const file = {
  competition: {
    slug: SLUG,
    title: L('2025 年气步枪资格赛', '2025 Air Rifle Qualification'),
    date: '2025-11-15',
  },
  scheme: shooting({ tieBreaks: [{ kind: 'station', id: 'series-6', order: 'desc' }] }),
  contestants: SURNAMES.map((s, i) => ({
    bib: String(101 + i),
    drawOrder: i + 1,
    name: s + GIVEN[i],
    organisation: ['四川队', '重庆队', '成都体育学院', '绵阳射击俱乐部'][i % 4],
  })),
  officials: [
    { code: 'O01', name: '组委会', role: 'organiser', sheets: [], token: token(1) },
    {
      code: 'J01',
      name: '记分员',
      role: 'judge',
      sheets: Array.from({ length: 6 }, (_, s) => `series-${s + 1}`),
      token: token(2),
    },
  ],
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'jx-v2-')), 'air-rifle.json');
  writeFileSync(path, JSON.stringify(file));
  server = await startTestServer(undefined, path);
  browser = await launchChromium();
  const judge = await connectJudge(server.ws, token(2));
  const ids = judge.welcome.contestants.map((c) => c.id);
  for (const [k, id] of ids.entries())
    for (let s = 1; s <= 6; s++) {
      // 9.6–10.9 a shot, a different sum for each shooter: totals between 580 and 650.
      const values = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [
          `s${s}-shot-${i + 1}`,
          ((96 + ((k * 5 + s * 3 + i * 7 + k * i * s) % 14)) / 10).toFixed(1),
        ]),
      );
      const ack = await submitMark(judge, { contestantId: id, sheetId: `series-${s}`, values });
      expect(ack.type).toBe('mark.ack');
    }
  judge.close();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a shooting match on the points basis', () => {
  it('standings, CSV and the projector show totals above 500 in full', async () => {
    const standings = (await (
      await fetch(`${server.url}/api/competitions/${SLUG}/standings`)
    ).json()) as StandingsResponse;
    const totals = standings.rows.map((r) => Number(r.total));
    expect(Math.min(...totals)).toBeGreaterThan(500);
    for (const r of standings.rows)
      expect(Number(r.total)).toBeCloseTo(
        Object.values(r.stations).reduce((a, s) => a + Number(s.score), 0),
        5,
      );
    expect(standings.columns.modules[0]!.weight).toBeNull();
    const csv = await (await fetch(`${server.url}/api/competitions/${SLUG}/export.csv`)).text();
    expect(csv).toContain(standings.rows[0]!.total);

    for (const [name, query] of [
      ['zh', ''],
      ['both', '&lang=both'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(`${server.url}/scoreboard/?competition=${SLUG}${query}`);
      await page.getByText(standings.rows[0]!.total).first().waitFor({ timeout: 20_000 });
      // Measured where the rows come to rest: once what moves them has finished.
      await animationsDone(page);
      // Every total is drawn in full: no cell's text overflows its box.
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll('*')]
          .filter((e) => e.children.length === 0 && /^\d{3}\.\d$/.test(e.textContent?.trim() ?? ''))
          // Older ticker entries slide out past the fade by design; the newest must show whole.
          .filter((e) => !e.closest('[data-testid="ticker-item"]:not(.newest)'))
          .filter((e) => {
            const box = e.getBoundingClientRect();
            const parent = e.parentElement!;
            return (
              box.width > 0 &&
              (box.right > 1920 ||
                (parent.clientWidth > 0 && parent.scrollWidth > parent.clientWidth + 1))
            );
          })
          .map((e) => e.textContent),
      );
      await page.screenshot({ path: join(ARTIFACTS, `scheme-v2-board-${name}.png`) });
      expect(clipped).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `scheme-v2-board-${name}.png`) });
      await page.close();
    }
    const results = await browser.newPage({ viewport: { width: 1240, height: 1754 } });
    await results.goto(`${server.url}/api/competitions/${SLUG}/results.html`);
    await results.screenshot({ path: join(ARTIFACTS, 'scheme-v2-results.png'), fullPage: true });
    await results.close();
  }, 90_000);

  it('the results page, a score sheet, the CSV and the XLSX show totals above 500 whole', async () => {
    const base = `${server.url}/api/competitions/${SLUG}`;
    const staff = { authorization: `Bearer ${token(1)}` };
    const standings = (await (
      await fetch(`${base}/standings`, { headers: staff })
    ).json()) as StandingsResponse;
    const totals = new Map(standings.rows.map((r) => [r.bib, r.total]));
    expect(Math.min(...[...totals.values()].map(Number))).toBeGreaterThan(500);

    // CSV, public and staff: each contestant's total field is the full value.
    for (const headers of [{}, staff]) {
      const csv = await (await fetch(`${base}/export.csv`, { headers })).text();
      const rows = parse(csv.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r['号码'], r['总分']])).toEqual(
        standings.rows.map((r) => [r.bib, r.total]),
      );
    }

    // XLSX, public and staff: numbers as numbers with one decimal, in columns wide enough
    // that a spreadsheet shows them (Excel draws "####" in a column narrower than the number;
    // a column without a width is Excel's default 8.43 characters).
    for (const headers of [{}, staff]) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await (await fetch(`${base}/export.xlsx`, { headers })).arrayBuffer());
      const numberCells: { sheet: string; text: string; width: number }[] = [];
      for (const ws of wb.worksheets.slice(0, 1 + 6)) {
        const header = (ws.getRow(1).values as unknown[]).map(String);
        ws.eachRow((row, n) => {
          if (n === 1) return;
          row.eachCell((cell, col) => {
            if (typeof cell.value !== 'number') return;
            const fmt = cell.numFmt || ws.getColumn(col).numFmt;
            numberCells.push({
              sheet: ws.name,
              text: `${header[col]}=${cell.value.toFixed(fmt === '0.0' ? 1 : 0)}`,
              width: ws.getColumn(col).width ?? 8.43,
            });
          });
        });
        if (ws === wb.worksheets[0]) {
          const col = header.indexOf('总分');
          for (const r of standings.rows) {
            const row = ws.getColumn(2).values.findIndex((v) => String(v) === r.bib);
            const cell = ws.getRow(row).getCell(col);
            expect([r.bib, cell.value, cell.numFmt]).toEqual([r.bib, Number(r.total), '0.0']);
          }
        }
      }
      expect(numberCells.length).toBeGreaterThan(standings.rows.length * 7);
      // A number needs its digits and a character's margin.
      const hidden = numberCells.filter((c) => c.width < c.text.split('=')[1]!.length + 1);
      expect(hidden).toEqual([]);
    }

    // The printable pages as printed: A4 landscape for the results (297 − 2 × 12 mm wide),
    // A4 portrait for a score sheet (210 − 2 × 14 mm), print media, every total whole.
    const mm = 96 / 25.4;
    const results = await browser.newPage({
      viewport: { width: Math.floor(273 * mm), height: Math.floor(186 * mm) },
    });
    await results.emulateMedia({ media: 'print' });
    await results.goto(`${base}/results.html`, { waitUntil: 'load' });
    const printed = await results.$$eval('tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-bib'),
        tr.lastElementChild!.previousElementSibling!.textContent,
      ]),
    );
    expect(printed).toEqual(standings.rows.map((r) => [r.bib, r.total]));
    expect(await unfit(results, 'td', { oneLine: true })).toEqual([]);
    expect(await results.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await results.screenshot({ path: join(ARTIFACTS, 'scheme-v2-results-a4.png'), fullPage: true });
    await results.close();

    const top = standings.rows[0]!;
    const sheet = await browser.newPage({
      viewport: { width: Math.floor(182 * mm), height: Math.floor(269 * mm) },
      extraHTTPHeaders: staff,
    });
    await sheet.emulateMedia({ media: 'print' });
    await sheet.goto(`${base}/contestants/${top.bib}/sheet.html`, { waitUntil: 'load' });
    expect(await sheet.locator('[data-testid="sheet-total"]').innerText()).toBe(top.total);
    expect(await sheet.locator('h2 .score').allInnerTexts()).toEqual(
      Array.from({ length: 6 }, (_, s) => top.stations[`series-${s + 1}`]!.score),
    );
    expect([
      ...(await unfit(sheet, '[data-testid="sheet-total"]', { oneLine: true })),
      ...(await unfit(sheet, '.total', { oneLine: true })),
      ...(await unfit(sheet, 'h2 .score', { oneLine: true })),
      ...(await unfit(sheet, 'td', {})),
    ]).toEqual([]);
    expect(await sheet.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await sheet.screenshot({ path: join(ARTIFACTS, 'scheme-v2-sheet-a4.png'), fullPage: true });
    await sheet.close();
  }, 60_000);

  it('the console’s progress matrix at 1366×768 shows six series and totals above 600 whole', async () => {
    const standings = (await (
      await fetch(`${server.url}/api/competitions/${SLUG}/standings`)
    ).json()) as StandingsResponse;
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${server.url}/console/`);
    await page.locator('[data-testid="login-token-input"]').fill(token(1));
    await page.locator('[data-testid="login-submit"]').click();
    await page.locator('[data-testid="progress-overall"]').waitFor({ timeout: 15_000 });
    const rows = page.locator('[data-testid="matrix-row"]');
    await expect.poll(() => rows.count()).toBe(standings.rows.length);
    for (const r of standings.rows) {
      const text = await page
        .locator(`[data-testid="matrix-row"][data-bib="${r.bib}"]`)
        .innerText();
      expect(text).toContain(r.total);
      for (const st of Object.values(r.stations)) expect(text).toContain(st.score);
    }
    expect([
      ...(await unfit(page, '[data-testid="matrix-cell"]', { oneLine: true })),
      ...(await unfit(page, '[data-testid="matrix-row"] td.total', { oneLine: true })),
      // The latest marks beside the matrix: a series' score after its ellipsised shots.
      ...(await unfit(page, 'li > b.num', { oneLine: true })),
    ]).toEqual([]);
    expect(await page.locator('li > b.num').first().innerText()).toMatch(/^\d{2,3}\.\d$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await page.screenshot({
      path: join(ARTIFACTS, 'scheme-v2-console-progress-shooting-1366.png'),
    });
    await page.locator('[data-testid="matrix-row"]').last().scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(ARTIFACTS, 'scheme-v2-console-progress-shooting-1366-full.png'),
      fullPage: true,
    });
    await page.close();
  }, 60_000);
});
