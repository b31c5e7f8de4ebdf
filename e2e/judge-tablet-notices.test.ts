/**
 * What the head judge and a panel's recorder tell a judge's tablet, in Debian's Chromium
 * against the real server (portrait 800×1280): the default contest with the packaging sheet
 * filled by one judge and the emergency panel (J08, J09, J10) counting missed steps as well
 * as judging, J08 recording them (as server/owners.test.ts). A judge who does not record sees
 * the recorder's count read-only and sends his judgement only; a voided mark's author is told
 * why and what counts again, until he closes the notice (remembered across a reload); a
 * re-score request made while a tablet was closed reaches it when it opens. Screenshots land
 * in e2e/artifacts/ (tablet-panel-*.png, tablet-void*.png).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from '../server/plugins/seed.ts';
import { startTestServer, writeOwnersFixture } from '../server/test-support.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';
import { byTestId } from './support/dom.ts';
import { TabletPage } from './support/tablet.ts';
import { until } from './support/wait.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 800, height: 1280 };

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const fixture = readFixture();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jx-e2e-notices-'));
  server = await startTestServer(dir, writeOwnersFixture(dir));
  browser = await launchChromium();
});

// A test's pages close with it: a tablet left open stays signed in and goes on rendering.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  // Ends keep-alive connections Chromium still holds after a grace, so the close never hangs.
  await server?.close();
});

const tokenOf = (code: string) => fixture.officials.find((o) => o.code === code)!.token;

async function openTablet(code: string, query = '') {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    hasTouch: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', code, e));
  await page.goto(`${server.url}/judge-tablet/${query}#token=${tokenOf(code)}`);
  await waitReady(page);
  return page;
}

const waitReady = (page: Page) => new TabletPage(page).ready();

const typeBib = (page: Page, bib: string) => new TabletPage(page).typeBib(bib);

/** Chooses a level of a judgement criterion, reviews and confirms; waits for "saved". */
const judge = (page: Page, criterionId: string, value: string, reason?: string) =>
  new TabletPage(page).judge(criterionId, value, reason);

function contestantId(bib: string): number {
  return [...server.app.live.get(SLUG)!.contestants.values()].find((c) => c.bib === bib)!.id;
}

interface StoredMark {
  id: number;
  values_json: string;
  official_id: number;
}

function marksOf(bib: string, sheetId: string): StoredMark[] {
  return server.app.store.db.$client
    .prepare(
      `select id, values_json, official_id from marks
       where kind = 'mark' and contestant_id = ? and sheet_id = ? order by id`,
    )
    .all(contestantId(bib), sheetId) as StoredMark[];
}

async function staff(path: string, body: unknown, code = 'H01') {
  const res = await fetch(`${server.url}/api/competitions/${SLUG}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(code)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
}

/** The organiser changes which stations an official records. */
async function records(code: string, stations: string[]) {
  const res = await fetch(`${server.url}/api/competitions/${SLUG}/officials/${code}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${tokenOf('O01')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records: stations }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('judge tablet: what the recorder and the head judge tell a judge', () => {
  it('shows a non-recorder the recorder’s fault count read-only and accepts his judgement alone', async () => {
    const j09 = await openTablet('J09');
    await byTestId(j09, 'sheet-option', { 'sheet-id': 'emergency' }).click();
    await typeBib(j09, '3');
    // Nothing recorded yet: said so, with who records; no fault buttons for this judge.
    const card = byTestId(j09, 'recorded-measurements');
    await card.waitFor();
    expect(await card.getAttribute('data-state')).toBe('none');
    expect(await byTestId(j09, 'recorded-by').innerText()).toBe('由 J08 程玉兰 记录');
    expect(await byTestId(j09, 'recorded-none').innerText()).toBe('尚未记录');
    expect(await byTestId(j09, 'fault-add').count()).toBe(0);

    // The recorder's tablet has the whole sheet: he taps two missed steps and judges.
    const j08 = await openTablet('J08');
    await byTestId(j08, 'sheet-option', { 'sheet-id': 'emergency' }).click();
    await typeBib(j08, '3');
    await byTestId(j08, 'recorder-note').waitFor();
    const add = byTestId(j08, 'fault-add', {
      'criterion-id': 'emergency-steps',
      'fault-id': 'missed-step',
    });
    await add.click();
    await add.click();
    await judge(j08, 'emergency-handling', '2');

    // Pushed to the panel at once: the count, read-only, and the preview scores with it.
    await card.and(j09.locator('[data-state="recorded"]')).waitFor();
    const count = byTestId(j09, 'recorded-value', { 'criterion-id': 'emergency-steps' });
    expect(await count.innerText()).toBe('漏做一步 ×2（−2）');
    await byTestId(j09, 'judgement-level', {
      'criterion-id': 'emergency-handling',
      value: '3',
    }).click();
    // 3 / 3 × 10 + (5 − 2) = 13.00 of 15.
    expect(await byTestId(j09, 'sheet-score').innerText()).toContain('13.00');
    await j09.screenshot({ path: join(ARTIFACTS, 'tablet-panel-recorded.png') });
    await byTestId(j09, 'review').click();
    expect(
      await byTestId(j09, 'review-value', { 'criterion-id': 'emergency-steps' }).innerText(),
    ).toBe('漏做一步 ×2（−2）');
    await byTestId(j09, 'confirm-submit').click();
    await byTestId(j09, 'mark-status', { status: 'saved' }).waitFor();

    // Stored with the judgement only; the line scores the panel's mean with the recorder's count.
    const stored = marksOf('3', 'emergency').map((m) => JSON.parse(m.values_json));
    expect(stored).toEqual([
      { 'emergency-handling': 2000, 'emergency-steps': { 'missed-step': 2 } },
      { 'emergency-handling': 3000 },
    ]);
  });

  it('tells the author of a voided mark why and what counts again, until he closes it, across a reload', async () => {
    const j10 = await openTablet('J10');
    await byTestId(j10, 'sheet-option', { 'sheet-id': 'communication' }).click();
    await typeBib(j10, '4');
    await judge(j10, 'communication-quality', '2');
    await byTestId(j10, 'status-back').click();
    await byTestId(j10, 'queue-row', { bib: '4' }).click();
    await byTestId(j10, 'review').waitFor();
    await judge(j10, 'communication-quality', '3', '复看录像');
    await byTestId(j10, 'status-back').click();
    const [first, correction] = marksOf('4', 'communication');

    await staff(`/marks/${correction!.id}/void`, { reason: '更正无依据' });
    const notice = byTestId(j10, 'void-notice', { 'mark-id': correction!.id });
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('裁判长撤销了您的评分：更正无依据');
    expect(text).toContain('4号 何亚楠 · 客户沟通');
    expect(text).toContain('H01 孔德胜');
    // The mark the correction replaced counts again (2 of 3 → 6.67).
    expect(await byTestId(j10, 'void-current').innerText()).toContain(
      '现恢复为此前的评分：沟通表现 良好：礼貌规范、及时告知（本项得分 6.67）',
    );
    expect(await notice.getAttribute('data-restored')).toBe(String(first!.id));
    await j10.screenshot({ path: join(ARTIFACTS, 'tablet-void.png') });

    // The tablet's line follows: the restored mark is current, the voided one shown as such,
    // and a new correction builds on the restored mark.
    await byTestId(j10, 'list-tab', { tab: 'history' }).click();
    expect(
      await byTestId(j10, 'history-row', { 'mark-id': correction!.id }).getAttribute('data-voided'),
    ).toBe('true');
    await byTestId(j10, 'history-row', { 'mark-id': first!.id }).click();
    const two = byTestId(j10, 'judgement-level', {
      'criterion-id': 'communication-quality',
      value: '2',
    });
    expect(await two.getAttribute('aria-pressed')).toBe('true');
    await byTestId(j10, 'form-back').click();

    await byTestId(j10, 'void-dismiss').click();
    await notice.waitFor({ state: 'detached' });
    await j10.reload();
    await waitReady(j10);
    await byTestId(j10, 'queue-row', { bib: '4' }).waitFor();
    expect(await byTestId(j10, 'void-notice').count()).toBe(0);

    // A void with nothing to restore asks to score the line again, and "score it" opens it.
    await byTestId(j10, 'queue-row', { bib: '4' }).click();
    await judge(j10, 'communication-quality', '1', '再次复核');
    await byTestId(j10, 'status-back').click();
    const latest = marksOf('4', 'communication').at(-1)!;
    await staff(`/marks/${latest.id}/void`, { reason: '录入错误' });
    await staff(`/marks/${first!.id}/void`, { reason: '需重新评分' });
    const none = byTestId(j10, 'void-notice', { 'mark-id': first!.id });
    await none.waitFor();
    expect(await none.locator('[data-testid="void-current"]').innerText()).toBe('该项需重新评分');
    await j10.screenshot({ path: join(ARTIFACTS, 'tablet-void-none.png') });
    await none.locator('[data-testid="void-go"]').click();
    await byTestId(j10, 'review').waitFor();
    expect(await byTestId(j10, 'form-contestant').getAttribute('data-bib')).toBe('4');
    expect(await two.getAttribute('aria-pressed')).toBe('false');
  });

  it('shows a re-score request made while the tablet was closed when it opens, until the judge marks the line', async () => {
    // Every tablet of the earlier tests is closed: nobody is online to be told.
    for (const c of contexts.splice(0)) await c.close();
    const live = server.app.live.get(SLUG)!;
    await until(() => (server.app.live.judges.get(live.id)?.size ?? 0) === 0);
    const asked = await staff('/rescore', {
      contestantId: contestantId('5'),
      sheetId: 'communication',
      reason: '评分分歧过大',
    });
    expect(asked.tabletsTold).toBe(0);
    const j09 = await openTablet('J09');
    const banner = byTestId(j09, 'rescore-banner', { bib: '5', 'sheet-id': 'communication' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('原因：评分分歧过大');
    await byTestId(j09, 'rescore-go').click();
    await byTestId(j09, 'rescore-note').waitFor();
    await judge(j09, 'communication-quality', '2');
    await byTestId(j09, 'status-back').click();
    expect(await byTestId(j09, 'queue-row', { bib: '5' }).getAttribute('data-state')).toBe('saved');
    expect(await banner.count()).toBe(0);
    // The server agrees: answered, on this tablet's next welcome too.
    await j09.reload();
    await waitReady(j09);
    await byTestId(j09, 'queue-row', { bib: '5' }).waitFor();
    expect(await byTestId(j09, 'rescore-banner').count()).toBe(0);
  });

  it('names who wrote the current mark of a one-judge sheet in the saved list', async () => {
    const j08 = await openTablet('J08');
    await byTestId(j08, 'sheet-option', { 'sheet-id': 'packaging' }).click();
    await typeBib(j08, '6');
    await judge(j08, 'packaging-quality', '1');
    await byTestId(j08, 'status-back').click();
    // J09 corrects the line on his tablet: the sheet has one line, whoever writes it.
    const j09 = await openTablet('J09');
    await byTestId(j09, 'sheet-option', { 'sheet-id': 'packaging' }).click();
    await typeBib(j09, '6');
    await judge(j09, 'packaging-quality', '3', '复核后更正');
    await j08.reload();
    await waitReady(j08);
    await byTestId(j08, 'list-tab', { tab: 'history' }).click();
    // J08's own mark is shown corrected, J09's as the current one, naming its author.
    const [own, current] = marksOf('6', 'packaging');
    const row = byTestId(j08, 'history-row', { 'mark-id': current!.id });
    await row.waitFor();
    expect(await row.locator('[data-testid="history-author"]').innerText()).toMatch(/^由.*更正$/);
    expect(
      await byTestId(j08, 'history-row', { 'mark-id': own!.id }).getAttribute('data-superseded'),
    ).toBe('true');
    await row.click();
    expect(await byTestId(j08, 'saved-by-other').innerText()).toContain('已为该选手本项评分');
    await j08.screenshot({ path: join(ARTIFACTS, 'tablet-panel-by-other.png') });
  });

  // Last: it changes who records the emergency panel.
  it('returns a mark while the panel has no recorder with the server’s message, and takes it once one is named', async () => {
    const j09 = await openTablet('J09');
    await byTestId(j09, 'sheet-option', { 'sheet-id': 'emergency' }).click();
    await typeBib(j09, '7');
    expect(await byTestId(j09, 'recorded-by').innerText()).toBe('由 J08 程玉兰 记录');
    // The organiser takes the role from J08: J09's tablet is not told until it reconnects.
    await records('J08', []);
    await byTestId(j09, 'judgement-level', {
      'criterion-id': 'emergency-handling',
      value: '2',
    }).click();
    await byTestId(j09, 'review').click();
    await byTestId(j09, 'confirm-submit').click();
    const returned = byTestId(j09, 'mark-status', { status: 'rejected' });
    await returned.waitFor({ timeout: 10_000 }).catch(async (e) => {
      await j09.screenshot({ path: join(ARTIFACTS, 'debug-no-recorder.png') });
      throw e;
    });
    expect(await returned.innerText()).toContain('尚未指定记录裁判');
    await byTestId(j09, 'no-recorder-note').waitFor();
    expect(await byTestId(j09, 'recorded-by').innerText()).toBe('尚未指定记录裁判');
    // The judgement typed is kept on the form.
    expect(
      await byTestId(j09, 'judgement-level', {
        'criterion-id': 'emergency-handling',
        value: '2',
      }).getAttribute('aria-pressed'),
    ).toBe('true');
    await j09.screenshot({ path: join(ARTIFACTS, 'tablet-panel-no-recorder.png') });
    await records('J08', ['emergency']);
    await byTestId(j09, 'review').click();
    await byTestId(j09, 'confirm-submit').click();
    await byTestId(j09, 'mark-status', { status: 'saved' }).waitFor();
    expect(marksOf('7', 'emergency').map((m) => JSON.parse(m.values_json))).toEqual([
      { 'emergency-handling': 2000 },
    ]);
  });

  it('words a returned mark in the tablet’s language: an English judge reads the refusal in English', async () => {
    const j10 = await openTablet('J10', '?lang=en');
    await byTestId(j10, 'sheet-option', { 'sheet-id': 'emergency' }).click();
    await typeBib(j10, '8');
    await records('J08', []);
    try {
      await byTestId(j10, 'judgement-level', {
        'criterion-id': 'emergency-handling',
        value: '3',
      }).click();
      await byTestId(j10, 'review').click();
      await byTestId(j10, 'confirm-submit').click();
      const returned = byTestId(j10, 'mark-status', { status: 'rejected' });
      await returned.waitFor({ timeout: 10_000 });
      // The server sent the code, its parameters and its Chinese words; the tablet says it in
      // English (server/protocol/messages.ts), the sheet by its English name.
      const text = await returned.innerText();
      expect(text).toContain('No recorder is named for the measurements');
      expect(text).not.toMatch(/尚未指定记录裁判/);
      await j10.screenshot({ path: join(ARTIFACTS, 'tablet-refusal-en.png') });
    } finally {
      await records('J08', ['emergency']);
    }
  });
});
