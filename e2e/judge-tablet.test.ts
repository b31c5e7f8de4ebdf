/**
 * The judge tablet in Debian's Chromium against the real server, portrait 800×1280 unless a
 * test says otherwise (landscape 1280×800, phone 390×844): log in by link, call contestants
 * up by keypad, time runs, tap faults, give judgements, confirm, and see "saved" only after
 * the server's ack — then check the standings endpoint and the marks table. The judge socket
 * runs through a gate (page.routeWebSocket) that can hold acks back or cut the connection, to
 * prove marks survive a reload in the IndexedDB outbox and are stored once. The head judge
 * locks and re-opens stations over the staff HTTP endpoint while a tablet is open.
 * Screenshots land in e2e/artifacts/.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  div,
  formatScaled,
  indexScheme,
  parseSheetValues,
  rat,
  roundToUnits,
  scoreSheet,
  zonedTime,
} from '../server/engine/index.ts';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import type { JudgeServerMessage, StandingsResponse } from '../server/protocol/index.ts';
import { tokenFingerprint } from '../judge-tablet/storage.ts';
import { ARTIFACTS, launchChromium, startServer } from './helpers.ts';
import { until } from './support/wait.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 800, height: 1280 };
const LANDSCAPE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** The smallest touch target allowed anywhere on the tablet, CSS px. */
const MIN_TARGET = 48;

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});

// A test's pages close with it: a tablet left open stays signed in and goes on rendering.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

const tokenOf = (code: string) => server.fixture.officials.find((o) => o.code === code)!.token;

/**
 * The judge socket between page and server. `holdAcks` keeps mark.ack frames back until
 * `releaseAcks()`; `offline` cuts open sockets and refuses new ones (a Wi-Fi drop or a
 * captive portal), while page loads over HTTP still work.
 */
class SocketGate {
  offline = false;
  holdAcks = false;
  #held: (() => void)[] = [];
  #open = new Set<WebSocketRoute>();

  async attach(context: BrowserContext) {
    await context.routeWebSocket(/\/ws\/judge$/, (page) => {
      if (this.offline) {
        page.close();
        return;
      }
      const upstream = page.connectToServer();
      this.#open.add(page);
      page.onMessage((m) => {
        if (!this.offline) upstream.send(m);
      });
      upstream.onMessage((m) => {
        if (this.holdAcks && typeof m === 'string' && m.includes('"mark.ack"'))
          this.#held.push(() => page.send(m));
        else page.send(m);
      });
      page.onClose(() => {
        this.#open.delete(page);
        upstream.close();
      });
      upstream.onClose(() => {
        this.#open.delete(page);
        page.close();
      });
    });
  }

  get heldCount() {
    return this.#held.length;
  }

  releaseAcks() {
    this.holdAcks = false;
    for (const send of this.#held.splice(0)) send();
  }

  /** Drops held acks (as a connection lost before they arrived would). */
  dropHeld() {
    this.#held = [];
  }

  cut() {
    this.offline = true;
    for (const ws of [...this.#open]) ws.close();
    this.#open.clear();
  }

  restore() {
    this.offline = false;
  }
}

async function openTablet(
  code: string | null,
  opts: {
    gate?: SocketGate;
    query?: string;
    viewport?: { width: number; height: number };
    init?: () => void;
    /** The device's own time zone (the competition's is the fixture's). */
    timezoneId?: string;
    /** Playwright's clock, installed before the page loads: the test moves time on. */
    clock?: boolean;
  } = {},
) {
  const context = await browser.newContext({
    viewport: opts.viewport ?? VIEWPORT,
    deviceScaleFactor: 1,
    hasTouch: true,
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  contexts.push(context);
  if (opts.gate) await opts.gate.attach(context);
  if (opts.init) await context.addInitScript(opts.init);
  const page = await context.newPage();
  if (opts.clock) await page.clock.install();
  const hash = code ? `#token=${tokenOf(code)}` : '';
  await page.goto(`${server.url}/judge-tablet/${opts.query ?? ''}${hash}`);
  return { context, page };
}

const byTestId = (page: Page, id: string, attrs: Record<string, string | number> = {}) =>
  page.locator(
    `[data-testid="${id}"]` +
      Object.entries(attrs)
        .map(([k, v]) => `[data-${k}="${v}"]`)
        .join(''),
  );

async function waitReady(page: Page) {
  await byTestId(page, 'connection-state', { state: 'ready' }).waitFor({ timeout: 20_000 });
}

async function typeBib(page: Page, bib: string) {
  for (const k of bib) await byTestId(page, 'bib-key', { key: k }).click();
  await byTestId(page, 'bib-key', { key: 'ok' }).click();
  await byTestId(page, 'review').waitFor();
}

/**
 * Stops the page's clock (installed with `openTablet(…, { clock: true })`) a second on: from
 * here time moves only by `page.clock.fastForward`, so a run lasts exactly what the test says,
 * however slow the machine.
 */
async function pauseClock(page: Page) {
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
}

async function sheetScore(page: Page) {
  return (await byTestId(page, 'sheet-score').first().innerText()).replace(/\s+/g, ' ');
}

async function unsent(page: Page) {
  return Number(await byTestId(page, 'unsent-count').getAttribute('data-count'));
}

async function standings(): Promise<StandingsResponse> {
  const res = await fetch(`${server.url}/api/competitions/${SLUG}/standings`);
  expect(res.status).toBe(200);
  return (await res.json()) as StandingsResponse;
}

async function stationScore(bib: string, stationId: string) {
  const row = (await standings()).rows.find((r) => r.bib === bib)!;
  return row.stations[stationId]!.score;
}

function contestantId(bib: string) {
  return server.app.live
    .get(SLUG)!
    .standings()
    .find((r) => r.bib === bib)!.contestantId;
}

function marksStored(bib: string, sheetId: string): number {
  const row = server.app.store.db.$client
    .prepare(
      "select count(*) as n from marks where kind = 'mark' and contestant_id = ? and sheet_id = ?",
    )
    .get(contestantId(bib), sheetId) as { n: number };
  return row.n;
}

/** Submits a mark over a plain judge socket, as a second device of the same judge would. */
function submitElsewhere(
  code: string,
  contestant: number,
  sheetId: string,
  values: Record<string, unknown>,
) {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/judge`);
    const clientId = `elsewhere-${Date.now()}`;
    ws.on('open', () =>
      ws.send(
        JSON.stringify({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token: tokenOf(code) }),
      ),
    );
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as JudgeServerMessage;
      if (m.type === 'judge.welcome')
        ws.send(
          JSON.stringify({
            type: 'mark.submit',
            clientId,
            contestantId: contestant,
            sheetId,
            values,
          }),
        );
      else if (m.type === 'mark.ack') {
        ws.close();
        resolve();
      } else if (m.type === 'mark.reject' || m.type === 'error') {
        ws.close();
        reject(new Error(m.message));
      }
    });
    ws.on('error', reject);
  });
}

/** Every mark row in the database (all tests share one server). */
function allMarks(): number {
  return (
    server.app.store.db.$client.prepare('select count(*) as n from marks').get() as { n: number }
  ).n;
}

interface MarkRow {
  id: number;
  client_id: string;
  supersedes_id: number | null;
  reason: string | null;
}

function markRows(bib: string, sheetId: string): MarkRow[] {
  return server.app.store.db.$client
    .prepare(
      `select id, client_id, supersedes_id, reason from marks
       where kind = 'mark' and contestant_id = ? and sheet_id = ? order by id`,
    )
    .all(contestantId(bib), sheetId) as MarkRow[];
}

/** A staff action over HTTP, as the head judge's (H01) or organiser's (O01) console sends it. */
async function course(code: 'H01' | 'O01', body: Record<string, unknown>) {
  const res = await fetch(`${server.url}/api/competitions/${SLUG}/course`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(code)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** What the tablet holds in its IndexedDB outbox (read in the page, as the app stores it). */
function idbOutbox(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ clientId: string; contestantId: number; owner: string }[]>(
        (resolve, reject) => {
          const r = indexedDB.open('jx-judge');
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            const db = r.result;
            if (!db.objectStoreNames.contains('outbox')) {
              db.close();
              resolve([]);
              return;
            }
            const q = db.transaction('outbox').objectStore('outbox').getAll();
            q.onsuccess = () => {
              db.close();
              resolve(q.result as { clientId: string; contestantId: number; owner: string }[]);
            };
            q.onerror = () => reject(q.error);
          };
        },
      ),
  );
}

/** localStorage keys of the old outbox (must be gone once migrated). */
function legacyOutboxKeys(page: Page) {
  return page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('jx.judge.outbox.')),
  );
}

/** Rendered buttons and inputs smaller than MIN_TARGET in either direction. */
function smallTargets(page: Page) {
  return page.evaluate((min) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, input, textarea, a[href]')) {
      if (el.getClientRects().length === 0) continue;
      const r = el.getBoundingClientRect();
      if (r.width < min || r.height < min)
        out.push(
          `${el.dataset.testid ?? el.className} "${(el.textContent ?? '').trim().slice(0, 16)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
    }
    return out;
  }, MIN_TARGET);
}

/** Width of the page beyond the viewport (0 = no sideways scrolling). */
function overflowX(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The engine's score of one sheet from raw values, in published decimals (as the server). */
function engineScore(sheetId: string, raw: Record<string, unknown>): string {
  const sheet = indexScheme(server.fixture.scheme).sheets.get(sheetId)!;
  const parsed = parseSheetValues(sheet, raw);
  if (!parsed.ok) throw new Error(parsed.message);
  const score = scoreSheet(sheet, [{ seq: 1, judgeId: 1, values: parsed.values }]);
  const decimals = server.fixture.scheme.decimals;
  return formatScaled(roundToUnits(div(score.milli, rat(1000)), decimals), decimals);
}

describe('judge tablet', () => {
  it('logs in by link, scores the bridge with faults and shows saved only after the ack', async () => {
    const gate = new SocketGate();
    const { page } = await openTablet('J03', { gate });
    await waitReady(page);
    // The token left the address bar and is remembered.
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => localStorage.getItem('jx.judge.token'))).toContain(
      tokenOf('J03'),
    );
    expect(await page.locator('header').innerText()).toContain('沈建军');
    // One sheet (单边桥): chosen automatically, the queue is in draw order.
    const rows = byTestId(page, 'queue-row');
    expect(await rows.count()).toBe(server.fixture.contestants.length);
    expect(await rows.first().getAttribute('data-state')).toBe('todo');

    await typeBib(page, '17');
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('17');
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await byTestId(page, 'fault-add', { 'fault-id': 'both-feet' }).click();
    expect(await sheetScore(page)).toContain('0.00 / 10');
    await byTestId(page, 'fault-undo', { 'fault-id': 'foot-down' }).click();
    expect(await sheetScore(page)).toContain('本项得分 2.00 / 10');
    expect(await byTestId(page, 'fault-count', { 'fault-id': 'foot-down' }).innerText()).toBe('1');
    // The veto zeroes the sheet, visibly; off again restores the score.
    await byTestId(page, 'veto-toggle', { 'criterion-id': 'bridge-fell' }).click();
    expect(await sheetScore(page)).toContain('0.00 / 10');
    expect(await byTestId(page, 'veto-notice').innerText()).toContain('掉桥');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-veto.png') });
    await byTestId(page, 'veto-toggle', { 'criterion-id': 'bridge-fell' }).click();
    expect(await sheetScore(page)).toContain('2.00 / 10');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-form.png') });

    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').waitFor();
    const summary = await page.locator('.summary').innerText();
    expect(summary).toContain('单脚着地 ×1（−3）');
    expect(summary).toContain('双脚着地或停车 ×1（−5）');
    expect(summary).toContain('2.00');
    expect(await byTestId(page, 'reason-input').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-confirm.png') });

    // Hold the server's ack: the mark is committed but the tablet must still say pending.
    gate.holdAcks = true;
    await byTestId(page, 'confirm-submit').click();
    const status = byTestId(page, 'mark-status');
    await status.waitFor();
    await until(() => gate.heldCount === 1);
    expect(marksStored('17', 'bridge')).toBe(1);
    expect(await status.getAttribute('data-status')).toBe('pending');
    expect(await status.innerText()).toContain('待确认');
    expect(await status.innerText()).not.toContain('已保存');
    expect(await unsent(page)).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-pending.png') });
    gate.releaseAcks();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await status.innerText()).toContain('已保存到服务器 ✓');
    expect(await unsent(page)).toBe(0);
    expect(await page.locator('.status-view').innerText()).toContain('安全骑行 当前得分 2.00');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-saved.png') });

    // Stored on the server: riding = the bridge's 2 points (no other sheet marked yet).
    expect(await stationScore('17', 'riding')).toBe('2.00');
    expect(marksStored('17', 'bridge')).toBe(1);

    // Next to do continues in draw order: 17 is drawn 2nd, so the 3rd (bib 7) comes up.
    await byTestId(page, 'status-next').click();
    await byTestId(page, 'review').waitFor();
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('7');
    await byTestId(page, 'review').click();
    gate.holdAcks = true;
    await byTestId(page, 'confirm-submit').click();
    await until(() => gate.heldCount === 1);
    await byTestId(page, 'status-back').click();
    const state = (bib: string) => byTestId(page, 'queue-row', { bib }).getAttribute('data-state');
    expect(await state('14')).toBe('todo');
    expect(await state('17')).toBe('saved');
    expect(await state('7')).toBe('pending');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-queue.png') });
    gate.releaseAcks();
    await until(async () => (await state('7')) === 'saved');

    // An unknown bib is reported, not opened.
    for (const k of '999') await byTestId(page, 'bib-key', { key: k }).click();
    await byTestId(page, 'bib-key', { key: 'ok' }).click();
    expect(await page.locator('.notice').innerText()).toContain('没有 999 号选手');
  });

  it('times a riding run with three fault taps and previews exactly the engine score', async () => {
    const { page } = await openTablet('J05', { clock: true });
    await waitReady(page);
    await typeBib(page, '11');
    await pauseClock(page);
    await byTestId(page, 'stopwatch-start').click();
    await page.clock.fastForward(700);
    for (let i = 0; i < 3; i++) {
      await byTestId(page, 'fault-add', { 'fault-id': 'water-spilled' }).click();
      await page.clock.fastForward(150);
    }
    await byTestId(page, 'stopwatch-stop').click();
    expect(await byTestId(page, 'fault-count', { 'fault-id': 'water-spilled' }).innerText()).toBe(
      '3',
    );
    expect((await page.locator('.log li').allInnerTexts()).length).toBe(3);
    const seconds = await byTestId(page, 'number-input', {
      'criterion-id': 'course-time',
    }).inputValue();
    const ms = Math.round(Number(seconds) * 1000);
    expect(ms).toBeGreaterThan(700);
    const expected = engineScore('smoothness', {
      'smoothness-faults': { 'water-spilled': 3 },
      'course-time': ms,
    });
    expect(expected).toBe('2.00');
    expect(await sheetScore(page)).toContain(`本项得分 ${expected} / 5`);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-portrait-form.png') });
    expect(await smallTargets(page)).toEqual([]);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);

    await byTestId(page, 'review').click();
    expect(await byTestId(page, 'sheet-score').innerText()).toContain(expected);
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    // The server's standings hold the same number (riding: nothing else marked for bib 11).
    expect(await stationScore('11', 'riding')).toBe(expected);
    expect(markRows('11', 'smoothness')).toHaveLength(1);
  });

  it('gives a judgement level, then corrects it with a reason', async () => {
    const { page } = await openTablet('J08');
    await waitReady(page);
    // Three sheets: the judge chooses one.
    expect(await byTestId(page, 'sheet-option').count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-sheets.png') });
    await byTestId(page, 'sheet-option', { 'sheet-id': 'packaging' }).click();
    expect(
      await byTestId(page, 'sheet-option', { 'sheet-id': 'packaging' }).getAttribute(
        'aria-pressed',
      ),
    ).toBe('true');
    await typeBib(page, '5');
    const levels = byTestId(page, 'judgement-level', { 'criterion-id': 'packaging-quality' });
    expect(await levels.count()).toBe(4);
    expect(await levels.nth(2).innerText()).toContain('冷热分装');
    await byTestId(page, 'review').click();
    // Nothing chosen yet: the form stays, with the problem shown inline.
    expect(await byTestId(page, 'confirm-submit').count()).toBe(0);
    expect(await byTestId(page, 'field-error').first().innerText()).toContain('请输入分数');
    await byTestId(page, 'judgement-level', {
      'criterion-id': 'packaging-quality',
      value: '2',
    }).click();
    expect(await sheetScore(page)).toContain('6.67 / 10');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-judgement.png') });
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await stationScore('5', 'packaging')).toBe('6.67');

    // Correction: the saved level is prefilled; a reason is required.
    await byTestId(page, 'status-back').click();
    await byTestId(page, 'queue-row', { bib: '5' }).click();
    await byTestId(page, 'review').waitFor();
    expect(await page.locator('.note').innerText()).toContain('更正');
    const two = byTestId(page, 'judgement-level', {
      'criterion-id': 'packaging-quality',
      value: '2',
    });
    expect(await two.getAttribute('aria-pressed')).toBe('true');
    await byTestId(page, 'judgement-level', {
      'criterion-id': 'packaging-quality',
      value: '3',
    }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    expect(await page.locator('.reason').innerText()).toContain('请填写更正原因');
    await byTestId(page, 'reason-input').fill('误选等级');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-correction.png') });
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await stationScore('5', 'packaging')).toBe('10.00');
    expect(marksStored('5', 'packaging')).toBe(2);
  });

  it('keeps offline marks in IndexedDB across a reload and stores each exactly once', async () => {
    const gate = new SocketGate();
    const { context, page } = await openTablet('J02', { gate });
    await waitReady(page);
    const before = allMarks();
    const state = (bib: string) => byTestId(page, 'queue-row', { bib }).getAttribute('data-state');

    // The venue Wi-Fi drops: the browser says so and the tablet drops its socket at once.
    await context.setOffline(true);
    await byTestId(page, 'connection-state', { state: 'reconnecting' }).waitFor();
    await typeBib(page, '20');
    await byTestId(page, 'fault-add', { 'fault-id': 'cone-touched' }).click();
    expect(await sheetScore(page)).toContain('10.00 / 12');
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    const status = byTestId(page, 'mark-status', { status: 'pending' });
    expect(await status.innerText()).toContain('待确认');
    await byTestId(page, 'status-back').click();
    await typeBib(page, '22');
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await status.waitFor();
    await byTestId(page, 'status-back').click();
    // Both pending and counted, both committed to IndexedDB (not localStorage).
    expect(await state('20')).toBe('pending');
    expect(await state('22')).toBe('pending');
    expect(await unsent(page)).toBe(2);
    await until(async () => (await idbOutbox(page)).length === 2);
    const stored = await idbOutbox(page);
    expect(stored.map((e) => e.contestantId).sort()).toEqual(
      [contestantId('20'), contestantId('22')].sort(),
    );
    expect(await legacyOutboxKeys(page)).toEqual([]);
    expect(allMarks()).toBe(before);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-offline.png') });

    // Reload (the page itself needs HTTP, so the Wi-Fi drop is now the gate refusing the
    // socket, as a captive portal would). An older page's localStorage outbox is migrated once.
    gate.cut();
    await context.setOffline(false);
    const legacyId = `legacy-${Date.now()}`;
    await page.evaluate(([key, entry]) => localStorage.setItem(key, JSON.stringify([entry])), [
      `jx.judge.outbox.${tokenFingerprint(tokenOf('J02'))}`,
      {
        clientId: legacyId,
        contestantId: contestantId('23'),
        sheetId: 's-bend',
        attempt: 1,
        values: { 's-bend-faults': { 'foot-down': 1 } },
        queuedAt: Date.now(),
      },
    ] as const);
    await page.reload();
    await byTestId(page, 'queue-row', { bib: '20' }).waitFor();
    await until(async () => (await unsent(page)) === 3);
    expect(await state('20')).toBe('pending');
    expect(await state('22')).toBe('pending');
    expect(await state('23')).toBe('pending');
    expect(await byTestId(page, 'connection-state').getAttribute('data-state')).toBe(
      'reconnecting',
    );
    expect(await legacyOutboxKeys(page)).toEqual([]);
    expect((await idbOutbox(page)).map((e) => e.clientId)).toContain(legacyId);
    expect(allMarks()).toBe(before);

    // The network returns: resent with the same clientIds after the welcome, saved once each.
    gate.restore();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitReady(page);
    await until(async () => (await unsent(page)) === 0);
    expect(await state('20')).toBe('saved');
    expect(await state('22')).toBe('saved');
    expect(await state('23')).toBe('saved');
    expect(allMarks()).toBe(before + 3);
    expect(markRows('20', 's-bend').map((r) => r.client_id)).toEqual([
      stored.find((e) => e.contestantId === contestantId('20'))!.clientId,
    ]);
    expect(markRows('22', 's-bend')).toHaveLength(1);
    expect(markRows('23', 's-bend').map((r) => r.client_id)).toEqual([legacyId]);
    expect(await idbOutbox(page)).toEqual([]);
    expect(await stationScore('20', 'riding')).toBe('10.00');
    expect(await stationScore('22', 'riding')).toBe('9.00');
  });

  it('answers a resend after a lost ack with the original result, stored once', async () => {
    const gate = new SocketGate();
    const { page } = await openTablet('J02', { gate });
    await waitReady(page);
    // Committed, but the connection drops before the ack arrives.
    gate.holdAcks = true;
    await typeBib(page, '21');
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await until(() => gate.heldCount === 1);
    const rows = markRows('21', 's-bend');
    expect(rows).toHaveLength(1);
    gate.dropHeld();
    gate.holdAcks = false;
    gate.cut();
    await byTestId(page, 'connection-state', { state: 'reconnecting' }).waitFor();
    expect(await byTestId(page, 'mark-status').getAttribute('data-status')).toBe('pending');
    expect(await unsent(page)).toBe(1);

    // Back: the same clientId is resent; the ack is the original mark's, flagged duplicate.
    gate.restore();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    const saved = byTestId(page, 'mark-status', { status: 'saved' });
    await saved.waitFor();
    expect(await saved.getAttribute('data-mark-id')).toBe(String(rows[0]!.id));
    expect(await page.locator('.status-view').innerText()).toContain('此前已保存过，未重复记录');
    expect(await unsent(page)).toBe(0);
    expect(markRows('21', 's-bend')).toEqual(rows);
    expect(await stationScore('21', 'riding')).toBe('9.00');

    // A reload after all that still knows the mark as saved (from the server's welcome).
    await page.reload();
    await waitReady(page);
    expect(await byTestId(page, 'queue-row', { bib: '21' }).getAttribute('data-state')).toBe(
      'saved',
    );
    expect(markRows('21', 's-bend')).toHaveLength(1);
  });

  it('sends a correction made offline only after the mark it corrects is acknowledged', async () => {
    const gate = new SocketGate();
    const { page } = await openTablet('J03', { gate });
    await waitReady(page);
    gate.cut();
    await byTestId(page, 'connection-state', { state: 'reconnecting' }).waitFor();
    await typeBib(page, '33');
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'pending' }).waitFor();
    // Still offline, the judge corrects it: a correction needs a reason even while pending.
    await byTestId(page, 'status-back').click();
    await byTestId(page, 'queue-row', { bib: '33' }).click();
    expect(await page.locator('.note').first().innerText()).toContain('尚未被服务器确认');
    await byTestId(page, 'fault-add', { 'fault-id': 'both-feet' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'reason-input').fill('漏记双脚着地');
    await byTestId(page, 'confirm-submit').click();
    expect(await unsent(page)).toBe(2);

    gate.restore();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    await until(async () => (await unsent(page)) === 0);
    const rows = markRows('33', 'bridge');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.supersedes_id).toBe(rows[0]!.id);
    expect(rows[1]!.reason).toBe('漏记双脚着地');
    expect(await stationScore('33', 'riding')).toBe('2.00');
  });

  it('shows a stale write with the current mark and corrects from it', async () => {
    const { page } = await openTablet('J04');
    await waitReady(page);
    // The same judge marks bib 9 from another device: this tablet has not seen that mark.
    await submitElsewhere('J04', contestantId('9'), 'traffic-lights', {
      'lights-faults': {},
      'red-light-run': false,
    });
    const [elsewhere] = markRows('9', 'traffic-lights');
    await typeBib(page, '9');
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    // Refused as stale (seen: null, but the line holds a mark): nothing was overwritten.
    const status = byTestId(page, 'mark-status', { status: 'rejected' });
    await status.waitFor();
    expect(await status.innerText()).toContain('已有新的评分');
    // The server calls the mark "yours" (same login): it came from another device, and the
    // tablet says so rather than "you submitted".
    expect(await status.innerText()).toContain('另一台设备或其他工作人员更改了这一项');
    expect(await status.innerText()).not.toContain('您提交');
    expect(markRows('9', 'traffic-lights')).toHaveLength(1);
    // The current mark is shown; the judge's own entry is kept on the form below it.
    const current = byTestId(page, 'stale-current');
    expect(await current.getAttribute('data-mark-id')).toBe(String(elsewhere!.id));
    expect(await current.innerText()).toContain('无扣分');
    expect(await byTestId(page, 'stale-score').innerText()).toBe('8.00 / 8');
    expect(await byTestId(page, 'fault-count', { 'fault-id': 'line-pressed' }).innerText()).toBe(
      '1',
    );
    expect(await unsent(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-rejected.png') });

    // Start again from the current mark, add the fault, give a reason: a correction of it.
    await byTestId(page, 'stale-reopen').click();
    expect(await byTestId(page, 'fault-count', { 'fault-id': 'line-pressed' }).innerText()).toBe(
      '0',
    );
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    expect(await page.locator('.reason').innerText()).toContain('请填写更正原因');
    await byTestId(page, 'reason-input').fill('另一台平板误录');
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    const rows = markRows('9', 'traffic-lights');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.supersedes_id).toBe(elsewhere!.id);
    expect(await stationScore('9', 'riding')).toBe('5.00');
  });

  it('times a run with the stopwatch, time-stamps faults and allows a manual correction', async () => {
    const { page } = await openTablet('J05', { clock: true });
    await waitReady(page);
    await typeBib(page, '3');
    await pauseClock(page);
    await byTestId(page, 'stopwatch-start').click();
    await page.clock.fastForward(1_300);
    await byTestId(page, 'fault-add', { 'fault-id': 'water-spilled' }).click();
    const log = await page.locator('.log').innerText();
    expect(log).toMatch(/00:01\.\d\s*洒水\s*\+1/);
    await byTestId(page, 'stopwatch-stop').click();
    const display = await byTestId(page, 'stopwatch-display').innerText();
    expect(display).toMatch(/^00:01\.\d$/);
    const input = byTestId(page, 'number-input', { 'criterion-id': 'course-time' });
    expect(Number(await input.inputValue())).toBeGreaterThan(1.2);
    expect(await sheetScore(page)).toContain('4.00 / 5');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-stopwatch.png') });
    await input.fill('65.36');
    // The face follows the typed time (a stopwatch face: tenths, truncated).
    expect(await byTestId(page, 'stopwatch-display').innerText()).toBe('01:05.3');
    await byTestId(page, 'review').click();
    // The confirmation says the recorded time exactly, as the printed sheet will.
    expect(await page.locator('.summary').innerText()).toContain('1分05.36秒');
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await stationScore('3', 'riding')).toBe('4.00');
  });

  it('checks an imported value against the step inline', async () => {
    const { page } = await openTablet('J01');
    await waitReady(page);
    await typeBib(page, '1');
    const input = byTestId(page, 'number-input', { 'criterion-id': 'theory-score' });
    await input.fill('10.25');
    const error = byTestId(page, 'field-error', { 'criterion-id': 'theory-score' });
    expect(await error.innerText()).toContain('不符合步长');
    await byTestId(page, 'review').click();
    expect(await byTestId(page, 'confirm-submit').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-imported-error.png') });
    await input.fill('８５．５');
    expect(await error.count()).toBe(0);
    expect(await sheetScore(page)).toContain('85.50 / 100');
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await stationScore('1', 'theory-exam')).toBe('85.50');
  });

  it('answers every check item of a checklist station', async () => {
    const { page } = await openTablet('J07');
    await waitReady(page);
    await typeBib(page, '2');
    await byTestId(page, 'check-pass', { 'criterion-id': 'route-optimal' }).click();
    await byTestId(page, 'check-fail', { 'criterion-id': 'route-eta' }).click();
    await byTestId(page, 'review').click();
    // One item unanswered: flagged, not submitted.
    expect(await byTestId(page, 'confirm-submit').count()).toBe(0);
    expect(
      await byTestId(page, 'field-error', { 'criterion-id': 'route-restrictions' }).count(),
    ).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-checks.png') });
    await byTestId(page, 'check-pass', { 'criterion-id': 'route-restrictions' }).click();
    expect(await sheetScore(page)).toContain('7.00 / 10');
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await stationScore('2', 'route-planning')).toBe('7.00');
  });

  it('refuses an unknown token, logs in by typing, and logs out', async () => {
    const { page } = await openTablet(null, { query: '#token=0000deadbeef' });
    await byTestId(page, 'login-token-input').waitFor();
    expect(await page.locator('.login').innerText()).toContain('登录码无效或已停用');
    expect(await page.evaluate(() => localStorage.getItem('jx.judge.token'))).toBeNull();
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-login.png') });
    await byTestId(page, 'login-token-input').fill(tokenOf('J04'));
    await byTestId(page, 'login-submit').click();
    await waitReady(page);
    expect(await page.locator('header').innerText()).toContain('韦丽华');
    // Remembered across a reload.
    await page.reload();
    await waitReady(page);
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-token-input').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('jx.judge.token'))).toBeNull();
  });

  it('lists the judge’s marks, corrects one with a reason, and goes read-only while locked', async () => {
    const gate = new SocketGate();
    // A tablet set to New York at a venue on Shanghai time says Shanghai time.
    const { page } = await openTablet('J02', { gate, timezoneId: 'America/New_York' });
    const venueNow = () =>
      zonedTime(new Date(), server.fixture.competition.timeZone).time.slice(0, 5);
    const before = venueNow();
    await waitReady(page);
    await typeBib(page, '30');
    await byTestId(page, 'fault-add', { 'fault-id': 'cone-touched' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    await byTestId(page, 'status-back').click();

    // My marks at this sheet: contestant, score, time.
    await byTestId(page, 'list-tab', { tab: 'history' }).click();
    const first = byTestId(page, 'history-row', { bib: '30' });
    expect(await first.count()).toBe(1);
    expect(await first.getAttribute('data-superseded')).toBe('false');
    expect(await first.innerText()).toMatch(/30[\s\S]*10\.00/);
    const shown = /\d{2}:\d{2}/.exec(await first.innerText())?.[0];
    expect([before, venueNow()]).toContain(shown);

    // A correction from the list: prefilled, reason required, supersedes the first mark.
    await first.click();
    expect(await byTestId(page, 'fault-count', { 'fault-id': 'cone-touched' }).innerText()).toBe(
      '1',
    );
    expect(await page.locator('.note').first().innerText()).toContain('更正');
    await byTestId(page, 'fault-add', { 'fault-id': 'cone-knocked' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    expect(await page.locator('.reason').innerText()).toContain('请填写更正原因');
    await byTestId(page, 'reason-input').fill('漏记撞倒桩');
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    const rows = markRows('30', 's-bend');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.supersedes_id).toBe(rows[0]!.id);
    expect(rows[1]!.reason).toBe('漏记撞倒桩');
    expect(await stationScore('30', 'riding')).toBe('6.00');

    await byTestId(page, 'status-back').click();
    // Newest first: the correction, then the mark it replaced (J02 marked others before).
    const history = byTestId(page, 'history-row', { bib: '30' });
    expect(await history.count()).toBe(2);
    expect(await byTestId(page, 'history-row').first().getAttribute('data-mark-id')).toBe(
      String(rows[1]!.id),
    );
    expect(await history.nth(0).getAttribute('data-mark-id')).toBe(String(rows[1]!.id));
    expect(await history.nth(0).getAttribute('data-superseded')).toBe('false');
    expect(await history.nth(0).innerText()).toContain('6.00');
    expect(await history.nth(1).getAttribute('data-superseded')).toBe('true');
    expect(await history.nth(1).innerText()).toContain('已更正');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-history.png') });

    // The head judge locks the riding station while a form is open: read-only, no reload.
    await byTestId(page, 'list-tab', { tab: 'queue' }).click();
    await typeBib(page, '31');
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await course('H01', { action: 'station.lock', stationId: 'riding', reason: '测试：锁定' });
    const locked = byTestId(page, 'form-locked');
    await locked.waitFor();
    expect(await locked.innerText()).toContain('本站点已由裁判长锁定，如需更正请联系裁判长');
    expect(await byTestId(page, 'form-fields').getAttribute('disabled')).not.toBeNull();
    expect(await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).isDisabled()).toBe(true);
    expect(await byTestId(page, 'review').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-locked.png') });
    await byTestId(page, 'form-back').click();
    expect(await byTestId(page, 'queue-locked').innerText()).toContain('本站点已由裁判长锁定');
    expect(await byTestId(page, 'queue-row', { bib: '31' }).getAttribute('data-state')).toBe(
      'locked',
    );
    expect(await byTestId(page, 'queue-row', { bib: '31' }).innerText()).toContain('站点已锁定');

    // Re-opened with a reason: editable again, still without a reload.
    await course('H01', { action: 'station.reopen', stationId: 'riding', reason: '补录成绩' });
    await byTestId(page, 'queue-locked').waitFor({ state: 'detached' });
    await byTestId(page, 'queue-row', { bib: '31' }).click();
    expect(await byTestId(page, 'form-locked').count()).toBe(0);
    expect(await byTestId(page, 'review').isDisabled()).toBe(false);

    // A mark queued offline for a station locked meanwhile: the server's refusal is shown.
    gate.cut();
    await byTestId(page, 'connection-state', { state: 'reconnecting' }).waitFor();
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'pending' }).waitFor();
    await course('H01', { action: 'station.lock', stationId: 'riding', reason: '测试：锁定' });
    gate.restore();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    const refused = byTestId(page, 'mark-status', { status: 'rejected' });
    await refused.waitFor();
    expect(await refused.innerText()).toContain('已由裁判长锁定，如需更正请联系裁判长');
    expect(await unsent(page)).toBe(0);
    expect(markRows('31', 's-bend')).toHaveLength(0);
    await byTestId(page, 'form-locked').waitFor();
    await byTestId(page, 'form-back').click();
    expect(await byTestId(page, 'queue-row', { bib: '31' }).innerText()).toContain('被退回');
    await course('H01', { action: 'station.reopen', stationId: 'riding', reason: '继续评分' });
    await byTestId(page, 'queue-locked').waitFor({ state: 'detached' });
  });

  it('lays out for landscape 1280×800 and a 390×844 phone with 48 px targets', async () => {
    // Landscape: keypad and queue side by side; the form keeps its score bar in view.
    const { page } = await openTablet('J05', { viewport: LANDSCAPE });
    await waitReady(page);
    const keypad = (await page.locator('.keypad').boundingBox())!;
    const list = (await page.locator('.list').boundingBox())!;
    expect(list.x).toBeGreaterThanOrEqual(keypad.x + keypad.width);
    expect(keypad.y + keypad.height).toBeLessThanOrEqual(LANDSCAPE.height);
    expect(await smallTargets(page)).toEqual([]);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-landscape-queue.png') });
    await typeBib(page, '12');
    await byTestId(page, 'fault-add', { 'fault-id': 'water-spilled' }).click();
    const bar = (await page.locator('.score-bar').boundingBox())!;
    expect(bar.y).toBeGreaterThanOrEqual(0);
    expect(bar.y + bar.height).toBeLessThanOrEqual(LANDSCAPE.height + 1);
    expect(await byTestId(page, 'stopwatch-start').isVisible()).toBe(true);
    expect(await smallTargets(page)).toEqual([]);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-landscape-form.png') });

    // Phone: one column, nothing wider than the screen, every target still 48 px.
    const phone = (await openTablet('J08', { viewport: PHONE })).page;
    await waitReady(phone);
    await byTestId(phone, 'sheet-option', { 'sheet-id': 'communication' }).click();
    expect(await smallTargets(phone)).toEqual([]);
    expect(await overflowX(phone)).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(ARTIFACTS, 'tablet-phone.png') });
    await typeBib(phone, '12');
    expect(await smallTargets(phone)).toEqual([]);
    expect(await overflowX(phone)).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(ARTIFACTS, 'tablet-phone-form.png'), fullPage: true });
  });

  it('keeps the screen awake while signed in and asks again when visible again', async () => {
    const { page } = await openTablet('J06', {
      // A stand-in Wake Lock API and page visibility the test can drive.
      init: () => {
        const w = window as unknown as Record<string, unknown>;
        const log = { requests: 0, releases: 0 };
        let visible: DocumentVisibilityState = 'visible';
        let sentinel: (EventTarget & { release(): Promise<void> }) | null = null;
        w.__wake = log;
        w.__dropWake = () => sentinel?.release();
        w.__setVisible = (v: DocumentVisibilityState) => {
          visible = v;
          document.dispatchEvent(new Event('visibilitychange'));
        };
        Object.defineProperty(document, 'visibilityState', { get: () => visible });
        Object.defineProperty(navigator, 'wakeLock', {
          value: {
            request: async () => {
              log.requests++;
              const s = Object.assign(new EventTarget(), {
                release: async () => {
                  log.releases++;
                  s.dispatchEvent(new Event('release'));
                },
              });
              sentinel = s;
              return s;
            },
          },
        });
      },
    });
    await waitReady(page);
    const wake = () =>
      page.evaluate(
        () => (window as unknown as { __wake: { requests: number; releases: number } }).__wake,
      );
    await until(async () => (await wake()).requests === 1);
    // The tablet is put aside: the browser drops the lock; it is not asked for while hidden.
    await page.evaluate(() => {
      const w = window as unknown as { __dropWake(): void; __setVisible(v: string): void };
      w.__dropWake();
      w.__setVisible('hidden');
    });
    expect((await wake()).requests).toBe(1);
    await page.evaluate(() =>
      (window as unknown as { __setVisible(v: string): void }).__setVisible('visible'),
    );
    await until(async () => (await wake()).requests === 2);
    // Signed out: the screen may sleep again.
    await byTestId(page, 'logout').click();
    await until(async () => (await wake()).releases === 2);
  });

  it('speaks English with ?lang=en', async () => {
    const { page } = await openTablet('J03', { query: '?lang=en' });
    await waitReady(page);
    expect(await byTestId(page, 'connection-state').innerText()).toContain('Online');
    expect(await byTestId(page, 'next-todo').innerText()).toContain('Next to score');
    await typeBib(page, '4');
    expect(await sheetScore(page)).toContain('Sheet score 10.00 / 10');
    // An apostrophe or curly quote in English words is narrow: the Chinese fonts first in the
    // stack draw ‘’“” full width, as Chinese text wants them, which read "station’ s".
    const widths = await page.evaluate(() =>
      ['’', '“'].map((q) => {
        const s = document.createElement('span');
        s.textContent = q;
        document.body.append(s);
        const em = s.getBoundingClientRect().width / parseFloat(getComputedStyle(s).fontSize);
        s.remove();
        return em;
      }),
    );
    for (const em of widths) expect(em).toBeLessThan(0.75); // full width: 1 em
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-en.png') });
  });
  it('shows the head judge’s rescore request at once and clears it with a correction', async () => {
    const { page } = await openTablet('J08');
    await waitReady(page);
    await byTestId(page, 'sheet-option', { 'sheet-id': 'packaging' }).click();
    await typeBib(page, '12');
    await byTestId(page, 'judgement-level', {
      'criterion-id': 'packaging-quality',
      value: '1',
    }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    await byTestId(page, 'status-back').click();
    const row = byTestId(page, 'queue-row', { bib: '12' });
    expect(await row.getAttribute('data-state')).toBe('saved');
    // The judge has moved on to another sheet when the head judge asks.
    await byTestId(page, 'sheet-option', { 'sheet-id': 'communication' }).click();
    // Another judge of the sheet, reading the tablet in English.
    const en = (await openTablet('J09', { query: '?lang=en' })).page;
    await waitReady(en);

    const res = await fetch(`${server.url}/api/competitions/${SLUG}/rescore`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('H01')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        contestantId: contestantId('12'),
        sheetId: 'packaging',
        reason: '分歧过大',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { tabletsTold: number }).tabletsTold).toBeGreaterThanOrEqual(2);

    // Shown at once, without a reload, on every tablet of the sheet's judges.
    const banner = byTestId(page, 'rescore-banner', { bib: '12', 'sheet-id': 'packaging' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain(
      '裁判长请求重新评分：12号 谢明辉 · 货物打包 — 原因：分歧过大',
    );
    expect(await byTestId(page, 'rescore-go').innerText()).toContain('去评分');
    const enBanner = byTestId(en, 'rescore-banner', { bib: '12' });
    await enBanner.waitFor();
    expect(await enBanner.innerText()).toContain(
      'The head judge asks for a rescore: bib 12 谢明辉 · Packaging — reason: 分歧过大',
    );
    expect(await smallTargets(page)).toEqual([]);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);

    // Closing the banner keeps the line marked, across a reload too.
    await byTestId(en, 'rescore-dismiss').click();
    await enBanner.waitFor({ state: 'detached' });
    await byTestId(en, 'sheet-option', { 'sheet-id': 'packaging' }).click();
    const enRow = byTestId(en, 'queue-row', { bib: '12' });
    expect(await enRow.getAttribute('data-state')).toBe('rescore');
    expect(await enRow.innerText()).toContain('Rescore');
    await en.reload();
    await waitReady(en);
    expect(await enRow.getAttribute('data-state')).toBe('rescore');
    expect(await byTestId(en, 'rescore-banner').count()).toBe(0);

    // A reload keeps the request (local storage) until the judge has marked the line again.
    await page.reload();
    await waitReady(page);
    await banner.waitFor();

    // "去评分" chooses the sheet and opens the contestant's form, the request's reason on it.
    await byTestId(page, 'rescore-go').click();
    await byTestId(page, 'review').waitFor();
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('12');
    expect(await byTestId(page, 'form-contestant').innerText()).toContain('货物打包');
    expect(await byTestId(page, 'rescore-note').innerText()).toContain('原因：分歧过大');
    expect(await byTestId(page, 'rescore-banner').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-rescore-form.png') });
    // Back without a new mark: still to score again, the banner back.
    await byTestId(page, 'form-back').click();
    await banner.waitFor();
    expect(
      await byTestId(page, 'sheet-option', { 'sheet-id': 'packaging' }).getAttribute(
        'aria-pressed',
      ),
    ).toBe('true');
    expect(await row.getAttribute('data-state')).toBe('rescore');
    expect(await row.innerText()).toContain('待重评');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-rescore.png') });
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-rescore-row.png') });

    await byTestId(page, 'rescore-go').click();
    const one = byTestId(page, 'judgement-level', {
      'criterion-id': 'packaging-quality',
      value: '1',
    });
    expect(await one.getAttribute('aria-pressed')).toBe('true');
    await byTestId(page, 'judgement-level', {
      'criterion-id': 'packaging-quality',
      value: '2',
    }).click();
    await byTestId(page, 'review').click();
    // A correction needs a reason: prefilled with the head judge's.
    expect(await byTestId(page, 'reason-input').inputValue()).toBe('裁判长要求重评：分歧过大');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-rescore-confirm.png') });
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    await byTestId(page, 'status-back').click();
    expect(await row.getAttribute('data-state')).toBe('saved');
    expect(await byTestId(page, 'rescore-banner').count()).toBe(0);
    expect(
      await page.evaluate(
        (key) => localStorage.getItem(key),
        `jx.judge.rescore.${tokenFingerprint(tokenOf('J08'))}`,
      ),
    ).toBeNull();
    const rows = markRows('12', 'packaging');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.supersedes_id).toBe(rows[0]!.id);
    expect(rows[1]!.reason).toBe('裁判长要求重评：分歧过大');
    // The other judge has not marked it again: still asked to.
    expect(await enRow.getAttribute('data-state')).toBe('rescore');
    // Stays done after a reload.
    await page.reload();
    await waitReady(page);
    expect(await row.getAttribute('data-state')).toBe('saved');
    expect(await byTestId(page, 'rescore-banner').count()).toBe(0);
  });
  // Last: it makes the results official, after which nothing can be marked on this server.
  it('keeps scoring while frozen and shows the closed banner once results are official', async () => {
    const { page } = await openTablet('J07');
    await waitReady(page);
    await course('O01', { action: 'competition.freeze' });
    // Frozen only concerns the public board: no banner, marks are still taken.
    await typeBib(page, '8');
    await byTestId(page, 'check-pass', { 'criterion-id': 'route-optimal' }).click();
    await byTestId(page, 'check-pass', { 'criterion-id': 'route-eta' }).click();
    await byTestId(page, 'check-pass', { 'criterion-id': 'route-restrictions' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await byTestId(page, 'competition-closed').count()).toBe(0);

    // Every station signed off, results published: the tablet says so without a reload.
    for (const stationId of [
      'theory-exam',
      'cleaning',
      'order-acceptance',
      'packaging',
      'route-planning',
      'riding',
      'communication',
      'emergency',
    ])
      await course('H01', { action: 'station.lock', stationId, reason: '测试：锁定' });
    await course('O01', { action: 'competition.publish' });
    const banner = byTestId(page, 'competition-closed', { state: 'final' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('比赛成绩已正式公布，不能再评分');
    await byTestId(page, 'status-back').click();
    await byTestId(page, 'queue-row', { bib: '8' }).click();
    expect(await byTestId(page, 'form-locked').innerText()).toContain('比赛成绩已正式公布');
    expect(await byTestId(page, 'review').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-final.png') });
  });
});
