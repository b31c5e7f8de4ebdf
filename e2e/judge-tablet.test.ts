/**
 * The judge tablet in Debian's Chromium at 800×1280 against the real server: log in by link,
 * call contestants up by keypad, tap faults, give judgements, confirm, and see "saved" only
 * after the server's ack — then check the standings endpoint. The judge socket runs through a
 * gate (page.routeWebSocket) that can hold acks back or cut the connection, to prove marks
 * survive a reload in the outbox and are stored once. Screenshots land in e2e/artifacts/.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import type { JudgeServerMessage, StandingsResponse } from '../server/protocol/index.ts';
import { ARTIFACTS, launchChromium, startServer } from './helpers.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 800, height: 1280 };

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
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

async function openTablet(code: string | null, opts: { gate?: SocketGate; query?: string } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  contexts.push(context);
  if (opts.gate) await opts.gate.attach(context);
  const page = await context.newPage();
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
  const row = server.app.db.$client
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

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
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

  it('keeps an unsent mark in the outbox across a reload and stores it once', async () => {
    const gate = new SocketGate();
    const { page } = await openTablet('J02', { gate });
    await waitReady(page);

    // The venue Wi-Fi drops: the mark is confirmed offline and waits in the outbox.
    gate.cut();
    await byTestId(page, 'connection-state', { state: 'reconnecting' }).waitFor();
    await typeBib(page, '20');
    await byTestId(page, 'fault-add', { 'fault-id': 'cone-touched' }).click();
    expect(await sheetScore(page)).toContain('10.00 / 12');
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    const status = byTestId(page, 'mark-status', { status: 'pending' });
    expect(await status.innerText()).toContain('待确认');
    expect(await unsent(page)).toBe(1);
    const stored = await page.evaluate(() =>
      Object.entries(localStorage)
        .filter(([k]) => k.startsWith('jx.judge.outbox.'))
        .map(([, v]) => JSON.parse(v) as { clientId: string }[]),
    );
    expect(stored.flat()).toHaveLength(1);
    const clientId = stored.flat()[0]!.clientId;

    // Reload while still offline: the queue comes back from the cache, the mark still pending.
    await page.reload();
    await byTestId(page, 'queue-row', { bib: '20' }).waitFor();
    expect(await byTestId(page, 'queue-row', { bib: '20' }).getAttribute('data-state')).toBe(
      'pending',
    );
    expect(await unsent(page)).toBe(1);
    expect(marksStored('20', 's-bend')).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-offline.png') });

    // The network returns: resent with the same clientId after the welcome, saved once.
    gate.restore();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitReady(page);
    await until(async () => (await unsent(page)) === 0);
    expect(await byTestId(page, 'queue-row', { bib: '20' }).getAttribute('data-state')).toBe(
      'saved',
    );
    expect(marksStored('20', 's-bend')).toBe(1);
    const clientIds = server.app.db.$client
      .prepare('select client_id as c from marks where contestant_id = ? and sheet_id = ?')
      .all(contestantId('20'), 's-bend') as { c: string }[];
    expect(clientIds.map((r) => r.c)).toEqual([clientId]);
    expect(await stationScore('20', 'riding')).toBe('10.00');

    // Committed but the ack is lost (reload before it arrives): the resend is a duplicate.
    gate.holdAcks = true;
    await typeBib(page, '21');
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await until(() => gate.heldCount === 1);
    expect(marksStored('21', 's-bend')).toBe(1);
    gate.dropHeld();
    gate.holdAcks = false;
    await page.reload();
    await waitReady(page);
    await until(async () => (await unsent(page)) === 0);
    expect(await byTestId(page, 'queue-row', { bib: '21' }).getAttribute('data-state')).toBe(
      'saved',
    );
    expect(marksStored('21', 's-bend')).toBe(1);
    expect(await stationScore('21', 'riding')).toBe('9.00');
  });

  it('reopens a rejected mark with the server message and the values kept', async () => {
    const { page } = await openTablet('J04');
    await waitReady(page);
    // The same judge marks bib 9 from another device: this tablet does not know.
    await submitElsewhere('J04', contestantId('9'), 'traffic-lights', {
      'lights-faults': {},
      'red-light-run': false,
    });
    await typeBib(page, '9');
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    const status = byTestId(page, 'mark-status', { status: 'rejected' });
    await status.waitFor();
    expect(await status.innerText()).toContain('更正需填写原因');
    // Back on the form with the tapped fault still there.
    expect(await byTestId(page, 'fault-count', { 'fault-id': 'line-pressed' }).innerText()).toBe(
      '1',
    );
    expect(await unsent(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-rejected.png') });
    await byTestId(page, 'review').click();
    await byTestId(page, 'reason-input').fill('另一台平板误录');
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    expect(await stationScore('9', 'riding')).toBe('5.00');
  });

  it('times a run with the stopwatch, time-stamps faults and allows a manual correction', async () => {
    const { page } = await openTablet('J05');
    await waitReady(page);
    await typeBib(page, '3');
    await byTestId(page, 'stopwatch-start').click();
    await page.waitForTimeout(1_300);
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
    await input.fill('65.3');
    await byTestId(page, 'review').click();
    expect(await page.locator('.summary').innerText()).toContain('01:05.3');
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

  it('speaks English with ?lang=en', async () => {
    const { page } = await openTablet('J03', { query: '?lang=en' });
    await waitReady(page);
    expect(await byTestId(page, 'connection-state').innerText()).toContain('Online');
    expect(await byTestId(page, 'next-todo').innerText()).toContain('Next to score');
    await typeBib(page, '4');
    expect(await sheetScore(page)).toContain('Sheet score 10.00 / 10');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-en.png') });
  });
});
