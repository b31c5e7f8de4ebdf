/**
 * Totals above 100 on every screen (issue 19, scheme version 2): a shooting match on the
 * points basis (six series of ten shots 0–10.9, totals near 620) on the real server, its
 * projector at 1920×1080 (Chinese and bilingual), the printable results page and the CSV.
 * Screenshots land in e2e/artifacts/scheme-v2-*.png (look at them).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandingsResponse } from '../server/protocol/index.ts';
import { connectJudge, startTestServer, submitMark } from '../server/test-support.ts';
import { ARTIFACTS, launchChromium } from './helpers.ts';

const SLUG = 'air-rifle-2025';
const L = (zh: string, en: string) => ({ zh, en });
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
  scheme: {
    schemaVersion: 2,
    id: 'air-rifle',
    label: L('10米气步枪', '10m air rifle'),
    decimals: 1,
    basis: 'points',
    modules: [
      {
        id: 'match',
        label: L('资格赛', 'Qualification'),
        points: 654,
        stations: Array.from({ length: 6 }, (_, s) => ({
          id: `series-${s + 1}`,
          label: L(`第${s + 1}组`, `Series ${s + 1}`),
          points: 109,
          criteria: Array.from({ length: 10 }, (_, i) => ({
            kind: 'judgement',
            id: `s${s + 1}-shot-${i + 1}`,
            label: L(`第${i + 1}发`, `Shot ${i + 1}`),
            points: 10.9,
            scale: { min: 0, max: 10.9, step: 0.1 },
            aggregate: { rule: 'mean' },
            tolerance: 0,
            result: 'mean',
          })),
        })),
      },
    ],
    tieBreaks: [{ kind: 'station', id: 'series-6', order: 'desc' }],
  },
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
      await page.waitForTimeout(500);
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
});
