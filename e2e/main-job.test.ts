/**
 * The main job end to end, as people do it: a judge's tablet page submits a mark over the
 * websocket, the server commits it, and a scoreboard page open beside it shows the new rank
 * without a reload. Real server, real SQLite file, Debian's Chromium; screenshots in
 * e2e/artifacts/ (main-job-*.png).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandingsResponse } from '../server/protocol/index.ts';
import { startTestServer, connectJudge, submitMark } from '../server/test-support.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const tokenOf = (code: string) => server.fixture.officials.find((o) => o.code === code)!.token;
const byTestId = (page: Page, id: string, attrs: Record<string, string> = {}) =>
  page.locator(
    `[data-testid="${id}"]` +
      Object.entries(attrs)
        .map(([k, v]) => `[data-${k}="${v}"]`)
        .join(''),
  );

describe('tablet → server → SQLite → live scoreboard', () => {
  it('a mark entered on the judge page moves the rider to first place on the open scoreboard', async () => {
    // Two riders already scored by another judge's tablet (a real websocket client).
    const proctor = await connectJudge(server.url.replace('http', 'ws'), tokenOf('J02'));
    const [first, second] = proctor.welcome.contestants;
    for (const c of [first!, second!])
      expect(
        (
          await submitMark(proctor, {
            contestantId: c.id,
            sheetId: 's-bend',
            values: { 's-bend-faults': { 'cone-touched': 1 } },
          })
        ).type,
      ).toBe('mark.ack');
    proctor.close();
    const target = proctor.welcome.contestants[7]!;

    const boardCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const board = await boardCtx.newPage();
    await board.goto(`${server.url}/scoreboard/`);
    await byTestId(board, 'live-status', { state: 'open' }).waitFor();
    await byTestId(board, 'board-row', { bib: first!.bib, rank: '1' }).waitFor();

    const tabletCtx = await browser.newContext({ viewport: { width: 800, height: 1280 } });
    const tablet = await tabletCtx.newPage();
    await tablet.goto(`${server.url}/judge-tablet/#token=${tokenOf('J01')}`);
    for (const k of target.bib) await byTestId(tablet, 'bib-key', { key: k }).click();
    await byTestId(tablet, 'bib-key', { key: 'ok' }).click();
    await byTestId(tablet, 'number-input', { 'criterion-id': 'theory-score' }).fill('９５');
    await byTestId(tablet, 'review').click();
    await byTestId(tablet, 'confirm-submit').click();
    await byTestId(tablet, 'mark-status', { status: 'saved' }).waitFor();
    await tablet.screenshot({ path: join(ARTIFACTS, 'main-job-tablet.png') });

    // The board, never reloaded, shows the new leader: 0.3 × 95 = 28.50 against 7.00.
    await byTestId(board, 'board-row', { bib: target.bib, rank: '1' }).waitFor({ timeout: 5000 });
    expect(
      await byTestId(board, 'board-row', { bib: target.bib })
        .locator('[data-testid="row-total"]')
        .getAttribute('data-total'),
    ).toBe('28.50');
    await byTestId(board, 'board-row', { bib: first!.bib, rank: '2' }).waitFor();
    // The row has finished moving for the picture: its motion fast-forwarded to the end.
    await board.screenshot({ path: join(ARTIFACTS, 'main-job-board.png'), animations: 'disabled' });

    const standings = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    expect(standings.rows[0]).toMatchObject({ bib: target.bib, rank: 1, total: '28.50' });
    expect(standings.rows.slice(1, 3).map((r) => [r.rank, r.total])).toEqual([
      [2, '7.00'],
      [2, '7.00'],
    ]);
    await boardCtx.close();
    await tabletCtx.close();
  });
});
