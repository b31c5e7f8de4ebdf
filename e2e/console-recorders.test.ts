/**
 * The console's side of panels with a recorder, voids and re-score requests, in Debian's
 * Chromium against the real server (1440×900): the default contest with the emergency panel
 * (J08, J09, J10) counting missed steps as well as judging, J08 recording them (as
 * server/owners.test.ts). The organiser sees and changes who records a panel in the judges
 * view (the server's refusal of a second recorder is shown as sent); the head judge's review
 * lists re-score requests with each judge's answer. Screenshots: e2e/artifacts/console-recorders*.png.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../server/test-support.ts';
import { readFixture } from '../server/plugins/seed.ts';
import type { MarkAck } from '../server/protocol/index.ts';
import {
  connectJudge,
  submitMark,
  writeOwnersFixture,
  type JudgeSocket,
} from '../server/test-support.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';
import { byTestId } from './support/dom.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 1440, height: 900 };

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const sockets: JudgeSocket[] = [];
const fixture = readFixture();
const token = (code: string) => fixture.officials.find((o) => o.code === code)!.token;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jx-e2e-recorders-'));
  server = await startTestServer(dir, writeOwnersFixture(dir, { packagingByOne: false }));
  browser = await launchChromium();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  // Ends keep-alive connections Chromium still holds after a grace, so the close never hangs.
  await server?.close();
});

/** Opens the console in a fresh browser context and signs in with an official's code. */
async function signIn(code: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', code, e));
  await page.goto(`${server.url}/console/`);
  await byTestId(page, 'login-token-input').fill(token(code));
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'progress-overall').waitFor({ timeout: 15_000 });
  return page;
}

async function judge(code: string): Promise<JudgeSocket> {
  const s = await connectJudge(server.url.replace('http', 'ws'), token(code));
  sockets.push(s);
  return s;
}

async function officials() {
  const res = await fetch(`${server.url}/api/competitions/${SLUG}/officials`, {
    headers: { authorization: `Bearer ${token('O01')}` },
  });
  return ((await res.json()) as { officials: { code: string; records: string[] }[] }).officials;
}

describe('console: recorders, re-score requests', () => {
  it('shows who records a panel and lets the organiser hand the role over, showing the server’s refusal of a second recorder', async () => {
    const org = await signIn('O01');
    await byTestId(org, 'nav-judges').click();
    const j08 = byTestId(org, 'official-row', { code: 'J08' });
    await j08.waitFor();
    expect(await j08.locator('[data-testid="official-records"]').innerText()).toBe(
      '记录裁判：应急处理',
    );
    expect(await byTestId(org, 'official-records').count()).toBe(1);
    expect(await byTestId(org, 'recorders-missing').count()).toBe(0);

    // J09 sits on the panel: the station is offered, with who records it now.
    const j09 = byTestId(org, 'official-row', { code: 'J09' });
    await j09.locator('[data-testid="official-edit-sheets"]').click();
    const editor = byTestId(org, 'official-sheets-editor', { code: 'J09' });
    const option = editor.locator('[data-testid="official-records-option"]');
    expect(await option.count()).toBe(1);
    expect(await option.getAttribute('data-station')).toBe('emergency');
    expect(await editor.locator('[data-testid="official-records-editor"]').innerText()).toContain(
      '现由 J08 程玉兰 记录',
    );
    await option.check();
    await editor.locator('[data-testid="official-sheets-save"]').click();
    const refused = editor.locator('[role="alert"]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('只能有一名记录裁判');
    await org.screenshot({ path: join(ARTIFACTS, 'console-recorders.png') });
    // Without the emergency sheet the station cannot be recorded (it is not offered ticked).
    await editor.locator('[data-testid="sheet-option"][data-sheet="emergency"]').uncheck();
    expect(await option.isDisabled()).toBe(true);
    await editor.locator('[data-testid="sheet-option"][data-sheet="emergency"]').check();
    await editor.getByRole('button', { name: '取消' }).click();

    // J08 gives the role up: the page warns that the panel's marks are refused until…
    await j08.locator('[data-testid="official-edit-sheets"]').click();
    const own = byTestId(org, 'official-sheets-editor', { code: 'J08' });
    await own.locator('[data-testid="official-records-option"]').uncheck();
    await own.locator('[data-testid="official-sheets-save"]').click();
    await expect.poll(() => byTestId(org, 'official-sheets-editor').count()).toBe(0);
    await byTestId(org, 'recorders-missing').waitFor();
    expect(await byTestId(org, 'recorders-missing').innerText()).toContain('应急处理');
    await org.screenshot({ path: join(ARTIFACTS, 'console-recorders-missing.png') });
    // … J09 takes it.
    await j09.locator('[data-testid="official-edit-sheets"]').click();
    await editor.locator('[data-testid="official-records-option"]').check();
    await editor.locator('[data-testid="official-sheets-save"]').click();
    await expect.poll(() => byTestId(org, 'official-sheets-editor').count()).toBe(0);
    await j09.locator('[data-testid="official-records"]').waitFor();
    expect(await byTestId(org, 'recorders-missing').count()).toBe(0);
    const list = await officials();
    expect(list.find((o) => o.code === 'J08')!.records).toEqual([]);
    expect(list.find((o) => o.code === 'J09')!.records).toEqual(['emergency']);
    await org.screenshot({ path: join(ARTIFACTS, 'console-recorders-moved.png') });
  });

  it('lists the head judge’s re-score requests with each judge’s answer', async () => {
    const [j08, j09, j10] = [await judge('J08'), await judge('J09'), await judge('J10')];
    const c = j08.welcome.contestants.find((x) => x.bib === '9')!;
    const q = (v: string) => ({ 'communication-quality': v });
    for (const [j, v] of [
      [j08, '0'],
      [j09, '3'],
      [j10, '3'],
    ] as const) {
      const ack = await submitMark(j, {
        contestantId: c.id,
        sheetId: 'communication',
        values: q(v),
      });
      expect(ack.type, JSON.stringify(ack)).toBe('mark.ack');
    }
    const head = await signIn('H01');
    await byTestId(head, 'nav-review').click();
    await head.selectOption('[data-testid="review-contestant"]', String(c.id));
    await head.selectOption('[data-testid="review-station"]', 'communication');
    await byTestId(head, 'review-row', { state: 'current' }).first().waitFor();
    expect(await byTestId(head, 'rescore-row').count()).toBe(0);
    await byTestId(head, 'review-rescore').first().click();
    const dialog = byTestId(head, 'confirm-dialog');
    await dialog.locator('form').waitFor();
    await byTestId(head, 'confirm-reason').fill('分歧超出容差');
    await byTestId(head, 'confirm-ok').click();
    const row = byTestId(head, 'rescore-row', { bib: '9', 'sheet-id': 'communication' });
    await row.waitFor();
    expect(await row.getAttribute('data-pending')).toBe('true');
    expect(await row.innerText()).toContain('分歧超出容差');
    const answer = (code: string) =>
      row.locator(`[data-testid="rescore-judge"][data-code="${code}"]`).getAttribute('data-done');
    expect([await answer('J08'), await answer('J09'), await answer('J10')]).toEqual([
      'false',
      'false',
      'false',
    ]);

    // J08 marks again (a correction): his answer turns done as the log moves on.
    const first = j08.received.find((m) => m.type === 'mark.ack') as MarkAck;
    const again = await submitMark(j08, {
      contestantId: c.id,
      sheetId: 'communication',
      values: q('2'),
      reason: '复看录像',
      seen: first.markId,
    });
    expect(again.type, JSON.stringify(again)).toBe('mark.ack');
    await expect.poll(() => answer('J08'), { timeout: 10_000 }).toBe('true');
    expect(await row.getAttribute('data-pending')).toBe('true');
    expect(await row.innerText()).toContain('J08 程玉兰 · 已重评');
    expect(await row.innerText()).toContain('J09 薛永刚 · 待重评');
    await row.scrollIntoViewIfNeeded();
    await head.screenshot({ path: join(ARTIFACTS, 'console-recorders-rescores.png') });
  });
});
