/**
 * "A run is never lost and a judge is never stranded", in Debian's Chromium against the real
 * server (portrait 800×1280): the default contest with two runs per rider at the riding
 * station. A reload mid-run (pull-to-refresh, a dropped tab) brings back the open sheet as
 * the judge left it — fault taps and their log, the running stopwatch (on the wall clock,
 * playwright's page.clock driving time), judgements, the attempt — until the server
 * acknowledges the mark; a device-clock jump, during the run or across the reload, makes the
 * tablet ask for the time to be typed; a second tab of the same tablet does not overwrite the
 * visible one. Then what a first-time organiser tripped over: the undo button, a typed time
 * on the stopwatch face, a hardware keyboard calling a bib up, a login used on two devices.
 * Screenshots land in e2e/artifacts/ (tablet-draft-*.png, tablet-time-uncertain*.png).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../server/test-support.ts';
import { readFixture } from '../server/plugins/seed.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';
import { byTestId } from './support/dom.ts';
import { TabletPage } from './support/tablet.ts';
import { until } from './support/wait.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 800, height: 1280 };
/** A Saturday morning of the contest, in Beijing time. */
const T0 = Date.parse('2024-10-12T09:30:00+08:00');

/** The default contest, the riding station run twice per rider (best run counts). */
function twoRunsFixture(dir: string): string {
  const f = JSON.parse(
    readFileSync(new URL('../fixtures/gaoxin-2024/fixture.json', import.meta.url), 'utf8'),
  );
  for (const m of f.scheme.modules)
    for (const st of m.stations) if (st.id === 'riding') st.attempts = { count: 2, rule: 'best' };
  const file = join(dir, 'fixture.json');
  writeFileSync(file, JSON.stringify(f));
  return file;
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const fixture = readFixture();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jx-e2e-drafts-'));
  server = await startTestServer(dir, twoRunsFixture(dir));
  browser = await launchChromium();
});

// Each test's tablets leave with it (another device of the same login would show a banner).
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
const tabletUrl = (code: string) => `${server.url}/judge-tablet/#token=${tokenOf(code)}`;

/**
 * A tablet: its own browser context (storage), signed in by link. `clock`: playwright's fake
 * clock, installed at T0 before the page loads, then paused (time moves only by runFor).
 * `visibility`: a page visibility the test sets with __setVisible (two tabs of one tablet).
 */
async function openTablet(code: string, opts: { clock?: boolean; visibility?: boolean } = {}) {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    hasTouch: true,
    timezoneId: 'Asia/Shanghai',
  });
  contexts.push(context);
  if (opts.visibility) await context.addInitScript(fakeVisibility);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', code, e));
  if (opts.clock) await page.clock.install({ time: T0 });
  await page.goto(tabletUrl(code));
  await waitReady(page);
  if (opts.clock) await page.clock.pauseAt(T0 + 60_000);
  return { context, page };
}

/** Page visibility the test drives: `__setVisible('hidden' | 'visible')`. */
function fakeVisibility() {
  let visible: DocumentVisibilityState = 'visible';
  Object.defineProperty(document, 'visibilityState', { get: () => visible });
  Object.defineProperty(document, 'hidden', { get: () => visible === 'hidden' });
  (window as unknown as Record<string, unknown>).__setVisible = (v: DocumentVisibilityState) => {
    visible = v;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

const setVisible = (page: Page, v: 'visible' | 'hidden') =>
  page.evaluate((v) => (window as unknown as { __setVisible(v: string): void }).__setVisible(v), v);

const waitReady = (page: Page) => new TabletPage(page).ready();

const typeBib = (page: Page, bib: string) => new TabletPage(page).typeBib(bib);

/** The drafts the tablet keeps in localStorage (key suffix contestant:sheet:attempt → draft). */
function storedDrafts(page: Page) {
  return page.evaluate(() =>
    Object.fromEntries(
      Object.keys(localStorage)
        .filter((k) => k.startsWith('jx.judge.draft.'))
        .map((k) => [k.split('.').pop()!, JSON.parse(localStorage.getItem(k)!)]),
    ),
  ) as Promise<Record<string, { submitted: string | null; form: { log: unknown[] } }>>;
}

const display = (page: Page) => byTestId(page, 'stopwatch-display');
const count = (page: Page, faultId: string) =>
  byTestId(page, 'fault-count', { 'fault-id': faultId }).innerText();

function contestantId(bib: string): number {
  return [...server.app.live.get(SLUG)!.contestants.values()].find((c) => c.bib === bib)!.id;
}

function marksOf(bib: string, sheetId: string) {
  return server.app.store.db.$client
    .prepare(
      `select id, attempt, values_json from marks
       where kind = 'mark' and contestant_id = ? and sheet_id = ? order by id`,
    )
    .all(contestantId(bib), sheetId) as { id: number; attempt: number; values_json: string }[];
}

/**
 * Holds the server's mark.ack frames back until released, so the test sees the tablet between
 * "sent" and "acknowledged".
 */
async function holdAcks(context: BrowserContext) {
  const held: (() => void)[] = [];
  let holding = true;
  await context.routeWebSocket(/\/ws\/judge$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => upstream.send(m));
    upstream.onMessage((m) => {
      if (holding && typeof m === 'string' && m.includes('"mark.ack"')) held.push(() => ws.send(m));
      else ws.send(m);
    });
    ws.onClose(() => upstream.close());
    upstream.onClose(() => ws.close());
  });
  return {
    get count() {
      return held.length;
    },
    release() {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

describe('judge tablet drafts: a reload mid-run loses nothing', () => {
  it('brings back the taps, the attempt and the running stopwatch after a reload, until the ack', async () => {
    const { context, page } = await openTablet('J05', { clock: true });
    const acks = await holdAcks(context);
    // The page is reloaded once so the gate sees the socket.
    await page.reload();
    await waitReady(page);
    await typeBib(page, '11');
    // The second run of bib 11: the attempt is part of what is kept.
    await byTestId(page, 'attempt-option', { attempt: 2 }).click();
    await byTestId(page, 'stopwatch-start').click();
    await page.clock.runFor(3_000);
    const spill = byTestId(page, 'fault-add', { 'fault-id': 'water-spilled' });
    await spill.click();
    await spill.click();
    await spill.click();
    await byTestId(page, 'fault-undo', { 'fault-id': 'water-spilled' }).click();
    await page.clock.runFor(62_300);
    expect(await display(page).innerText()).toBe('01:05.3');
    // Written as it happened, before any unload.
    const before = await storedDrafts(page);
    expect(Object.keys(before)).toEqual([`${contestantId('11')}:smoothness:2`]);
    expect(before[`${contestantId('11')}:smoothness:2`]!.form.log).toHaveLength(4);

    // The page goes (pull-to-refresh): the browser asks first, as an open sheet has taps.
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    await page.reload();
    const restored = byTestId(page, 'draft-restored');
    await restored.waitFor();
    expect(dialogs).toEqual(['beforeunload']);
    // Saved at the last tap, and once more as the page went (09:32:05).
    expect(await restored.innerText()).toContain('已恢复 09:32 未提交的记录');
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('11');
    expect(
      await byTestId(page, 'attempt-option', { attempt: 2 }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await count(page, 'water-spilled')).toBe('2');
    const log = await page.locator('.log li').allInnerTexts();
    expect(log.map((l) => l.replace(/\s+/g, ''))).toEqual([
      '00:03.0洒水撤销',
      '00:03.0洒水+1',
      '00:03.0洒水+1',
      '00:03.0洒水+1',
    ]);
    // Still running, on the wall clock: 3 s to the last tap, then 62.3 s while the page went.
    expect(await display(page).getAttribute('data-running')).toBe('true');
    expect(await display(page).innerText()).toBe('01:05.3');
    await page.clock.runFor(1_000);
    expect(await display(page).innerText()).toBe('01:06.3');
    expect(await byTestId(page, 'stopwatch-stop').isEnabled()).toBe(true);
    await waitReady(page);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-draft-restored.png') });
    // Back in the queue, the line says it holds a draft.
    await byTestId(page, 'form-back').click();
    const row = byTestId(page, 'queue-row', { bib: '11' });
    expect(await row.getAttribute('data-draft')).toBe('true');
    expect(await row.innerText()).toContain('草稿');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-draft-queue.png') });
    await row.click();
    expect(await display(page).getAttribute('data-running')).toBe('true');

    // Stopped and sent: the draft stays until the server acknowledges the mark.
    await byTestId(page, 'stopwatch-stop').click();
    const seconds = byTestId(page, 'number-input', { 'criterion-id': 'course-time' });
    expect(await seconds.inputValue()).toBe('66.3');
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await until(() => acks.count === 1);
    expect(marksOf('11', 'smoothness')).toHaveLength(1);
    const sent = await storedDrafts(page);
    expect(Object.values(sent)[0]!.submitted).toEqual(expect.any(String));
    acks.release();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    await until(async () => Object.keys(await storedDrafts(page)).length === 0);
    const [mark] = marksOf('11', 'smoothness');
    expect(mark!.attempt).toBe(2);
    expect(JSON.parse(mark!.values_json)).toEqual({
      'smoothness-faults': { 'water-spilled': 2 },
      'course-time': 66_300,
    });

    // Nothing comes back after the next reload (and nothing asks before it).
    await page.reload();
    await waitReady(page);
    await byTestId(page, 'queue-row', { bib: '11' }).waitFor();
    expect(await byTestId(page, 'review').count()).toBe(0);
    expect(await row.getAttribute('data-draft')).toBe('false');
    expect(dialogs).toEqual(['beforeunload']);
  });

  it('brings back a judgement and stays on the visible tab when a second tab opens', async () => {
    const { context, page: first } = await openTablet('J08', { visibility: true });
    await byTestId(first, 'sheet-option', { 'sheet-id': 'packaging' }).click();
    await typeBib(first, '5');
    const level = (page: Page, value: string) =>
      byTestId(page, 'judgement-level', { 'criterion-id': 'packaging-quality', value });
    await level(first, '2').click();

    // A second tab of the same tablet opens the same page; the first goes to the background.
    await setVisible(first, 'hidden');
    const second = await context.newPage();
    await second.goto(tabletUrl('J08'));
    await byTestId(second, 'draft-restored').waitFor();
    expect(await byTestId(second, 'form-contestant').getAttribute('data-bib')).toBe('5');
    expect(await level(second, '2').getAttribute('aria-pressed')).toBe('true');
    await level(second, '3').click();

    // The hidden tab writes nothing, whatever happens in it.
    await level(first, '1').click();
    const key = `${contestantId('5')}:packaging:1`;
    const stored = async () =>
      (await storedDrafts(second))[key] as unknown as { form: { texts: Record<string, string> } };
    expect((await stored()).form.texts['packaging-quality']).toBe('3');

    // Shown again, it takes the newer draft the other tab wrote.
    await setVisible(second, 'hidden');
    await setVisible(first, 'visible');
    await until(async () => (await level(first, '3').getAttribute('aria-pressed')) === 'true');
    expect(await level(first, '1').getAttribute('aria-pressed')).toBe('false');
    await second.close();

    // The judge discards it: the form starts again and the draft is gone.
    first.on('dialog', (d) => void d.accept());
    await byTestId(first, 'draft-restored').waitFor();
    await byTestId(first, 'draft-discard').click();
    await byTestId(first, 'draft-restored').waitFor({ state: 'detached' });
    expect(await level(first, '3').getAttribute('aria-pressed')).toBe('false');
    expect(await storedDrafts(first)).toEqual({});
  });
});

describe('judge tablet: the device clock jumps', () => {
  it('asks for the time when the clock jumps during a run, and when a restored start lies ahead', async () => {
    const { page } = await openTablet('J05', { clock: true });
    await typeBib(page, '12');
    await byTestId(page, 'stopwatch-start').click();
    await page.clock.runFor(5_000);
    expect(await byTestId(page, 'time-uncertain').count()).toBe(0);
    // The tablet's clock is set back ten minutes mid-run (the monotonic clock runs on).
    await page.clock.setSystemTime((await page.evaluate(() => Date.now())) - 600_000);
    await page.clock.runFor(1_000);
    const warning = byTestId(page, 'time-uncertain', { 'criterion-id': 'course-time' });
    await warning.waitFor();
    expect(await warning.innerText()).toContain('用时不确定，请输入用时');
    expect(await warning.innerText()).toContain('设备时钟发生了跳变');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-time-uncertain-run.png') });
    // Stopped, the reading is no answer: the time must be typed before going on.
    await byTestId(page, 'stopwatch-stop').click();
    await byTestId(page, 'review').click();
    expect(await byTestId(page, 'confirm-submit').count()).toBe(0);
    expect(
      await byTestId(page, 'field-error', { 'criterion-id': 'course-time' }).innerText(),
    ).toContain('请输入用时');
    const seconds = byTestId(page, 'number-input', { 'criterion-id': 'course-time' });
    await seconds.fill('6.2');
    await warning.waitFor({ state: 'detached' });
    expect(await display(page).innerText()).toBe('00:06.2');

    // A new run (after a reset), then the tab is gone while the clock is set back: the
    // restored start lies in the future, so the time is asked for again.
    await byTestId(page, 'stopwatch-reset').click();
    await byTestId(page, 'stopwatch-start').click();
    await page.clock.runFor(2_000);
    const now = await page.evaluate(() => Date.now());
    page.on('dialog', (d) => void d.accept());
    await page.goto('about:blank');
    await page.clock.setSystemTime(now - 600_000);
    await page.goto(tabletUrl('J05'));
    await waitReady(page);
    await warning.waitFor();
    expect(await display(page).innerText()).toBe('--:--.-');
    expect(await display(page).getAttribute('data-running')).toBe('false');
    expect(await seconds.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'number-input',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-time-uncertain.png') });
    // Still asked after one more reload (the draft says so).
    await page.reload();
    await warning.waitFor();
    await seconds.fill('8.5');
    await warning.waitFor({ state: 'detached' });
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(JSON.parse(marksOf('12', 'smoothness')[0]!.values_json)['course-time']).toBe(8_500);
  });
});

describe('judge tablet: what a first-time organiser tripped over', () => {
  it('reads the undo button as an undo, not a deduction', async () => {
    const { page } = await openTablet('J03');
    await typeBib(page, '4');
    const undo = byTestId(page, 'fault-undo', { 'fault-id': 'foot-down' });
    expect(await undo.innerText()).toBe('撤销上一次');
    expect(await undo.innerText()).not.toContain('−');
    expect(await undo.getAttribute('aria-label')).toBe('撤销上一次：单脚着地');
    expect(await undo.locator('svg').count()).toBe(1);
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await undo.click();
    expect(await count(page, 'foot-down')).toBe('1');
    // Not in the deduction's red: the deduction is, the undo is not.
    const color = (sel: string) =>
      page
        .locator(sel)
        .first()
        .evaluate((el) => getComputedStyle(el).color);
    const red = await color('.deduction');
    expect(await undo.evaluate((el) => getComputedStyle(el).color)).not.toBe(red);
    expect(await page.locator('.log li').first().innerText()).toContain('撤销');
    await page.locator('.faults').screenshot({ path: join(ARTIFACTS, 'tablet-undo.png') });
  });

  it('shows a typed time on the stopwatch face and says that start continues from it', async () => {
    const { page } = await openTablet('J05', { clock: true });
    await typeBib(page, '13');
    const seconds = byTestId(page, 'number-input', { 'criterion-id': 'course-time' });
    await seconds.fill('65.3');
    expect(await display(page).innerText()).toBe('01:05.3');
    const note = byTestId(page, 'stopwatch-typed-note');
    expect(await note.innerText()).toContain('点「继续」从这个时间接着计时');
    expect(await byTestId(page, 'stopwatch-start').innerText()).toContain('继续');
    await seconds.fill('abc');
    expect(await display(page).innerText()).toBe('--:--.-');
    await seconds.fill('12');
    expect(await display(page).innerText()).toBe('00:12.0');
    // Start continues from the typed time; the box waits while the clock runs.
    await byTestId(page, 'stopwatch-start').click();
    await note.waitFor({ state: 'detached' });
    expect(await seconds.getAttribute('readonly')).not.toBeNull();
    await page.clock.runFor(2_500);
    expect(await display(page).innerText()).toBe('00:14.5');
    await byTestId(page, 'stopwatch-stop').click();
    expect(await seconds.inputValue()).toBe('14.5');
    await byTestId(page, 'stopwatch-reset').click();
    expect(await display(page).innerText()).toBe('00:00.0');
    expect(await byTestId(page, 'stopwatch-start').innerText()).toContain('开始');
  });

  it('calls a bib up from a hardware keyboard', async () => {
    const { page } = await openTablet('J02');
    await page.keyboard.type('17');
    expect(await byTestId(page, 'bib-display').innerText()).toBe('17');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('8');
    await page.keyboard.press('Enter');
    await byTestId(page, 'review').waitFor();
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('18');
    // Keys on the form go to the form (no bib typed behind it); back on the queue, a keypad
    // key tapped first does not swallow the keyboard's Enter.
    await byTestId(page, 'form-back').click();
    await byTestId(page, 'bib-key', { key: '2' }).click();
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');
    await byTestId(page, 'review').waitFor();
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('20');
  });

  it('does not pull to refresh', async () => {
    const { page } = await openTablet('J02');
    const overscroll = await page.evaluate(() =>
      [document.documentElement, document.body].map(
        (el) => getComputedStyle(el).overscrollBehaviorY,
      ),
    );
    expect(overscroll).toEqual(['contain', 'contain']);
  });

  it('tells a judge logged in on two devices, on both, until one leaves', async () => {
    const { page: one } = await openTablet('J07');
    expect(await byTestId(one, 'sessions-banner').count()).toBe(0);
    const { context: other, page: two } = await openTablet('J07');
    for (const page of [one, two]) {
      const banner = byTestId(page, 'sessions-banner', { count: 2 });
      await banner.waitFor();
      expect(await banner.innerText()).toContain('本账号已在另一台设备登录');
    }
    await one.screenshot({ path: join(ARTIFACTS, 'tablet-two-devices.png') });
    await other.close();
    await byTestId(one, 'sessions-banner').waitFor({ state: 'detached' });
  });
});
