/**
 * The organiser console against the real server in Debian's Chromium: the organiser and the
 * head judge sign in with their login codes (a judge's is refused), real judge websockets
 * submit marks, and every step the console takes (lock, void, rotate, import, export, freeze,
 * reveal, publish) is checked on the server through its API afterwards; a rotated card's short
 * code signs the judge in on the tablet. Screenshots land in e2e/artifacts/ (console-*.png,
 * 1440×900): look at them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortCodeOf } from '../db/repositories/competitions.ts';
import { formatMilli, indexScheme, type Sheet } from '../server/engine/index.ts';
import type {
  CompetitionsResponse,
  JudgeContestant,
  StandingsResponse,
} from '../server/protocol/index.ts';
import {
  startTestServer,
  connectJudge,
  submitMark,
  tokenOf,
  type JudgeSocket,
} from '../server/test-support.ts';
import { ensureOrganiserPassword } from '../server/services/password.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';
import { byTestId } from './support/dom.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 1440, height: 900 };

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let browser: Browser;
const contexts: BrowserContext[] = [];
const judges = new Map<string, JudgeSocket>();
let sheets: Map<string, Sheet>;
/** Contestants in draw order. */
let field: JudgeContestant[] = [];
/** The organiser's and the head judge's console pages, kept open from test to test. */
let org: Page;
let head: Page;

const token = (code: string) => tokenOf(server.fixture, code);

/** A staff API call, answered as status + JSON. */
async function api<T>(path: string, code = 'O01', init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token(code)}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function summary() {
  const res = await fetch(`${server.url}/api/competitions`);
  return ((await res.json()) as CompetitionsResponse).competitions.find((c) => c.slug === SLUG)!;
}

async function staffStandings(): Promise<StandingsResponse> {
  const r = await api<StandingsResponse>(`/api/competitions/${SLUG}/standings`);
  expect(r.status).toBe(200);
  return r.body;
}

/** A fresh browser context's page at `path` of the server. */
async function openPage(path: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', path, e));
  await page.goto(`${server.url}${path}`);
  return page;
}

/** Opens the console in a fresh browser context and signs in with an official's code. */
async function signIn(code: string, query = ''): Promise<Page> {
  const page = await openPage(`/console/${query}`);
  await byTestId(page, 'login-token-input').waitFor();
  if (code === 'O01' && !query)
    await page.screenshot({ path: join(ARTIFACTS, 'console-login.png') });
  await byTestId(page, 'login-token-input').fill(token(code));
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'progress-overall').waitFor({ timeout: 15_000 });
  return page;
}

/** Answers the open confirmation dialog (with a reason when given). */
async function confirm(page: Page, reason?: string) {
  const dialog = byTestId(page, 'confirm-dialog');
  await dialog.locator('form').waitFor();
  if (reason !== undefined) await byTestId(page, 'confirm-reason').fill(reason);
  await byTestId(page, 'confirm-ok').click();
}

async function dialogClosed(page: Page, id = 'confirm-dialog') {
  await page.waitForFunction(
    (sel) => !(document.querySelector(sel) as HTMLDialogElement).open,
    `[data-testid="${id}"]`,
  );
}

/** Deterministic raw values of a sheet; `flag` makes the panel disagree beyond tolerance. */
function valuesFor(sheet: Sheet, contestantId: number, judgeIndex: number, flag = false) {
  const out: Record<string, unknown> = {};
  sheet.criteria.forEach((c, i) => {
    if (c.kind === 'faults') out[c.id] = { [c.faults[0]!.id]: contestantId % 3 };
    else if (c.kind === 'veto') out[c.id] = false;
    else if (c.kind === 'check') out[c.id] = (contestantId + i) % 4 !== 0;
    else if (c.kind === 'time') out[c.id] = 50_000 + contestantId * 300;
    else if (c.kind === 'judgement') {
      const level = flag
        ? judgeIndex === 0
          ? c.scale.min
          : c.scale.max
        : c.scale.min + c.scale.step * (1 + ((contestantId + judgeIndex) % 2));
      out[c.id] = String(level);
    } else if (c.kind === 'imported') out[c.id] = String(55 + ((contestantId * 7) % 45));
  });
  return out;
}

/** Every judge assigned to a sheet, in code order. */
function panelOf(sheetId: string): string[] {
  return server.fixture.officials
    .filter((o) => o.role === 'judge' && o.sheets.includes(sheetId))
    .map((o) => o.code);
}

/** Contestant × sheet lines already marked (a second mark would be a correction). */
const marked = new Set<string>();

/** Every assigned judge submits the sheet for the contestant; all must be acknowledged. */
async function markSheet(c: JudgeContestant, sheetId: string, flag = false) {
  if (marked.has(`${c.id}:${sheetId}`)) return;
  marked.add(`${c.id}:${sheetId}`);
  const panel = panelOf(sheetId);
  for (const [i, code] of panel.entries()) {
    const ack = await submitMark(judges.get(code)!, {
      contestantId: c.id,
      sheetId,
      values: valuesFor(sheets.get(sheetId)!, c.id, i, flag),
    });
    expect(ack.type, JSON.stringify(ack)).toBe('mark.ack');
  }
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  for (const o of server.fixture.officials.filter((x) => x.role === 'judge')) {
    const j = await connectJudge(server.url.replace('http', 'ws'), o.token);
    expect(j.welcome.type).toBe('judge.welcome');
    judges.set(o.code, j);
  }
  const welcome = judges.get('J01')!.welcome;
  sheets = indexScheme(welcome.scheme).sheets;
  field = [...welcome.contestants].sort((a, b) => a.drawOrder - b.drawOrder);
});

afterAll(async () => {
  for (const j of judges.values()) j.close();
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
});

describe('organiser console', () => {
  it('refuses a judge’s login code and short code with a clear message; the head judge’s short code and the start’s console link sign in', async () => {
    const page = await openPage('/console/');
    await byTestId(page, 'login-token-input').fill(token('J01'));
    await byTestId(page, 'login-submit').click();
    const error = byTestId(page, 'login-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('裁判登录码请在评分平板上使用');
    expect(await byTestId(page, 'progress-overall').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem('jx.console.token'))).toBeNull();
    // A judge's short code is exchanged, then refused the same way: it belongs on the tablet.
    await byTestId(page, 'login-token-input').fill(shortCodeOf(token('J01')).toLowerCase());
    await byTestId(page, 'login-submit').click();
    await expect.poll(() => error.innerText()).toContain('裁判登录码请在评分平板上使用');
    expect(await byTestId(page, 'progress-overall').count()).toBe(0);
    // The head judge types the short code from his card.
    await byTestId(page, 'login-token-input').fill(shortCodeOf(token('H01')));
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'progress-overall').waitFor({ timeout: 15_000 });
    expect(await byTestId(page, 'role-badge').getAttribute('data-role')).toBe('head-judge');
    await page.context().close();
    // The organiser opens the console link the server printed at start; the code leaves the
    // address bar at once.
    const linked = await openPage(`/console/#token=${token('O01')}`);
    await byTestId(linked, 'progress-overall').waitFor({ timeout: 15_000 });
    expect(await byTestId(linked, 'role-badge').getAttribute('data-role')).toBe('organiser');
    expect(linked.url()).not.toContain(token('O01'));
    await linked.context().close();
    // A link cut short (or typed wrong) says so, instead of an empty sign-in form.
    const cut = await openPage(`/console/#token=${token('O01').slice(0, 9)}`);
    await expect
      .poll(() => byTestId(cut, 'login-error').innerText())
      .toBe('这个登录链接不完整或有误：请重新扫描登录卡，或输入卡上的登录码');
    expect(cut.url()).not.toContain('token=');
    await cut.context().close();
  });

  it('signs in with the organiser’s code and fills the progress matrix live as judges mark', async () => {
    org = await signIn('O01');
    await expect(byTestId(org, 'role-badge').getAttribute('data-role')).resolves.toBe('organiser');
    await byTestId(org, 'state-badge', { state: 'live' }).waitFor();
    expect(await byTestId(org, 'competition-title').innerText()).toContain('网约送餐员');
    expect(await byTestId(org, 'progress-overall').getAttribute('data-done')).toBe('0');
    expect(await byTestId(org, 'matrix-row').count()).toBe(35);

    // One mark: its cell turns scored without a reload.
    const first = field[0]!;
    await markSheet(first, 'cleaning');
    const cell = org.locator(
      `[data-testid="matrix-row"][data-bib="${first.bib}"] [data-testid="matrix-cell"][data-station="cleaning"]`,
    );
    await expect.poll(() => cell.getAttribute('data-status')).toBe('scored');
    await byTestId(org, 'progress-overall', { done: 1 }).waitFor();

    // Riding has four sheets: one of them leaves the station in progress.
    await markSheet(first, 's-bend');
    const riding = org.locator(
      `[data-testid="matrix-row"][data-bib="${first.bib}"] [data-testid="matrix-cell"][data-station="riding"]`,
    );
    await expect.poll(() => riding.getAttribute('data-status')).toBe('partial');

    // A realistic mid-contest: 22 riders done, 6 under way, the rest not started.
    const practical = [...sheets.keys()];
    for (const c of field.slice(0, 22)) for (const s of practical) await markSheet(c, s);
    for (const c of field.slice(22, 28))
      for (const s of ['theory-exam', 'cleaning', 's-bend', 'bridge']) await markSheet(c, s);
    // Two panels disagree beyond tolerance; one judge corrects a slip, with a reason.
    await markSheet(field[23]!, 'packaging', true);
    await markSheet(field[25]!, 'communication', true);
    const fix = await submitMark(judges.get('J06')!, {
      contestantId: field[5]!.id,
      sheetId: 'cleaning',
      values: valuesFor(sheets.get('cleaning')!, field[5]!.id + 1, 0),
      reason: '勾选错误，更正',
    });
    expect(fix.type).toBe('mark.ack');

    // The console agrees with the server's staff standings, cell by cell.
    const st = await staffStandings();
    const stationIds = st.columns.stations.map((s) => s.id);
    let done = 0;
    for (const r of st.rows)
      for (const id of stationIds) if (r.stations[id]?.status === 'scored') done++;
    await byTestId(org, 'progress-overall', { done, total: 35 * stationIds.length }).waitFor();
    for (const r of st.rows.slice(0, 12))
      for (const id of stationIds)
        expect(
          await org
            .locator(
              `[data-testid="matrix-row"][data-bib="${r.bib}"] [data-testid="matrix-cell"][data-station="${id}"]`,
            )
            .getAttribute('data-status'),
        ).toBe(r.stations[id]!.status);
    const flaggedBib = field[23]!.bib;
    expect(
      await org
        .locator(
          `[data-testid="matrix-row"][data-bib="${flaggedBib}"] [data-testid="matrix-cell"][data-station="packaging"]`,
        )
        .getAttribute('data-status'),
    ).toBe('flagged');
    const flaggedCount = st.rows.filter((r) => r.stations.packaging?.status === 'flagged').length;
    expect(
      await org
        .locator(
          '[data-testid="station-row"][data-station="packaging"] [data-testid="station-count"][data-status="flagged"]',
        )
        .innerText(),
    ).toBe(String(flaggedCount));
    // Who is missing what: the 7 riders not started miss every station.
    expect(await byTestId(org, 'matrix-row', { missing: stationIds.length }).count()).toBe(7);

    // The organiser does not lock: that is the head judge's sign-off.
    expect(await byTestId(org, 'station-lock').count()).toBe(0);
    await org.screenshot({ path: join(ARTIFACTS, 'console-progress.png') });

    // A reload keeps the login (this tab's sessionStorage).
    await org.reload();
    await byTestId(org, 'progress-overall', { done }).waitFor();
  });

  it('lets the head judge lock a station after a confirmation, showing the open lines the server answers with and asking for a reason, live on every console', async () => {
    head = await signIn('H01');
    await expect(byTestId(head, 'role-badge').getAttribute('data-role')).resolves.toBe(
      'head-judge',
    );
    const row = byTestId(head, 'station-row', { station: 'cleaning' });
    await row.locator('[data-testid="station-lock"]').click();
    // Cancel first: nothing happens.
    await byTestId(head, 'lock-dialog', { step: 'confirm' }).locator('form').waitFor();
    await byTestId(head, 'lock-cancel').click();
    await dialogClosed(head, 'lock-dialog');
    let st = await staffStandings();
    expect(st.rows[0]!.stations.cleaning!.locked).toBe(false);

    // The riders not started are open lines: the server refuses the plain lock and lists them.
    await row.locator('[data-testid="station-lock"]').click();
    await byTestId(head, 'lock-ok').click();
    await byTestId(head, 'lock-dialog', { step: 'open' }).waitFor();
    const open = st.rows.filter((r) => r.stations.cleaning!.status !== 'scored');
    expect(open.length).toBeGreaterThan(0);
    await byTestId(head, 'lock-summary', {
      count: open.length,
      contestants: open.length,
    }).waitFor();
    const lines = byTestId(head, 'lock-line');
    expect(await lines.count()).toBe(open.length);
    const shown = await lines.evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-bib'), e.getAttribute('data-status')]),
    );
    expect(new Set(shown.map(([bib, status]) => `${bib}:${status}`))).toEqual(
      new Set(open.map((r) => `${r.bib}:${r.stations.cleaning!.status}`)),
    );
    const firstLine = await lines.first().innerText();
    expect(firstLine).toContain('准备与清洁消毒');
    expect(firstLine).toContain('0 / 1');
    await head.screenshot({ path: join(ARTIFACTS, 'console-lock-open-lines.png') });
    // No reason, no lock.
    await byTestId(head, 'lock-ok').click();
    expect(await byTestId(head, 'lock-error').innerText()).toContain('原因');
    st = await staffStandings();
    expect(st.rows[0]!.stations.cleaning!.locked).toBe(false);

    await byTestId(head, 'lock-reason').fill('缺考选手不再补评');
    await byTestId(head, 'lock-ok').click();
    await dialogClosed(head, 'lock-dialog');
    await byTestId(head, 'station-row', { station: 'cleaning', locked: 'true' }).waitFor();
    const audit = await api<{ entries: { action: string; reason: string; detailJson: string }[] }>(
      `/api/competitions/${SLUG}/audit`,
      'H01',
    );
    const entry = audit.body.entries.filter((e) => e.action === 'station.lock').at(-1)!;
    expect(entry.reason).toBe('缺考选手不再补评');
    expect((JSON.parse(entry.detailJson) as { openLines: { count: number } }).openLines.count).toBe(
      open.length,
    );
    await byTestId(org, 'station-row', { station: 'cleaning', locked: 'true' }).waitFor();
    st = await staffStandings();
    expect(st.rows.every((r) => r.stations.cleaning!.locked)).toBe(true);
    await head.screenshot({ path: join(ARTIFACTS, 'console-progress-head-judge.png') });

    // A judge can no longer write there.
    const late = await submitMark(judges.get('J06')!, {
      contestantId: field[30]!.id,
      sheetId: 'cleaning',
      values: valuesFor(sheets.get('cleaning')!, field[30]!.id, 0),
    });
    expect(late.type).toBe('mark.reject');
  });

  it('shows the marks log with corrections and flags, and voids a mark with a reason', async () => {
    await byTestId(head, 'nav-review').click();
    const probe = await api<{ marks?: unknown[] }>(`/api/competitions/${SLUG}/marks`, 'H01');
    if (probe.status === 404) {
      // The marks endpoint is not deployed on this server: the screen says so.
      await byTestId(head, 'review-unavailable').waitFor();
      await head.screenshot({ path: join(ARTIFACTS, 'console-review.png') });
      return;
    }
    await byTestId(head, 'review-row').first().waitFor();
    await byTestId(head, 'review-row', { state: 'superseded' }).first().waitFor();
    await byTestId(head, 'review-row', { flagged: 'true' }).first().waitFor();
    await byTestId(head, 'judge-stat').first().waitFor();
    // Sub-stations and criteria by their scheme labels, never by id.
    const logTable = head.locator('.log table');
    await expect.poll(() => logTable.innerText()).toContain('安全骑行 · 单边桥');
    const logText = await logTable.innerText();
    for (const id of ['bridge', 's-bend', 'packaging-quality', 'cleaning-hands', 'foot-down'])
      expect(logText).not.toContain(id);
    expect(logText).toContain('打包质量');
    // No station of this scheme runs attempts: no re-run is offered, voids are.
    expect(await byTestId(head, 'review-rerun').count()).toBe(0);
    expect(await byTestId(head, 'review-void').count()).toBeGreaterThan(0);
    await head.screenshot({ path: join(ARTIFACTS, 'console-review.png') });

    // Only the flagged lines.
    await byTestId(head, 'review-only-flagged').check();
    const flaggedRows = byTestId(head, 'review-row');
    await expect.poll(() => flaggedRows.count()).toBe(6);
    expect(await byTestId(head, 'review-row', { flagged: 'false' }).count()).toBe(0);

    // Void the dissenting judge's mark on the flagged packaging line.
    const target = field[23]!;
    await byTestId(head, 'review-only-flagged').uncheck();
    await head.selectOption('[data-testid="review-contestant"]', String(target.id));
    await head.selectOption('[data-testid="review-station"]', 'packaging');
    const marks = (
      await api<{
        marks: {
          id: number;
          contestantId: number;
          sheetId: string;
          judge: { code: string };
          values: Record<string, unknown>;
          current: boolean;
        }[];
      }>(`/api/competitions/${SLUG}/marks`, 'H01')
    ).body.marks;
    const dissent = marks.find(
      (m) => m.contestantId === target.id && m.sheetId === 'packaging' && m.judge.code === 'J08',
    )!;
    const line = byTestId(head, 'review-row', { 'mark-id': dissent.id });
    await line.locator('[data-testid="review-void"]').click();
    // A reason is required: the dialog refuses an empty one.
    await confirm(head, '');
    await byTestId(head, 'confirm-error').waitFor();
    await confirm(head, '评分明显偏离评分标准，撤销');
    await dialogClosed(head);
    await byTestId(head, 'review-row', { 'mark-id': dissent.id, state: 'voided' }).waitFor();
    const after = (
      await api<{
        marks: { id: number; kind: string; targetMarkId: number | null; current: boolean }[];
      }>(`/api/competitions/${SLUG}/marks`, 'H01')
    ).body.marks;
    expect(after.find((m) => m.id === dissent.id)!.current).toBe(false);
    expect(after.some((m) => m.kind === 'void' && m.targetMarkId === dissent.id)).toBe(true);
    // The panel's other marks read in words: "打包质量 3".
    const kept = marks.find(
      (m) => m.contestantId === target.id && m.sheetId === 'packaging' && m.judge.code === 'J09',
    )!;
    expect(
      await byTestId(head, 'review-row', { 'mark-id': kept.id })
        .locator('[data-testid="review-values"]')
        .innerText(),
    ).toBe(`打包质量 ${formatMilli(kept.values['packaging-quality'] as number)}`);

    // A single-bridge mark: named "安全骑行 · 单边桥", its faults and veto in words.
    const bridge = marks.find(
      (m) =>
        m.current &&
        m.sheetId === 'bridge' &&
        ((m.values['bridge-faults'] as Record<string, number>)['foot-down'] ?? 0) > 0,
    )!;
    const count = (bridge.values['bridge-faults'] as Record<string, number>)['foot-down']!;
    await head.selectOption('[data-testid="review-contestant"]', String(bridge.contestantId));
    await head.selectOption('[data-testid="review-station"]', 'riding');
    const bridgeRow = byTestId(head, 'review-row', { 'mark-id': bridge.id });
    expect(await bridgeRow.innerText()).toContain('安全骑行 · 单边桥');
    expect(await bridgeRow.locator('[data-testid="review-values"]').innerText()).toBe(
      `单脚着地×${count} · 掉桥 否`,
    );
    await head.selectOption('[data-testid="review-contestant"]', '');
    await head.selectOption('[data-testid="review-station"]', '');

    // The organiser sees the log but has no void or re-run buttons.
    await byTestId(org, 'nav-review').click();
    await byTestId(org, 'review-row').first().waitFor();
    expect(await byTestId(org, 'review-void').count()).toBe(0);
    await byTestId(org, 'nav-progress').click();
  });

  it('opens a contestant’s score sheet from the progress matrix, with the Bearer header', async () => {
    const row = (await staffStandings()).rows.find((r) => r.bib === field[0]!.bib)!;
    const [popup] = await Promise.all([
      org.context().waitForEvent('page'),
      byTestId(org, 'contestant-sheet', { bib: row.bib }).click(),
    ]);
    await popup.waitForURL(/^blob:/);
    await popup.locator('[data-testid="sheet-total"]').waitFor();
    const html = await popup.content();
    expect(html).toContain(`${row.bib}号`);
    expect(html).toContain(row.name);
    expect(await popup.locator('[data-testid="sheet-total"]').innerText()).toBe(row.total);
    await popup.close();
  });

  it('lets the head judge ask a sheet’s judges to re-score, with a reason, and audits it', async () => {
    await byTestId(head, 'nav-review').click();
    const target = field[25]!;
    await head.selectOption('[data-testid="review-contestant"]', String(target.id));
    await head.selectOption('[data-testid="review-station"]', 'communication');
    const line = byTestId(head, 'review-row', { state: 'current' }).first();
    await line.waitFor();
    // The score sheet of the chosen contestant is one click away here too.
    expect(await byTestId(head, 'review-sheet').getAttribute('data-bib')).toBe(target.bib);
    await line.locator('[data-testid="review-rescore"]').click();
    await confirm(head, '');
    await byTestId(head, 'confirm-error').waitFor();
    await confirm(head, '裁判分歧超出容差，请重新评分');
    await dialogClosed(head);
    // The sheet's judges are connected in this test: their tablets were told.
    await expect.poll(() => byTestId(head, 'toast').innerText()).toMatch(/已通知 \d+ 台平板/);
    const audit = await api<{ entries: { action: string; reason: string | null }[] }>(
      `/api/competitions/${SLUG}/audit`,
      'H01',
    );
    expect(audit.status).toBe(200);
    expect(
      audit.body.entries.some(
        (e) => e.action === 'mark.rescore' && e.reason === '裁判分歧超出容差，请重新评分',
      ),
    ).toBe(true);
    await head.selectOption('[data-testid="review-contestant"]', '');
    await head.selectOption('[data-testid="review-station"]', '');
    // At the locked cleaning station no re-score is offered.
    await head.selectOption('[data-testid="review-station"]', 'cleaning');
    await byTestId(head, 'review-row').first().waitFor();
    expect(await byTestId(head, 'review-rescore').count()).toBe(0);
    await head.selectOption('[data-testid="review-station"]', '');
  });

  it('rotates a judge’s login code, prints every card with its current code without logging a tablet out, reprints a code made before sealing only with a new one, and the short code signs in on the tablet', async () => {
    // The console runs on 127.0.0.1: the cards link to the server's LAN address when it has one.
    const info = (await (await fetch(`${server.url}/api/server-info`)).json()) as {
      lanUrls: string[];
    };
    const base = info.lanUrls[0] ?? server.url;

    await byTestId(org, 'nav-judges').click();
    const row = byTestId(org, 'official-row', { code: 'J02' });
    await row.locator('[data-testid="official-rotate"]').click();
    await confirm(org);
    await dialogClosed(org);
    const issued = byTestId(org, 'issued-token', { code: 'J02' });
    await issued.waitFor();
    const fresh = (await issued.locator('[data-testid="issued-long-code"]').innerText()).replace(
      /\s+/g,
      '',
    );
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
    const short = await issued.locator('[data-testid="issued-short-code"]').innerText();
    expect(short).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(short).toBe(shortCodeOf(fresh));
    await expect
      .poll(() => issued.locator('[data-testid="qr"]').getAttribute('data-text'))
      .toBe(`${base}/judge-tablet/#token=${fresh}`);
    // The old code is dead, the new one works.
    const old = await connectJudge(server.url.replace('http', 'ws'), token('J02'));
    expect(old.welcome.type).toBe('error');
    old.close();
    const renewed = await connectJudge(server.url.replace('http', 'ws'), fresh);
    expect(renewed.welcome.type).toBe('judge.welcome');
    renewed.close();

    // J03's code as a database from before sealing holds it: the server cannot show it again.
    server.app.store.db.$client
      .prepare(
        "update officials set token_sealed = null where code = 'J03' and competition_id = (select id from competitions where slug = ?)",
      )
      .run(SLUG);

    await byTestId(org, 'print-cards').click();
    await byTestId(org, 'cards-view').waitFor();
    // Judges' cards by default (the head judge's can be ticked on the list).
    expect(await byTestId(org, 'login-card').count()).toBe(10);
    // Printing changes no code: every card but J03's carries the code its tablet uses now.
    await expect.poll(() => byTestId(org, 'login-card', { 'has-token': 'true' }).count()).toBe(9);
    expect(
      await byTestId(org, 'login-card', { code: 'J01' })
        .locator('[data-testid="login-card-short-code"]')
        .innerText(),
    ).toBe(shortCodeOf(token('J01')));
    const legacy = byTestId(org, 'login-card', { code: 'J03' });
    expect(await legacy.getAttribute('data-has-token')).toBe('false');
    expect(await byTestId(org, 'cards-unrecoverable').innerText()).toContain('J03');
    // ... and logs no tablet out: the judges' sockets stay open, J03's too.
    for (const code of ['J01', 'J03', 'J04', 'J05', 'J06', 'J07', 'J08', 'J09', 'J10'])
      expect([code, judges.get(code)!.ws.readyState]).toEqual([code, judges.get(code)!.ws.OPEN]);
    const card = byTestId(org, 'login-card', { code: 'J02' });
    expect(await card.getAttribute('data-has-token')).toBe('true');
    expect(await card.locator('[data-testid="qr"]').getAttribute('data-text')).toBe(
      `${base}/judge-tablet/#token=${fresh}`,
    );
    expect(await byTestId(org, 'cards-base-url').inputValue()).toBe(base);
    // The organiser is pointed to the set-up page each tablet installs the venue CA from.
    expect(await byTestId(org, 'cards-setup').locator('a').getAttribute('href')).toBe(
      `${base}/setup/`,
    );
    // ... and its code, for a tablet to scan from the screen.
    expect(
      await byTestId(org, 'cards-setup').locator('[data-testid="qr"]').getAttribute('data-text'),
    ).toBe(`${base}/setup/`);
    expect(await byTestId(org, 'cards-loopback').count()).toBe(info.lanUrls.length ? 0 : 1);
    // The short code is the card's typed code, in words a judge can read out.
    const cardCode = card.locator('[data-testid="login-card-short-code"]');
    expect(await cardCode.innerText()).toBe(short);
    expect(await card.innerText()).toContain('登录码');
    expect(await card.innerText()).toContain('安全骑行 · S弯道');
    expect(await byTestId(org, 'login-card', { 'has-token': 'false' }).count()).toBe(1);
    await org.screenshot({ path: join(ARTIFACTS, 'console-cards-pending.png') });

    // The judge types the card's short code on the tablet and gets the queue of the sheet.
    const tablet = await openPage('/judge-tablet/');
    await byTestId(tablet, 'login-token-input').fill(await cardCode.innerText());
    await byTestId(tablet, 'login-submit').click();
    await byTestId(tablet, 'queue-row').first().waitFor({ timeout: 15_000 });
    expect(await tablet.locator('header').innerText()).toContain('蒋国平');
    await tablet.context().close();

    // "Issue new codes and print": J03 alone gets a new code, then the print dialog opens.
    await org.evaluate(() => {
      const w = window as unknown as { printed: number };
      w.printed = 0;
      window.print = () => void w.printed++;
    });
    expect(await byTestId(org, 'cards-rotate-print').innerText()).toContain('1');
    await byTestId(org, 'cards-rotate-print').click();
    await confirm(org);
    await dialogClosed(org);
    await expect.poll(() => byTestId(org, 'login-card', { 'has-token': 'true' }).count()).toBe(10);
    expect(await byTestId(org, 'cards-unrecoverable').count()).toBe(0);
    // Only J03's tablet was logged out by his new code.
    expect((await judges.get('J03')!.closed).code).toBe(4001);
    expect(judges.get('J04')!.ws.readyState).toBe(judges.get('J04')!.ws.OPEN);
    expect(await byTestId(org, 'login-card-short-code').count()).toBe(10);
    await expect
      .poll(() => org.evaluate(() => (window as unknown as { printed: number }).printed))
      .toBe(1);
    await org.screenshot({ path: join(ARTIFACTS, 'console-cards.png') });
    await org.emulateMedia({ media: 'print' });
    await org.screenshot({ path: join(ARTIFACTS, 'console-cards-print.png'), fullPage: true });
    await org.emulateMedia({ media: 'screen' });
    // The loopback warning comes back for an address typed by hand; the field stays editable.
    await byTestId(org, 'cards-base-url').fill('http://localhost:3000');
    await byTestId(org, 'cards-loopback').waitFor();
    expect(await card.locator('[data-testid="qr"]').getAttribute('data-text')).toBe(
      `http://localhost:3000/judge-tablet/#token=${fresh}`,
    );
    await byTestId(org, 'cards-base-url').fill(base);
    await expect.poll(() => byTestId(org, 'cards-loopback').count()).toBe(0);
    await org.goBack();
    await byTestId(org, 'official-row').first().waitFor();
  });

  it('adds judge J11 for the single bridge, whose short code signs in on the tablet, and edits its sheets', async () => {
    await byTestId(org, 'nav-judges').click();
    await byTestId(org, 'official-add').click();
    const form = byTestId(org, 'official-form');
    await byTestId(org, 'official-code').fill('j11');
    await byTestId(org, 'official-name').fill('韩立新');
    await org.selectOption('[data-testid="official-role"]', 'judge');
    // Sheets by their scheme labels: each station without sub-stations, and each sub-station.
    const bridge = form.locator('[data-testid="sheet-option"][data-sheet="bridge"]');
    const bridgeLabel = form.locator('label', {
      has: org.locator('[data-testid="sheet-option"][data-sheet="bridge"]'),
    });
    expect((await bridgeLabel.innerText()).trim()).toBe('安全骑行 · 单边桥');
    expect(await form.locator('[data-testid="sheet-option"][data-sheet="riding"]').count()).toBe(0);
    expect(await form.locator('[data-testid="sheet-option"]').count()).toBe(sheets.size);
    await bridge.check();
    await byTestId(org, 'official-create').click();

    const issued = byTestId(org, 'issued-token', { code: 'J11' });
    await issued.waitFor();
    const short = await issued.locator('[data-testid="issued-short-code"]').innerText();
    const long = (await issued.locator('[data-testid="issued-long-code"]').innerText()).replace(
      /\s+/g,
      '',
    );
    expect(short).toBe(shortCodeOf(long));
    expect(await issued.locator('[data-testid="qr"]').getAttribute('data-text')).toMatch(
      new RegExp(`/judge-tablet/#token=${long}$`),
    );
    const row = byTestId(org, 'official-row', { code: 'J11' });
    await row.waitFor();
    expect(await row.innerText()).toContain('安全骑行 · 单边桥');
    const listed = await api<{ officials: { code: string; role: string; sheets: string[] }[] }>(
      `/api/competitions/${SLUG}/officials`,
    );
    expect(listed.body.officials.find((o) => o.code === 'J11')).toMatchObject({
      role: 'judge',
      sheets: ['bridge'],
    });

    // The new judge types the short code on the tablet and gets the single bridge's queue.
    const tablet = await openPage('/judge-tablet/');
    await byTestId(tablet, 'login-token-input').fill(short);
    await byTestId(tablet, 'login-submit').click();
    await byTestId(tablet, 'queue-row').first().waitFor({ timeout: 15_000 });
    expect(await tablet.locator('header').innerText()).toContain('韩立新');
    await tablet.context().close();

    // Give J11 the S-bend as well: the editor ticks sheets from the scheme.
    await row.locator('[data-testid="official-edit-sheets"]').click();
    const editor = byTestId(org, 'official-sheets-editor', { code: 'J11' });
    expect(
      await editor.locator('[data-testid="sheet-option"][data-sheet="bridge"]').isChecked(),
    ).toBe(true);
    await editor.locator('[data-testid="sheet-option"][data-sheet="s-bend"]').check();
    // The new code's card on top (QR and short code), the sheets editor further down.
    await org.evaluate(() => window.scrollTo(0, 0));
    await org.screenshot({ path: join(ARTIFACTS, 'console-judges.png') });
    await editor.locator('[data-testid="official-sheets-save"]').click();
    await expect.poll(() => byTestId(org, 'official-sheets-editor').count()).toBe(0);
    await expect.poll(() => row.innerText()).toContain('S弯道');
    const edited = await api<{ officials: { code: string; sheets: string[] }[] }>(
      `/api/competitions/${SLUG}/officials`,
    );
    expect([...edited.body.officials.find((o) => o.code === 'J11')!.sheets].sort()).toEqual([
      'bridge',
      's-bend',
    ]);

    // The new code prints as a card, like a rotated one.
    await issued.locator('[data-testid="issued-print"]').click();
    await byTestId(org, 'cards-view').waitFor();
    expect(await byTestId(org, 'login-card').count()).toBe(1);
    const card = byTestId(org, 'login-card', { code: 'J11', 'has-token': 'true' });
    expect(await card.locator('[data-testid="login-card-short-code"]').innerText()).toBe(short);
    await org.goBack();
    await byTestId(org, 'official-row').first().waitFor();
  });

  it('edits the competition’s settings: the venue reaches the public list', async () => {
    await byTestId(org, 'nav-settings').click();
    const venue = byTestId(org, 'settings-venue');
    await venue.waitFor();
    const before = await summary();
    expect(await venue.inputValue()).toBe(before.venue);
    expect(await byTestId(org, 'settings-title-zh').inputValue()).toBe(before.title.zh);
    expect(await byTestId(org, 'settings-save').isDisabled()).toBe(true);
    // A bad time zone is refused here, before anything is sent.
    await byTestId(org, 'settings-time-zone').fill('Mars/Olympus');
    await byTestId(org, 'settings-save').click();
    await org.getByText('未知时区').waitFor();
    await byTestId(org, 'settings-time-zone').fill(before.timeZone);
    await venue.fill('高新区会展中心 2 号馆');
    await byTestId(org, 'settings-save').click();
    await expect.poll(async () => (await summary()).venue).toBe('高新区会展中心 2 号馆');
    expect((await summary()).title).toEqual(before.title);
    await expect.poll(() => org.locator('header .venue').innerText()).toContain('会展中心');
    await byTestId(org, 'toast').waitFor();
    await org.screenshot({ path: join(ARTIFACTS, 'console-settings.png') });
  });

  it('previews a theory score file as the server would store it, imports a clean one, and asks before overwriting a tablet’s correction', async () => {
    await byTestId(org, 'nav-import').click();
    // The scheme's one imported criterion is the target (no choice to make).
    const target = byTestId(org, 'import-theory-target');
    await target.waitFor();
    expect(await target.getAttribute('data-criterion')).toBe('theory-score');
    expect(await target.innerText()).toContain('理论考试 · 理论成绩（100题）');
    expect(await byTestId(org, 'import-theory-criterion').count()).toBe(0);
    const bad = `号码,成绩\n${field[0]!.bib},88\n${field[1]!.bib},101\n999,75\n${field[2]!.bib},90.5\n`;
    await byTestId(org, 'import-theory-file').setInputFiles({
      name: '理论成绩.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    });
    await byTestId(org, 'import-errors').waitFor();
    const theoryPanel = org.locator('section', { has: byTestId(org, 'import-theory-file') });
    expect(await theoryPanel.locator('[data-testid="import-preview-row"]').count()).toBe(4);
    expect(
      await theoryPanel.locator('[data-testid="import-preview-row"][data-error="true"]').count(),
    ).toBe(2);
    expect(
      await theoryPanel
        .locator('[data-testid="import-preview-row"][data-error="true"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-line'))),
    ).toEqual(['3', '4']);
    expect(await byTestId(org, 'import-confirm-theory').isDisabled()).toBe(true);

    // The contestant list preview, too (the server checks; nothing is written).
    const probe = await fetch(
      `${server.url}/api/competitions/${SLUG}/contestants/import?dryRun=1`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token('O01')}`, 'content-type': 'text/csv' },
        body: '号码,姓名\n1,甲\n',
      },
    );
    if (probe.status !== 404) {
      await byTestId(org, 'import-contestants-file').setInputFiles({
        name: '选手名单.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          '号码,姓名,单位\n101,张晓明,美团\n101,李小红,饿了么\n,王大力,达达\n104,赵一,顺丰\n',
        ),
      });
      const people = org.locator('section', { has: byTestId(org, 'import-contestants-file') });
      await people.locator('[data-testid="import-errors"]').waitFor();
      expect(await people.locator('[data-testid="import-preview-row"]').count()).toBeGreaterThan(0);
      expect(await byTestId(org, 'import-confirm-contestants').isDisabled()).toBe(true);
    }
    await org.screenshot({ path: join(ARTIFACTS, 'console-import.png') });

    const good = `号码,成绩\n${field[0]!.bib},88\n${field[2]!.bib},90.5\n`;
    await byTestId(org, 'import-theory-file').setInputFiles({
      name: 'theory.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(good),
    });
    await expect.poll(() => byTestId(org, 'import-confirm-theory').isDisabled()).toBe(false);
    await byTestId(org, 'import-confirm-theory').click();
    await confirm(org);
    await dialogClosed(org);
    await theoryPanel.locator('[data-testid="import-done"]').waitFor();
    let st = await staffStandings();
    expect(st.rows.find((r) => r.bib === field[0]!.bib)!.stations['theory-exam']!.score).toBe(
      '88.00',
    );
    expect(st.rows.find((r) => r.bib === field[2]!.bib)!.stations['theory-exam']!.score).toBe(
      '90.50',
    );

    // The preview is the server's dry run: each line as it would be stored, and what it replaces.
    const again = `号码,成绩\n${field[0]!.bib},89\n${field[2]!.bib},"91,5"\n`;
    await byTestId(org, 'import-theory-file').setInputFiles({
      name: 'theory-2.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(again),
    });
    await theoryPanel
      .locator(
        `[data-testid="import-preview-row"][data-bib="${field[2]!.bib}"][data-value="91.50"][data-change="changed"]`,
      )
      .waitFor();
    expect(await byTestId(org, 'import-plan').innerText()).toContain('将写入 2 条');
    // A judge corrects a line on the tablet after the preview: the import does not overwrite
    // it, it comes back as a conflict to keep or to overwrite with a reason.
    const dry = (await (
      await fetch(`${server.url}/api/competitions/${SLUG}/imports/theory-score?dryRun=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token('O01')}`, 'content-type': 'text/csv' },
        body: `${field[0]!.bib},89`,
      })
    ).json()) as { lines: { supersedes: number | null }[] };
    // Printing the cards rotated nobody: the proctor signs in with his own code still.
    const proctor = await connectJudge(server.url.replace('http', 'ws'), token('J01'));
    const fix = await submitMark(proctor, {
      contestantId: field[0]!.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '87' },
      seen: dry.lines[0]!.supersedes,
      reason: '复核试卷',
    });
    expect(fix.type, JSON.stringify(fix)).toBe('mark.ack');
    proctor.close();
    await byTestId(org, 'import-confirm-theory').click();
    await confirm(org);
    await dialogClosed(org);
    const conflict = byTestId(org, 'import-conflict', { bib: field[0]!.bib });
    await conflict.waitFor();
    expect(await byTestId(org, 'import-conflict').count()).toBe(1);
    expect(await conflict.innerText()).toContain('87.00');
    expect(await conflict.innerText()).toContain('罗文静');
    // Nothing of the file is written while a conflict waits for a choice.
    st = await staffStandings();
    expect(st.rows.find((r) => r.bib === field[2]!.bib)!.stations['theory-exam']!.score).toBe(
      '90.50',
    );
    expect(await byTestId(org, 'conflict-resolve').isDisabled()).toBe(true);
    await conflict.locator('[data-testid="conflict-overwrite"]').check();
    await conflict.locator('[data-testid="conflict-reason"]').fill('以考试系统为准');
    await byTestId(org, 'import-conflicts').scrollIntoViewIfNeeded();
    await org.screenshot({ path: join(ARTIFACTS, 'console-import-conflict.png') });
    await byTestId(org, 'conflict-resolve').click();
    await theoryPanel.locator('[data-testid="import-done"]').waitFor();
    st = await staffStandings();
    expect(st.rows.find((r) => r.bib === field[0]!.bib)!.stations['theory-exam']!.score).toBe(
      '89.00',
    );
    expect(st.rows.find((r) => r.bib === field[2]!.bib)!.stations['theory-exam']!.score).toBe(
      '91.50',
    );
  });

  it('downloads the standings CSV with the Bearer header', async () => {
    await byTestId(org, 'nav-export').click();
    const [download] = await Promise.all([
      org.waitForEvent('download'),
      byTestId(org, 'export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('号码');
    expect(text).toContain(field[0]!.name);
    await byTestId(org, 'toast').waitFor();
    await org.screenshot({ path: join(ARTIFACTS, 'console-export.png') });
  });

  it('downloads the full data as JSON and creates a copy of the competition from it', async () => {
    await byTestId(org, 'nav-export').click();
    const [download] = await Promise.all([
      org.waitForEvent('download'),
      byTestId(org, 'export-json').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${SLUG}.json`);
    const bytes = readFileSync((await download.path())!);
    const file = JSON.parse(bytes.toString('utf8')) as {
      competition: { slug: string; venue: string };
      officials: { code: string }[];
    };
    expect(file.competition.slug).toBe(SLUG);
    expect(file.officials.some((o) => o.code === 'J11')).toBe(true);
    await org.screenshot({ path: join(ARTIFACTS, 'console-export.png') });

    await byTestId(org, 'nav-import').click();
    await byTestId(org, 'competition-file').setInputFiles({
      name: `${SLUG}.json`,
      mimeType: 'application/json',
      buffer: bytes,
    });
    // The file's own slug is taken: the server refuses it with its message.
    await byTestId(org, 'competition-create').click();
    await expect.poll(() => byTestId(org, 'competition-error').innerText()).toContain(SLUG);
    await byTestId(org, 'competition-slug').fill('gaoxin-copy');
    await byTestId(org, 'competition-create').click();
    const created = byTestId(org, 'competition-created', { slug: 'gaoxin-copy' });
    await created.waitFor({ timeout: 30_000 });
    expect(await created.locator('[data-testid="competition-login"]').count()).toBe(
      file.officials.length,
    );
    const organiser = created.locator(
      '[data-testid="competition-login"][data-role="organiser"] [data-testid="competition-login-token"]',
    );
    const newToken = (await organiser.innerText()).replace(/\s+/g, '');
    expect(newToken).toMatch(/^[0-9a-f]{32}$/);
    const listed = (await (
      await fetch(`${server.url}/api/competitions`)
    ).json()) as CompetitionsResponse;
    const copy = listed.competitions.find((c) => c.slug === 'gaoxin-copy');
    expect(copy?.venue).toBe(file.competition.venue);
    // The new organiser code signs in to the copy (this console stays on the original).
    const me = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${newToken}` },
    });
    expect(((await me.json()) as { competition: string }).competition).toBe('gaoxin-copy');
    await created.scrollIntoViewIfNeeded();
    await org.screenshot({ path: join(ARTIFACTS, 'console-import-competition.png') });
  });

  it('runs the course: freeze, reveal twice, refuse and then publish the official results', async () => {
    await byTestId(org, 'nav-course').click();
    await byTestId(org, 'course-step', { step: 'live', current: 'true' }).waitFor();

    await byTestId(org, 'course-freeze').click();
    await confirm(org);
    await dialogClosed(org);
    await byTestId(org, 'state-badge', { state: 'frozen' }).waitFor();
    expect((await summary()).state).toBe('frozen');

    const ranked = (await staffStandings()).rows;
    for (const k of [1, 2]) {
      const next = ranked[ranked.length - k]!;
      expect(await byTestId(org, 'reveal-next').innerText()).toContain(next.name);
      await byTestId(org, 'course-reveal').click();
      // The ceremony is confirmed once, at its start; then one click is one row.
      if (k === 1) {
        await confirm(org);
        await dialogClosed(org);
      }
      await byTestId(org, 'reveal-progress', { revealed: k, total: 35 }).waitFor();
      expect((await summary()).revealed).toBe(k);
    }
    await byTestId(org, 'state-badge', { state: 'ceremony' }).waitFor();
    await org.screenshot({ path: join(ARTIFACTS, 'console-course.png') });

    // Publishing with stations still open is refused, with the server's message.
    await byTestId(org, 'course-publish').click();
    await confirm(org);
    const refusal = byTestId(org, 'confirm-error');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('尚未锁定');
    await byTestId(org, 'confirm-cancel').click();
    await dialogClosed(org);
    expect((await summary()).state).toBe('frozen');

    // The head judge resolves the remaining disagreement and signs off every other station
    // (over the API), and the console follows.
    const log = (
      await api<{
        marks: {
          id: number;
          contestantId: number;
          sheetId: string;
          judge: { code: string };
          current: boolean;
        }[];
      }>(`/api/competitions/${SLUG}/marks`, 'H01')
    ).body.marks;
    const dissent = log.find(
      (m) =>
        m.current &&
        m.contestantId === field[25]!.id &&
        m.sheetId === 'communication' &&
        m.judge.code === 'J08',
    )!;
    const voided = await api(`/api/competitions/${SLUG}/marks/${dissent.id}/void`, 'H01', {
      method: 'POST',
      body: JSON.stringify({ reason: '与评分标准不符' }),
    });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    const st = await staffStandings();
    for (const s of st.columns.stations)
      if (!st.rows[0]!.stations[s.id]!.locked) {
        const r = await api(`/api/competitions/${SLUG}/course`, 'H01', {
          method: 'POST',
          body: JSON.stringify({ action: 'station.lock', stationId: s.id, reason: '其余选手缺考' }),
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
    await expect.poll(() => byTestId(org, 'unlocked-stations').count()).toBe(0);
    // Before publishing, the course page says how many rows will stay provisional.
    const provisional = (await staffStandings()).rows.filter(
      (r) => r.status === 'active' && r.provisional,
    ).length;
    expect(provisional).toBeGreaterThan(0);
    await byTestId(org, 'provisional-before', { count: provisional }).waitFor();

    await byTestId(org, 'course-publish').click();
    await expect
      .poll(() => byTestId(org, 'confirm-dialog').locator('.note.warn').innerText())
      .toContain(`${provisional} 位选手`);
    await confirm(org);
    await dialogClosed(org);
    await byTestId(org, 'state-badge', { state: 'final' }).waitFor();
    // After: the publish's own answer.
    await byTestId(org, 'provisional-after', { count: provisional, from: 'server' }).waitFor();
    expect((await summary()).state).toBe('final');
    const official = await staffStandings();
    expect(official.rows.every((r) => Object.values(r.stations).every((x) => x.locked))).toBe(true);
  });

  it('signs the organiser in with the password, too', async () => {
    await ensureOrganiserPassword(server.app.store, 'venue-password-2024');
    const context = await browser.newContext({ viewport: VIEWPORT });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/`);
    await byTestId(page, 'login-mode-password').click();
    await byTestId(page, 'login-password-input').fill('wrong-password');
    await byTestId(page, 'login-submit').click();
    expect(await byTestId(page, 'login-error').innerText()).toContain('密码');
    await byTestId(page, 'login-password-input').fill('venue-password-2024');
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'progress-overall').waitFor();
    expect(await byTestId(page, 'role-badge').getAttribute('data-role')).toBe('organiser');
    const stored = await page.evaluate(() => sessionStorage.getItem('jx.console.token'));
    expect(stored).toMatch(/^[0-9a-f]{32}$/);
    // Signing out ends the session on the server as well.
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-token-input').waitFor();
    await expect
      .poll(async () => {
        const r = await fetch(`${server.url}/api/competitions/${SLUG}/audit`, {
          headers: { authorization: `Bearer ${stored}` },
        });
        return r.status;
      })
      .toBe(401);
  });

  it('speaks English with ?lang=en, fits 1920×1080 and signs out', async () => {
    const page = await signIn('O01', '?lang=en');
    expect(await byTestId(page, 'nav-progress').innerText()).toBe('Progress');
    expect(await byTestId(page, 'state-badge').innerText()).toBe('Official');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: join(ARTIFACTS, 'console-progress-en-1920.png') });
    // A file's refused lines read in English too: the console words their codes and parameters.
    await byTestId(page, 'nav-import').click();
    await byTestId(page, 'import-contestants-file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('号码,姓名\n7,\n8,Li Si\n8,Wang Wu\n'),
    });
    const refused = page
      .locator('section', { has: byTestId(page, 'import-contestants-file') })
      .locator('[data-testid="import-errors"] li');
    await expect
      .poll(() => refused.allInnerTexts())
      .toEqual(['Line 2: no name', 'Line 4: bib 8 repeats line 3']);
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-token-input').waitFor();
    await page.reload();
    await byTestId(page, 'login-token-input').waitFor();
  });
});
