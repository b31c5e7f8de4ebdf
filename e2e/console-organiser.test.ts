/**
 * What a first-time organiser tripped over in the console, against the real server in Debian's
 * Chromium (1366×900, a venue laptop): the progress never says 100 % with a line open, station
 * headers wrap only between words, the head judge locks every complete station at once (the
 * open ones skipped and named), freezing after the last mark warns that nothing is left to
 * hide, the ceremony is confirmed once and then runs one key or click per row, and two
 * competitions created from the same file are told apart by their slugs wherever they are
 * listed. Screenshots land in e2e/artifacts/ (console-organiser-*.png): look at them.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexScheme, type Sheet } from '../server/engine/index.ts';
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
const COPY = 'gaoxin-rerun';
const VIEWPORT = { width: 1366, height: 900 };

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let browser: Browser;
const contexts: BrowserContext[] = [];
const judges = new Map<string, JudgeSocket>();
let sheets: Map<string, Sheet>;
/** Contestants in draw order. */
let field: JudgeContestant[] = [];
let org: Page;
let head: Page;

const token = (code: string) => tokenOf(server.fixture, code);

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

async function summary(slug = SLUG) {
  const res = await fetch(`${server.url}/api/competitions`);
  return ((await res.json()) as CompetitionsResponse).competitions.find((c) => c.slug === slug)!;
}

async function staffStandings(): Promise<StandingsResponse> {
  const r = await api<StandingsResponse>(`/api/competitions/${SLUG}/standings`);
  expect(r.status).toBe(200);
  return r.body;
}

async function lockedOnServer(): Promise<string[]> {
  const st = await staffStandings();
  return st.columns.stations.filter((s) => st.rows[0]!.stations[s.id]!.locked).map((s) => s.id);
}

async function openPage(path: string, viewport = VIEWPORT): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', path, e));
  await page.goto(`${server.url}${path}`);
  return page;
}

async function signIn(code: string, query = '', viewport = VIEWPORT): Promise<Page> {
  const page = await openPage(`/console/${query}`, viewport);
  await byTestId(page, 'login-token-input').fill(token(code));
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'progress-overall').waitFor({ timeout: 15_000 });
  return page;
}

async function dialogOpen(page: Page, id = 'confirm-dialog') {
  await byTestId(page, id).locator('form').waitFor();
}

async function dialogClosed(page: Page, id = 'confirm-dialog') {
  await page.waitForFunction(
    (sel) => !(document.querySelector(sel) as HTMLDialogElement).open,
    `[data-testid="${id}"]`,
  );
}

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

function panelOf(sheetId: string): string[] {
  return server.fixture.officials
    .filter((o) => o.role === 'judge' && o.sheets.includes(sheetId))
    .map((o) => o.code);
}

async function markSheet(c: JudgeContestant, sheetId: string, flag = false) {
  for (const [i, code] of panelOf(sheetId).entries()) {
    const ack = await submitMark(judges.get(code)!, {
      contestantId: c.id,
      sheetId,
      values: valuesFor(sheets.get(sheetId)!, c.id, i, flag),
    });
    expect(ack.type, JSON.stringify(ack)).toBe('mark.ack');
  }
}

/**
 * The lines each station heading is set in, read from where the browser put every character:
 * a new line starts where a character sits lower than the one before it.
 */
function headerLines(page: Page, selector = 'th.st') {
  return page.locator(selector).evaluateAll((ths) =>
    ths.map((th) => {
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      const lines: string[] = [];
      let line = '';
      let top: number | null = null;
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null)
        for (let i = 0; i < n.data.length; i++) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const rect = range.getClientRects()[0];
          if (rect && rect.width > 0) {
            if (top !== null && rect.top > top + 3) {
              lines.push(line);
              line = '';
            }
            if (top === null || rect.top > top + 3) top = rect.top;
          }
          line += n.data[i];
        }
      lines.push(line);
      return {
        label: th.getAttribute('title') ?? th.textContent?.trim() ?? '',
        lines: lines.map((l) => l.trim()).filter(Boolean),
      };
    }),
  );
}

/** Cards and scrolling boxes whose content is wider than they are (cut off at their edge). */
function clipped(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.card, .scroll')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => e.querySelector('h2')?.textContent ?? e.className),
  );
}

/** The default contest's station names in words, as a reader of Chinese splits them. */
const ZH_WORDS: Record<string, string[]> = {
  理论考试: ['理论', '考试'],
  准备与清洁消毒: ['准备与', '清洁', '消毒'],
  订单验收: ['订单', '验收'],
  货物打包: ['货物', '打包'],
  路线规划: ['路线', '规划'],
  安全骑行: ['安全', '骑行'],
  客户沟通: ['客户', '沟通'],
  应急处理: ['应急', '处理'],
};

/** True when every line holds whole words: a line break only ever falls between two words. */
function wholeWords(lines: string[], words: string[], spaced: boolean): boolean {
  if (spaced) return JSON.stringify(lines.flatMap((l) => l.split(/\s+/))) === JSON.stringify(words);
  if (lines.join('') !== words.join('')) return false;
  const ends = new Set(words.map((_, i) => words.slice(0, i + 1).join('').length));
  let at = 0;
  return lines.every((l) => ends.has((at += l.length)));
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

describe('the console for a first-time organiser', () => {
  it('wraps the progress table’s station headings only between words, at 1366×768, 1440×900 and 1920×1080, in Chinese and English', async () => {
    for (const [lang, query] of [
      ['zh', ''],
      ['en', '?lang=en'],
    ] as const)
      for (const viewport of [
        { width: 1366, height: 768 },
        // The stations panel beside the matrix: the headings wrap.
        { width: 1440, height: 900 },
        { width: 1920, height: 1080 },
      ]) {
        const page = await signIn('O01', query, viewport);
        await page.locator('th.st').first().waitFor();
        const heads = await headerLines(page);
        expect(heads.length).toBe(8);
        for (const h of heads) {
          const where = `${lang} ${viewport.width}: ${JSON.stringify(h)}`;
          if (lang === 'zh') {
            const words = ZH_WORDS[h.label];
            expect(words, where).toBeDefined();
            expect(wholeWords(h.lines, words!, false), where).toBe(true);
          } else {
            expect(wholeWords(h.lines, h.label.split(' '), true), where).toBe(true);
          }
        }
        // The other headings (the stations panel's counts) wrap between words too, if at all.
        for (const h of await headerLines(page, 'table.grid th:not(.st):not(.act-h)')) {
          if (!h.label) continue;
          const where = `${lang} ${viewport.width}: ${JSON.stringify(h)}`;
          if (lang === 'zh') expect(h.lines.length, where).toBeLessThanOrEqual(1);
          else expect(wholeWords(h.lines, h.label.split(/\s+/), true), where).toBe(true);
        }
        // No heading spills out of its cell (a word wider than its column).
        expect(
          await page
            .locator('table.grid th')
            .evaluateAll((ths) =>
              ths.filter((th) => th.scrollWidth > th.clientWidth + 1).map((th) => th.textContent),
            ),
          `${lang} ${viewport.width}`,
        ).toEqual([]);
        // Nothing is cut off at a card's edge: the whole matrix and the stations panel show.
        expect(await clipped(page), `${lang} ${viewport.width}`).toEqual([]);
        if (viewport.width === 1366)
          await page.screenshot({
            path: join(ARTIFACTS, `console-organiser-headers-${lang}-1366x768.png`),
          });
        await page.context().close();
      }
  });

  it('shows 99.6 % at 279 of 280 lines, never 100 %, and asks nothing special before freezing while a line is open', async () => {
    // Every rider at every station, except the last rider's emergency handling.
    const last = field[field.length - 1]!;
    for (const c of field)
      for (const s of sheets.keys())
        if (!(c.id === last.id && s === 'emergency')) await markSheet(c, s);
    org = await signIn('O01');
    await byTestId(org, 'progress-overall', { done: 279, total: 280 }).waitFor();
    expect(await byTestId(org, 'progress-overall').innerText()).toMatch(/^99\.6\s*%/);
    await org.screenshot({ path: join(ARTIFACTS, 'console-organiser-progress.png') });

    await byTestId(org, 'nav-course').click();
    await byTestId(org, 'course-freeze').click();
    await dialogOpen(org);
    expect(await byTestId(org, 'confirm-warning').count()).toBe(0);
    await byTestId(org, 'confirm-cancel').click();
    await dialogClosed(org);
    expect((await summary()).state).toBe('live');
  });

  it('locks every complete station after one confirmation, skipping and naming the ones with open lines', async () => {
    head = await signIn('H01');
    const all = byTestId(head, 'station-lock-all');
    await all.click();
    await dialogOpen(head);
    // The dialog says beforehand which stations it expects to lock and which to skip.
    expect(await byTestId(head, 'confirm-warning').innerText()).toContain('应急处理');
    await byTestId(head, 'confirm-ok').click();
    await dialogClosed(head);
    const result = byTestId(head, 'lock-all-result');
    await result.waitFor();
    expect(await byTestId(head, 'lock-all-locked').count()).toBe(7);
    const skipped = byTestId(head, 'lock-all-skipped');
    expect(await skipped.count()).toBe(1);
    expect(await skipped.getAttribute('data-station')).toBe('emergency');
    expect(await skipped.getAttribute('data-reason')).toBe('open');
    expect(await skipped.innerText()).toContain('应急处理');
    await result.scrollIntoViewIfNeeded();
    await head.screenshot({ path: join(ARTIFACTS, 'console-organiser-lock-all.png') });
    expect(await clipped(head)).toEqual([]);
    expect((await lockedOnServer()).sort()).toEqual(
      [
        'theory-exam',
        'cleaning',
        'order-acceptance',
        'packaging',
        'route-planning',
        'riding',
        'communication',
      ].sort(),
    );
    // Nothing was locked with a reason: the open station stays open.
    await byTestId(head, 'station-row', { station: 'emergency', locked: 'false' }).waitFor();

    // The panel disagrees on the last line: the next run skips it as a disagreement.
    const last = field[field.length - 1]!;
    await markSheet(last, 'emergency', true);
    await byTestId(head, 'station-count', { status: 'flagged' }).filter({ hasText: '1' }).waitFor();
    await all.click();
    await byTestId(head, 'confirm-ok').click();
    await dialogClosed(head);
    await byTestId(head, 'lock-all-skipped', { station: 'emergency', reason: 'flagged' }).waitFor();
    expect(await byTestId(head, 'lock-all-locked').count()).toBe(0);

    // The judge who slipped corrects his mark; then the last station locks too.
    const fix = await submitMark(judges.get('J08')!, {
      contestantId: last.id,
      sheetId: 'emergency',
      values: valuesFor(sheets.get('emergency')!, last.id, 1, true),
      reason: '录入错误，更正',
    });
    expect(fix.type, JSON.stringify(fix)).toBe('mark.ack');
    await byTestId(head, 'progress-overall', { done: 280 }).waitFor();
    await all.click();
    await byTestId(head, 'confirm-ok').click();
    await dialogClosed(head);
    await byTestId(head, 'lock-all-locked', { station: 'emergency' }).waitFor();
    expect(await lockedOnServer()).toHaveLength(8);
    // Nothing left to lock: the button goes.
    await expect.poll(() => all.count()).toBe(0);
    expect(await byTestId(head, 'progress-overall').innerText()).toMatch(/^100\s*%/);
  });

  it('warns before freezing when every line is scored: nothing is left to hide', async () => {
    await byTestId(org, 'course-freeze').click();
    await dialogOpen(org);
    const warning = byTestId(org, 'confirm-warning');
    expect(await warning.innerText()).toContain('封榜后观众将看到完整最终排名，没有可隐藏的内容');
    await org.screenshot({ path: join(ARTIFACTS, 'console-organiser-freeze-warning.png') });
    await byTestId(org, 'confirm-cancel').click();
    await dialogClosed(org);
    expect((await summary()).state).toBe('live');
    // The organiser may still freeze: the warning asks, it does not forbid.
    await byTestId(org, 'course-freeze').click();
    await byTestId(org, 'confirm-ok').click();
    await dialogClosed(org);
    await byTestId(org, 'state-badge', { state: 'frozen' }).waitFor();
    expect((await summary()).state).toBe('frozen');
  });

  it('runs the ceremony with one confirmation, then one key or one click per row', async () => {
    const ranked = (await staffStandings()).rows;
    const nth = (k: number) => ranked[ranked.length - k]!;
    /**
     * Row `k` is revealed and the console is ready for the next press: the board's frame can
     * show the row before the reveal's own answer arrives, and a press meanwhile is dropped
     * (one press, one row), so wait for the reveal button to come back too.
     */
    const revealed = async (k: number) => {
      await byTestId(org, 'reveal-progress', { revealed: k }).waitFor();
      await expect.poll(() => byTestId(org, 'course-reveal').isEnabled()).toBe(true);
    };
    expect(await byTestId(org, 'reveal-next').innerText()).toContain(nth(1).name);
    await byTestId(org, 'course-reveal').click();
    await dialogOpen(org);
    await byTestId(org, 'confirm-ok').click();
    await dialogClosed(org);
    await revealed(1);
    await byTestId(org, 'reveal-keys').waitFor();

    // Space, →, Enter: each reveals the next row, without a dialog.
    for (const [k, key] of [
      [2, 'Space'],
      [3, 'ArrowRight'],
      [4, 'Enter'],
    ] as const) {
      expect(await byTestId(org, 'reveal-next').innerText()).toContain(nth(k).name);
      await org.locator('body').press(key);
      await revealed(k);
      expect(
        await byTestId(org, 'confirm-dialog').evaluate((d) => (d as HTMLDialogElement).open),
      ).toBe(false);
    }
    // One click is one row, too; Space on the focused button reveals one row, not two.
    await byTestId(org, 'course-reveal').click();
    await revealed(5);
    await org.keyboard.press('Space');
    await revealed(6);
    await org.keyboard.press('ArrowRight');
    await revealed(7);
    // Space with the focus left on the navigation's link (it only scrolls a link) reveals too.
    await byTestId(org, 'nav-course').focus();
    await org.keyboard.press('Space');
    await revealed(8);
    await expect.poll(async () => (await summary()).revealed).toBe(8);
    const audit = await api<{ entries: { action: string }[] }>(`/api/competitions/${SLUG}/audit`);
    expect(audit.body.entries.filter((e) => e.action === 'competition.reveal')).toHaveLength(8);
    await org.screenshot({ path: join(ARTIFACTS, 'console-organiser-ceremony.png') });
  });

  it('tells two competitions created from the same file apart by their slugs: header, switcher and sign-in', async () => {
    // A second competition from this one's own export, as an organiser re-running it would.
    const res = await fetch(`${server.url}/api/competitions/${SLUG}/export.json`, {
      headers: { authorization: `Bearer ${token('O01')}` },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    await byTestId(org, 'nav-import').click();
    await byTestId(org, 'competition-file').setInputFiles({
      name: `${SLUG}.json`,
      mimeType: 'application/json',
      buffer: bytes,
    });
    await byTestId(org, 'competition-slug').fill(COPY);
    await byTestId(org, 'competition-create').click();
    await byTestId(org, 'competition-created', { slug: COPY }).waitFor({ timeout: 30_000 });
    expect((await summary(COPY)).title).toEqual((await summary(SLUG)).title);

    // The header names the competition by its slug, here and after the switch to the copy.
    expect(await byTestId(org, 'header-slug').innerText()).toBe(SLUG);
    await byTestId(org, 'competition-switch').click();
    await expect.poll(() => byTestId(org, 'header-slug').innerText()).toBe(COPY);
    await byTestId(org, 'state-badge', { state: 'live' }).waitFor();

    // The switcher lists both, same title, each with its slug; the current one marked.
    await byTestId(org, 'switcher-open').click();
    const items = byTestId(org, 'switcher-item');
    await expect.poll(() => items.count()).toBe(2);
    const title = (await summary(SLUG)).title.zh;
    for (const slug of [SLUG, COPY]) {
      const item = byTestId(org, 'switcher-item', { slug });
      expect(await item.innerText()).toContain(title);
      expect(await item.innerText()).toContain(slug);
    }
    expect(
      await byTestId(org, 'switcher-item', { current: 'true' }).getAttribute('data-slug'),
    ).toBe(COPY);
    await org.screenshot({ path: join(ARTIFACTS, 'console-organiser-switcher.png') });

    // Back to the first one: the tab still holds its login.
    await byTestId(org, 'switcher-go', { slug: SLUG }).click();
    await expect.poll(() => byTestId(org, 'header-slug').innerText()).toBe(SLUG);
    await byTestId(org, 'state-badge', { state: 'ceremony' }).waitFor();

    // The password sign-in names both by slug and opens the one chosen.
    await ensureOrganiserPassword(server.app.store, 'venue-password-2025');
    const page = await openPage('/console/');
    await byTestId(page, 'login-mode-password').click();
    const choice = byTestId(page, 'login-competition');
    await expect.poll(() => choice.locator('option').count()).toBe(2);
    expect(await choice.locator(`option[value="${COPY}"]`).innerText()).toContain(COPY);
    await choice.selectOption(COPY);
    await byTestId(page, 'login-password-input').fill('venue-password-2025');
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'progress-overall').waitFor();
    expect(await byTestId(page, 'header-slug').innerText()).toBe(COPY);
  });
});
