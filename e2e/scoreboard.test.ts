/**
 * The public board against the real server: marks are submitted by real judge websockets
 * (the judge protocol, as tablets speak it) and the board in Debian's Chromium must show them
 * — live, after a reload, after a network cut and after a missed delta — exactly as the
 * standings endpoint ranks them; then the organiser's course over HTTP: names masked, the
 * freeze (no frame reaches a public board), the reveal from last place up, the official
 * results. On a phone-sized viewport the same board is a list with each contestant's
 * stations a tap away. Screenshots land in e2e/artifacts/ (look at them).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plausibleValues } from '../fixtures/marks.ts';
import { indexScheme, type Sheet } from '../server/engine/index.ts';
import type {
  BoardDelta,
  BoardSnapshot,
  CompetitionSummary,
  JudgeContestant,
  MarkAck,
  StandingsResponse,
} from '../server/protocol/index.ts';
import {
  connectJudge,
  startTestServer,
  submitMark,
  type JudgeSocket,
} from '../server/test-support.ts';
import { ApiClient, type CourseBody } from './support/api.ts';
import { BoardPage } from './support/board.ts';
import { ARTIFACTS, BrowserSession, PHONE, PROJECTOR as VIEWPORT } from './support/browser.ts';
import { animationsDone } from './support/dom.ts';

const SLUG = 'gaoxin-2024';
/** What the venue's projector shows: the QR code on the server's LAN name, not the loopback. */
const SHARE = '&share=http://jiangxing.lan:3000/';
/** The station the head judge locks while the contest is live (the others before publishing). */
const LOCKED_LIVE = 'cleaning';
/** A screenshot of what a page settles on: running transitions fast-forwarded to their end. */
const SETTLED = { animations: 'disabled' } as const;

let server: Awaited<ReturnType<typeof startTestServer>>;
let session: BrowserSession;
let api: ApiClient;
const judges = new Map<string, JudgeSocket>();
let contestants: JudgeContestant[] = [];
let sheets: Map<string, Sheet>;

const byBib = (bib: string) => contestants.find((c) => c.bib === bib)!;
const judgeOf = (sheetId: string) =>
  [...judges.values()].find((j) => j.welcome.judge.sheets.includes(sheetId))!;

/** Lines (contestant × sheet × judge) already marked: a second mark would be a correction. */
const marked = new Set<string>();

/** One judge's mark on one line, awaiting the server's ack (a correction when already marked). */
function mark(
  contestant: JudgeContestant,
  sheetId: string,
  values?: Record<string, unknown>,
  judge: JudgeSocket = judgeOf(sheetId),
): Promise<MarkAck> {
  const code = judge.welcome.judge.code;
  const line = `${contestant.id}:${sheetId}:${code}`;
  const correction = marked.has(line);
  marked.add(line);
  return submitMark(judge, {
    contestantId: contestant.id,
    sheetId,
    values: values ?? plausibleValues(sheets.get(sheetId)!, contestant.id, code),
    reason: correction ? '复核更正' : undefined,
  }).then((a) => {
    if (a.type !== 'mark.ack') throw new Error(`${a.code}: ${a.message}`);
    return a;
  });
}

/** Every judge scores every one of its unmarked sheets for these contestants, all in flight. */
async function scoreAll(list: JudgeContestant[]): Promise<void> {
  const acks: Promise<MarkAck>[] = [];
  for (const c of list)
    for (const j of judges.values())
      for (const sheetId of j.welcome.judge.sheets)
        if (!marked.has(`${c.id}:${sheetId}:${j.welcome.judge.code}`))
          acks.push(mark(c, sheetId, undefined, j));
  await Promise.all(acks);
}

/** The public standings; with `as`, an official's (organiser, head judge: the live standings). */
function standings(as?: 'organiser' | 'head-judge'): Promise<StandingsResponse> {
  return (as ? api.as(tokenOf(as)) : api).standings(SLUG);
}

const tokenOf = (role: 'organiser' | 'head-judge') =>
  server.fixture.officials.find((o) => o.role === role)!.token;

/** One step of the competition's course, as the organiser (or head judge) takes it over HTTP. */
function course(body: CourseBody, as: 'organiser' | 'head-judge' = 'organiser') {
  return api.as(tokenOf(as)).course(SLUG, body);
}

function courseOk(
  body: CourseBody,
  as: 'organiser' | 'head-judge' = 'organiser',
): Promise<CompetitionSummary> {
  return api.as(tokenOf(as)).courseOk(SLUG, body);
}

/** Voids the first current mark of every flagged line, as the head judge, over HTTP. */
async function resolveDisagreements(): Promise<void> {
  const auth = {
    authorization: `Bearer ${tokenOf('head-judge')}`,
    'content-type': 'application/json',
  };
  const rows = (await standings('organiser')).rows;
  const log = (await (
    await fetch(`${server.url}/api/competitions/${SLUG}/marks`, { headers: auth })
  ).json()) as {
    marks: { id: number; contestantId: number; stationId: string | null; current: boolean }[];
  };
  for (const r of rows)
    for (const [stationId, st] of Object.entries(r.stations)) {
      if (st.status !== 'flagged') continue;
      const m = log.marks.find(
        (x) => x.current && x.contestantId === r.contestantId && x.stationId === stationId,
      )!;
      const res = await fetch(`${server.url}/api/competitions/${SLUG}/marks/${m.id}/void`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ reason: '评分分歧，裁判长复核' }),
      });
      expect(res.status).toBe(200);
    }
}

/** Revisions of the ticker entries on screen, newest first. */
const tickerRevisions = (page: Page) =>
  page.$$eval('[data-testid="ticker-item"]', (els) =>
    els.map((e) => (e as HTMLElement).dataset.revision),
  );

/** The revealed rows of the ceremony, in screen (rank) order. */
function revealRows(page: Page) {
  return page.$$eval('[data-testid="reveal-row"]', (els) =>
    els.map((e) => ({
      bib: (e as HTMLElement).dataset.bib,
      rank: (e as HTMLElement).dataset.rank,
      total: (e as HTMLElement).dataset.total,
    })),
  );
}

/** What the board shows, row by row in screen order. */
const boardRows = (page: Page) => new BoardPage(page).rows();

async function serverRows() {
  return (await standings()).rows.map((r) => ({
    bib: r.bib,
    rank: r.rank === null ? '' : String(r.rank),
    total: r.total,
  }));
}

/**
 * Polls until the board equals the standings endpoint, row for row (`shown` picks the rows
 * the board's page holds; by default all of them, for a board opened with `?rows=40`).
 */
async function expectBoardEqualsServer(
  page: Page,
  shown: <R>(rows: R[]) => R[] = (rows) => rows,
): Promise<void> {
  const expected = JSON.stringify(shown(await serverRows()));
  await expect
    .poll(async () => JSON.stringify(await boardRows(page)), { timeout: 10_000 })
    .toBe(expected);
}

/** A board in a fresh browser context at `/scoreboard/<query>`, its socket open and rows drawn. */
async function openBoard(
  query = '',
  viewport: { width: number; height: number } = VIEWPORT,
): Promise<{ page: Page; frames: string[]; requests: string[]; board: BoardPage }> {
  const board = new BoardPage(await session.newPage({ viewport }, query));
  await board.open(server.url, query);
  await board.page.waitForSelector('[data-testid="board-row"], [data-testid="ceremony"]');
  return { page: board.page, frames: board.frames, requests: board.requests, board };
}

/** A projector page in a fresh context, not opened yet (the test routes or times it first). */
function newBoardPage(opts: { reducedMotion?: 'reduce' } = {}): Promise<Page> {
  return session.newPage({ viewport: VIEWPORT, ...opts });
}

const liveState = (page: Page) => page.getAttribute('[data-testid="live-status"]', 'data-state');

/**
 * The projector's title is whole at 1920×1080: nothing cut off or hidden under an ellipsis
 * (it wraps or shrinks instead), still large enough to read from 10 m. `testId` board-title-alt:
 * the English title under the Chinese one on a bilingual board.
 */
async function expectWholeTitle(
  page: Page,
  title: string,
  testId = 'board-title',
  minPx = 34,
): Promise<void> {
  const h1 = page.locator(`[data-testid="${testId}"]`);
  expect((await h1.textContent())!.trim()).toBe(title);
  const box = await h1.evaluate((e) => {
    const s = getComputedStyle(e);
    return {
      scrollWidth: e.scrollWidth,
      clientWidth: e.clientWidth,
      scrollHeight: e.scrollHeight,
      clientHeight: e.clientHeight,
      textOverflow: s.textOverflow,
      fontSize: parseFloat(s.fontSize),
    };
  });
  expect(box.scrollWidth, JSON.stringify(box)).toBeLessThanOrEqual(box.clientWidth);
  expect(box.scrollHeight, JSON.stringify(box)).toBeLessThanOrEqual(box.clientHeight);
  expect(box.textOverflow).not.toBe('ellipsis');
  expect(box.fontSize).toBeGreaterThanOrEqual(minPx);
}

/** The address printed beside the QR code is the one the code holds, and it is shown whole. */
async function expectShareCaption(page: Page): Promise<void> {
  const text = await page.getAttribute('[data-testid="board-qr"]', 'data-text');
  const caption = page.locator('[data-testid="share-url"]');
  expect((await caption.textContent())!.trim()).toBe(text);
  const box = await caption.evaluate((e) => ({
    scrollWidth: e.scrollWidth,
    clientWidth: e.clientWidth,
    scrollHeight: e.scrollHeight,
    clientHeight: e.clientHeight,
  }));
  expect(box.scrollWidth, JSON.stringify(box)).toBeLessThanOrEqual(box.clientWidth);
  expect(box.scrollHeight, JSON.stringify(box)).toBeLessThanOrEqual(box.clientHeight);
}

/**
 * Waits until the board has read the competitions list (where its festival's shape comes
 * from) and drawn what it learnt: the response is complete, then two animation frames pass
 * (the JSON is parsed and the page re-rendered before the second).
 */
async function festivalKnown(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      performance
        .getEntriesByType('resource')
        .some((e) => new URL(e.name).pathname === '/api/competitions'),
    null,
    { timeout: 3_000 },
  );
  await page.evaluate(
    () =>
      new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

beforeAll(async () => {
  server = await startTestServer();
  api = new ApiClient(server.url);
  session = await BrowserSession.launch();
  sheets = indexScheme(server.fixture.scheme).sheets;
  for (const o of server.fixture.officials)
    if (o.role === 'judge' && o.sheets.length)
      judges.set(o.code, await connectJudge(server.ws, o.token));
  contestants = [...judges.values()][0]!.welcome.contestants;
});

// Each test's boards close with it: an open board renders every later mark.
afterEach(async () => {
  await session?.closePages();
});

afterAll(async () => {
  for (const j of judges.values()) j.close();
  await session?.close();
  await server?.close();
});

describe('scoreboard', () => {
  it('shows a mark within a second, names it in the ticker and moves the row to its rank', async () => {
    // No ?competition=: the board takes the first competition the server lists.
    const { page } = await openBoard('?page=1');
    // Nobody has scored: no podium is pinned (bibs 1–3 are not leaders), page 1 is bibs 1–12.
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(12);
    expect(await page.locator('[data-slot].pinned').count()).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="provisional-badge"]').isVisible())
      .toBe(true);
    expect(await page.textContent('[data-testid="page-indicator"]')).toContain('第 1/3 页');
    await page.screenshot({ path: join(ARTIFACTS, 'board-empty.png') });

    // Bib 35 sorts last on an empty board (page 3); a theory mark puts it first.
    const first = byBib('35');
    const ack = await mark(first, 'theory-exam', { 'theory-score': '92' });
    const seen = Date.now();
    await page.waitForSelector(
      '[data-testid="board-row"]:first-child[data-bib="35"][data-rank="1"]',
      {
        timeout: 1_000,
      },
    );
    expect(Date.now() - seen).toBeLessThan(1_000);
    const item = page.locator('[data-testid="ticker-item"]').first();
    await expect.poll(() => item.getAttribute('data-revision')).toBe(String(ack.revision));
    const text = (await item.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('35号');
    expect(text).toContain(first.name);
    expect(text).toContain('理论考试');
    expect(text).toContain('92.00');
    expect(await page.textContent('[data-bib="35"] [data-testid="row-total"]')).toBe('27.60');
    // The one leader is pinned above the page; the others are paged as before.
    await expect.poll(() => page.locator('[data-slot].pinned').count()).toBe(1);
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(13);

    // A fall off the bridge: the ticker says so in words, and says whose the number beside it
    // is. The bridge is one of safe riding's four sub-stations; the score is the whole station's
    // (a clean S-bend, 12.00), so the line names the station for it, not the bridge.
    const faller = byBib('12');
    await mark(faller, 's-bend', { 's-bend-faults': {} });
    const fell = await mark(faller, 'bridge', { 'bridge-faults': {}, 'bridge-fell': true });
    expect(fell.stationScore).toBe('12.00');
    const fallLine = /12号\s*\S+\s*·\s*单边桥\s*·\s*掉桥\s*·\s*安全骑行\s*12\.00/;
    await expect
      .poll(
        async () =>
          (await page.locator('[data-testid="ticker-item"]').first().textContent())!.trim(),
        { timeout: 5_000 },
      )
      .toMatch(fallLine);
    // A station's own sheet needs no such label: the theory line above says just its score.
    expect(
      (await page.locator('[data-testid="ticker-item"]').nth(2).textContent())!.replace(
        /\s+/g,
        ' ',
      ),
    ).toMatch(/理论考试 · 92 · 92\.00$/);
    const fallPhone = await openBoard(`?competition=${SLUG}`, PHONE);
    await expect
      .poll(
        async () =>
          (await fallPhone.page.locator('[data-testid="ticker-item"]').textContent())!.trim(),
        { timeout: 5_000 },
      )
      .toMatch(fallLine);
    await animationsDone(page, '[data-testid="ticker-item"]');
    await page.screenshot({
      path: join(ARTIFACTS, 'board-ticker-station.png'),
      clip: { x: 0, y: 980, width: 1920, height: 100 },
    });
    await fallPhone.page.screenshot({ path: join(ARTIFACTS, 'board-phone-ticker-station.png') });

    // A better theory score overtakes: bib 20 moves to rank 1, bib 35 to rank 2 — gliding on
    // one board, jumping on a board whose viewer asked for reduced motion.
    const stillPage = await newBoardPage({ reducedMotion: 'reduce' });
    await stillPage.goto(`${server.url}/scoreboard/?page=1`);
    await stillPage.waitForSelector('[data-testid="board-row"]:first-child[data-bib="35"]');
    await mark(byBib('20'), 'theory-exam', { 'theory-score': '95' });
    /** Rows in motion (moving to a rank, or fading in from another page). */
    const moving = (p: Page) =>
      p.evaluate(
        () =>
          document
            .getAnimations()
            .filter((a) =>
              ((a.effect as KeyframeEffect).target as Element | null)?.matches('[data-slot]'),
            ).length,
      );
    await page.waitForSelector(
      '[data-testid="board-row"]:first-child[data-bib="20"][data-rank="1"]',
      {
        timeout: 1_000,
      },
    );
    expect(await moving(page)).toBeGreaterThan(0);
    await stillPage.waitForSelector('[data-testid="board-row"]:first-child[data-bib="20"]');
    expect(await moving(stillPage)).toBe(0);
    const top = (await boardRows(page)).slice(0, 2);
    expect(top).toEqual([
      { bib: '20', rank: '1', total: '28.50' },
      { bib: '35', rank: '2', total: '27.60' },
    ]);
    expect(await page.locator('[data-bib="20"] .glow').count()).toBe(1);
    await expectBoardEqualsServer(page, (rows) => rows.slice(0, 15));
  });

  it('shows the whole title and the address its QR code holds, with no placement in a contest of one', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const { page } = await openBoard(`?competition=${SLUG}&page=1&lang=${lang}${SHARE}`);
      await page.waitForSelector('[data-testid="board-qr"][data-ready="true"]');
      await expectWholeTitle(page, server.fixture.competition.title[lang]);
      // What people type is what phones scan.
      await expectShareCaption(page);
      expect(await page.getAttribute('[data-testid="board-qr"]', 'data-text')).toBe(
        `http://jiangxing.lan:3000/scoreboard/?competition=${SLUG}&lang=${lang}`,
      );
      // One event, one group, one round: "公开组 · 决赛" would say nothing.
      await festivalKnown(page);
      expect(await page.locator('[data-testid="placement"]').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, `board-title-${lang}.png`), ...SETTLED });

      const phone = await openBoard(`?competition=${SLUG}&lang=${lang}`, PHONE);
      await festivalKnown(phone.page);
      expect(await phone.page.locator('[data-testid="placement"]').count()).toBe(0);
      await phone.page.screenshot({ path: join(ARTIFACTS, `board-phone-title-${lang}.png`) });
    }
  });

  it('reloaded mid-contest, shows the same standings as the server and stays live', async () => {
    await scoreAll(contestants.slice(0, 12));
    // Some contestants part-way through: their rows show progress and the riding sheets.
    const fresh = contestants.slice(22, 30).filter((c) => !marked.has(`${c.id}:theory-exam:J01`));
    await Promise.all(fresh.slice(0, 5).map((c) => mark(c, 'theory-exam')));
    await Promise.all(fresh.slice(2, 5).map((c) => mark(c, 's-bend')));
    const mid = await openBoard(`?competition=${SLUG}&page=1`);
    await mid.page.screenshot({ path: join(ARTIFACTS, 'board-mid-contest.png'), ...SETTLED });

    const { page } = await openBoard(`?competition=${SLUG}&rows=40`);
    await page.reload();
    await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
    await expectBoardEqualsServer(page);
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(35);
    // The ticker is not blank after a reload: it starts from the snapshot's recent events.
    const latest = (await standings()).revision;
    expect(await page.getAttribute('[data-testid="ticker-item"]', 'data-revision')).toBe(
      String(latest),
    );
    expect(await page.locator('[data-testid="ticker-item"]').count()).toBe(4);

    await scoreAll(contestants.slice(12, 14));
    await expectBoardEqualsServer(page);
  });

  it('cut off while marks arrive, catches up from its last revision', async () => {
    const { page, frames } = await openBoard(`?competition=${SLUG}&rows=40`);
    const context = page.context();
    await expectBoardEqualsServer(page);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    await context.setOffline(true);
    await expect.poll(() => liveState(page)).not.toBe('open');
    expect(await page.textContent('[data-testid="live-status"]')).toMatch(
      /重连中… 最后更新 \d\d:\d\d:\d\d/,
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'board-offline.png'),
      clip: { x: 0, y: 0, width: 1920, height: 140 },
    });
    const before = JSON.stringify(await boardRows(page));
    const framesBefore = frames.length;
    // Its socket is closed (not open, above), so nothing of these marks can reach it: no wait.
    await scoreAll(contestants.slice(14, 20));
    expect(frames.length).toBe(framesBefore);
    expect(JSON.stringify(await boardRows(page))).toBe(before);

    await context.setOffline(false);
    await page.waitForSelector('[data-testid="live-status"][data-state="open"]', {
      timeout: 15_000,
    });
    await expectBoardEqualsServer(page);
    expect(sockets.some((u) => /[?&]since=\d+/.test(u))).toBe(true);
  });

  it('starts again from a snapshot when a delta goes missing', async () => {
    const page = await newBoardPage();
    const urls: string[] = [];
    let dropped = false;
    // A relay that loses the first delta of the first connection: the board must notice the
    // gap in revisions and start again from a snapshot (web/board-sync.ts), as the console does.
    await page.routeWebSocket(/\/ws\/board/, (ws) => {
      urls.push(ws.url());
      const upstream = ws.connectToServer();
      upstream.onMessage((m) => {
        if (!dropped && urls.length === 1 && String(m).includes('"board.delta"')) {
          dropped = true;
          return;
        }
        ws.send(m);
      });
    });
    await page.goto(`${server.url}/scoreboard/?competition=${SLUG}&rows=40`);
    await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
    await expectBoardEqualsServer(page);
    await scoreAll(contestants.slice(20, 21));
    await expectBoardEqualsServer(page);
    expect(dropped).toBe(true);
    expect(urls.length).toBeGreaterThan(1);
    expect(urls.at(-1)).not.toMatch(/[?&]since=/);
  });

  it('when all 35 are scored, pages the field below the podium', async () => {
    const { page } = await openBoard(`?competition=${SLUG}&page=1`);
    await scoreAll(contestants.slice(21));
    const s = await standings();
    expect(s.rows.every((r) => Object.values(r.stations).every((x) => x.status !== 'empty'))).toBe(
      true,
    );
    await expectBoardEqualsServer(page, (rows) => rows.slice(0, 15));
    // The rows have moved to their places; the glow of the last marks (3.5 s) still shows.
    await animationsDone(page, '[data-slot]');
    await page.screenshot({ path: join(ARTIFACTS, 'board-live-glow.png') });
    // The ticker explains the marks, glow or not.
    expect(await page.locator('[data-testid="ticker-item"]').count()).toBeGreaterThan(1);
    await expect
      .poll(async () => (await boardRows(page)).map((r) => r.bib))
      .toEqual(s.rows.slice(0, 15).map((r) => r.bib));
    expect(await page.textContent('[data-testid="page-indicator"]')).toContain('第 1/3 页');
    // Settled: the glow has faded.
    await page.screenshot({ path: join(ARTIFACTS, 'board-live-page1.png'), ...SETTLED });

    const two = await openBoard(`?competition=${SLUG}&page=2`);
    await expect
      .poll(async () => (await boardRows(two.page)).map((r) => r.bib))
      .toEqual([...s.rows.slice(0, 3), ...s.rows.slice(15, 27)].map((r) => r.bib));
    expect(await two.page.textContent('[data-testid="page-indicator"]')).toContain('第 2/3 页');
    await two.page.screenshot({ path: join(ARTIFACTS, 'board-live-page2.png'), ...SETTLED });

    // Left alone, the board turns its pages every 10 s.
    const autoPage = await newBoardPage();
    await autoPage.clock.install();
    await autoPage.goto(`${server.url}/scoreboard/?competition=${SLUG}`);
    await autoPage.waitForSelector('[data-testid="page-indicator"][data-page="1"]');
    await autoPage.clock.fastForward(10_000);
    await autoPage.waitForSelector('[data-testid="page-indicator"][data-page="2"]');
    expect((await boardRows(autoPage))[3]!.bib).toBe(s.rows[15]!.bib);

    const en = await openBoard(`?competition=${SLUG}&page=3&lang=en`);
    expect(await en.page.textContent('[data-testid="page-indicator"]')).toContain('Page 3/3');
    await en.page.screenshot({ path: join(ARTIFACTS, 'board-live-page3-en.png'), ...SETTLED });
  });

  it('on a phone, lists the top 20, everyone on “more”, and opens a contestant’s stations with a tap', async () => {
    const { page, requests } = await openBoard(`?competition=${SLUG}`, PHONE);
    await page.waitForSelector('[data-testid="phone-board"]');
    // The QR encoder is the projector's: a phone never downloads it.
    expect(requests.filter((u) => /\/assets\/qr/.test(u))).toEqual([]);
    expect(requests.some((u) => /\/assets\/scoreboard-/.test(u))).toBe(true);
    // Chosen by the viewport, not the address: the same URL, no projector table, no QR code.
    expect(await page.locator('[data-slot]').count()).toBe(0);
    expect(await page.locator('[data-testid="board-share"]').count()).toBe(0);
    // A phone follows the top 20 only (engine/view.ts): the server sends it those rows.
    await expectBoardEqualsServer(page, (rows) => rows.slice(0, 20));
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(20);
    const more = page.locator('[data-testid="phone-more"]');
    expect(await more.textContent()).toContain('前 20 名，共 35 人');
    await expect.poll(() => page.locator('[data-testid="ticker-item"]').count()).toBe(1);
    await more.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'board-phone-top.png') });
    await more.tap();
    await expectBoardEqualsServer(page);
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(35);
    expect(await more.count()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'board-phone.png') });

    const s = await standings();
    const second = s.rows[1]!;
    await page.tap(`[data-testid="board-row"][data-bib="${second.bib}"]`);
    const detail = page.locator(`[data-testid="station-detail"][data-bib="${second.bib}"]`);
    await detail.waitFor();
    expect(
      await page.getAttribute(
        `[data-testid="board-row"][data-bib="${second.bib}"]`,
        'aria-expanded',
      ),
    ).toBe('true');
    const items = await detail.locator('[data-station]').evaluateAll((els) =>
      els.map((e) => ({
        id: (e as HTMLElement).dataset.station,
        status: (e as HTMLElement).dataset.status,
        text: e.textContent!.replace(/\s+/g, ' '),
      })),
    );
    expect(items.map((i) => i.id)).toEqual(s.columns.stations.map((c) => c.id));
    for (const [i, st] of s.columns.stations.entries()) {
      const cell = second.stations[st.id]!;
      expect(items[i]!.status).toBe(cell.status);
      expect(items[i]!.text).toContain(st.label.zh);
      expect(items[i]!.text).toContain(cell.score);
      expect(items[i]!.text).toContain(`/${st.points}`);
      expect(items[i]!.text).toContain('已评');
    }
    await page.screenshot({ path: join(ARTIFACTS, 'board-phone-detail.png'), ...SETTLED });

    // The breakdown is live: a correction shows in it.
    const ack = await mark(
      contestants.find((c) => c.bib === second.bib)!,
      'route-planning',
      plausibleValues(sheets.get('route-planning')!, 999, 'fresh'),
    );
    await expect
      .poll(() => detail.locator('[data-station="route-planning"]').textContent())
      .toContain(ack.stationScore);
    await expectBoardEqualsServer(page);
  });

  it('speaks English on request, both languages with ?lang=both, and shows a local QR code', async () => {
    const requests: string[] = [];
    const page = await newBoardPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${server.url}/scoreboard/?competition=${SLUG}&lang=both&page=1`);
    await page.waitForSelector('[data-testid="board-qr"][data-ready="true"]');
    const head = (await page.textContent('.head'))!.replace(/\s+/g, ' ');
    for (const w of ['名次', 'Rank', '姓名', 'Name', '总分', 'Total', '理论知识', 'Theory'])
      expect(head).toContain(w);
    expect(await page.textContent('[data-testid="live-status"]')).toContain('实时');
    // The code holds the board's address for phones: the competition and language kept, the
    // projector's paging dropped.
    // Opened on the server itself, the board asks for the LAN address phones can reach.
    const info = (await (await fetch(`${server.url}/api/server-info`)).json()) as {
      lanUrls: string[];
    };
    expect(await page.getAttribute('[data-testid="board-qr"]', 'data-text')).toBe(
      `${info.lanUrls[0] ?? server.url}/scoreboard/?competition=${SLUG}&lang=both`,
    );
    expect(await page.locator('[data-testid="board-qr"] path').count()).toBe(1);
    await expectShareCaption(page);
    // Both titles whole: the English one under the Chinese one.
    await expectWholeTitle(page, server.fixture.competition.title.zh);
    await expectWholeTitle(page, server.fixture.competition.title.en, 'board-title-alt', 22);
    // Nothing from the internet: every request went to this server (or is inline).
    expect(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'))).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'board-live-both.png'), ...SETTLED });

    // The ticker is data each board words in its language (web/present/ticker.ts): the
    // bilingual board says a fall off the bridge in Chinese, the English board in English.
    const fall = await mark(byBib('3'), 'bridge', { 'bridge-faults': {}, 'bridge-fell': true });
    const newest = (p: Page) => p.locator('[data-testid="ticker-item"]').first();
    await expect.poll(() => newest(page).getAttribute('data-revision')).toBe(String(fall.revision));
    expect(await newest(page).textContent()).toMatch(/3号[^]*单边桥[^]*掉桥[^]*安全骑行/);
    const enBoard = await openBoard(`?competition=${SLUG}&lang=en&page=1`);
    expect(await newest(enBoard.page).getAttribute('data-revision')).toBe(String(fall.revision));
    const enLine = (await newest(enBoard.page).textContent())!;
    expect(enLine).toContain('Fell off the bridge');
    expect(enLine).not.toContain('掉桥');

    const en = await openBoard(`?competition=${SLUG}&lang=en`, PHONE);
    expect(await en.page.textContent('[data-testid="live-status"]')).toContain('LIVE');
    expect(await en.page.textContent('[data-testid="phone-board"]')).toContain(
      'Tap a contestant for their stations',
    );
  });

  it('a station locked while live shows its padlock on every row, without lighting the board up', async () => {
    const { page, frames } = await openBoard(`?competition=${SLUG}&rows=40`);
    await expectBoardEqualsServer(page);
    // Opened after the last mark: its rows came in the snapshot, and nothing glows.
    expect(await page.locator('.glow').count()).toBe(0);
    const from = frames.length;
    await courseOk(
      { action: 'station.lock', stationId: LOCKED_LIVE, reason: '其余选手稍后补录' },
      'head-judge',
    );
    await expect
      .poll(() => page.locator(`[data-station="${LOCKED_LIVE}"][data-locked="true"]`).count())
      .toBe(35);
    const delta = frames
      .slice(from)
      .map((f) => JSON.parse(f) as BoardDelta)
      .find((m) => m.type === 'board.delta');
    expect(delta?.rows).toHaveLength(35);
    expect(delta?.competition?.state).toBe('live');
    // Nothing was scored: no row glows, and the board still ranks as the server does.
    expect(await page.locator('.glow').count()).toBe(0);
    expect(await page.textContent('[data-testid="live-status"]')).toContain('实时');
    await expectBoardEqualsServer(page);
  });

  it('masks names in the DOM and in every frame once the organiser asks', async () => {
    const names = contestants.map((c) => c.name);
    const shownNames = async (page: Page) => {
      const text = await page.evaluate(() => document.body.innerText + document.title);
      return names.filter((n) => text.includes(n));
    };
    const { page, frames } = await openBoard(`?competition=${SLUG}&rows=40`);
    const phone = await openBoard(`?competition=${SLUG}`, PHONE);
    await expectBoardEqualsServer(page);
    expect((await shownNames(page)).length).toBe(35);
    const from = frames.length;
    const phoneFrom = phone.frames.length;

    await courseOk({ action: 'competition.settings', nameDisplay: 'masked' });
    await expect.poll(() => shownNames(page)).toEqual([]);
    await expect.poll(() => shownNames(phone.page)).toEqual([]);
    const top = (await standings()).rows[0]!;
    expect(top.name).toBe(`${[...top.name][0]}*${[...top.name].at(-1)}`);
    await expect
      .poll(() => page.textContent(`[data-testid="board-row"][data-bib="${top.bib}"]`))
      .toContain(top.name);

    // A mark while masked: the ticker names the contestant masked too.
    const who = contestants.find((c) => c.bib === '7')!;
    const ack = await mark(who, 'theory-exam', { 'theory-score': '77' });
    const item = page.locator('[data-testid="ticker-item"]').first();
    await expect.poll(() => item.getAttribute('data-revision')).toBe(String(ack.revision));
    expect(await item.textContent()).toContain(`${[...who.name][0]}*${[...who.name].at(-1)}`);
    await expectBoardEqualsServer(page);

    // A board opened now gets a masked snapshot (ticker included).
    const late = await openBoard(`?competition=${SLUG}&rows=40`);
    await expectBoardEqualsServer(late.page);
    expect(await shownNames(late.page)).toEqual([]);
    for (const f of [...frames.slice(from), ...phone.frames.slice(phoneFrom), ...late.frames])
      for (const n of names) expect(f).not.toContain(n);
    expect(frames.length).toBeGreaterThan(from);

    // Names shown again: the board asks for the whole view once more.
    await courseOk({ action: 'competition.settings', nameDisplay: 'full' });
    await expect.poll(async () => (await shownNames(page)).length).toBe(35);
    await expectBoardEqualsServer(page);
  });

  it('frozen: says 封榜 HH:MM, keeps the ticker, and receives no frame for new marks', async () => {
    const { page, frames } = await openBoard(`?competition=${SLUG}&rows=40`);
    await expectBoardEqualsServer(page);
    const tickerBefore = await tickerRevisions(page);
    expect(tickerBefore.length).toBeGreaterThan(0);

    const summary = await courseOk({ action: 'competition.freeze' });
    await page.waitForSelector('[data-testid="frozen-badge"]');
    const hhmm = new Intl.DateTimeFormat('zh-CN', {
      timeZone: summary.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(summary.frozenAt!));
    expect(await page.textContent('[data-testid="frozen-badge"]')).toContain(`封榜 ${hhmm}`);
    expect(await page.textContent('[data-testid="frozen-note"]')).toContain(hhmm);
    // Connected, but not pretending to be live.
    expect(await liveState(page)).toBe('open');
    expect(await page.textContent('[data-testid="live-status"]')).not.toContain('实时');
    // The ticker holds what was public at the freeze.
    await expect.poll(() => tickerRevisions(page)).toEqual(tickerBefore);
    await expectBoardEqualsServer(page);
    const rowsAtFreeze = JSON.stringify(await boardRows(page));
    const framesAtFreeze = frames.length;
    const shot = await openBoard(`?competition=${SLUG}&page=1${SHARE}`);
    const phone = await openBoard(`?competition=${SLUG}`, PHONE);
    await phone.page.waitForSelector('[data-testid="frozen-badge"]');

    // Marks after the freeze, through a real judge socket: rank 10 and the leader change.
    const before = await standings('organiser');
    const tenth = contestants.find((c) => c.bib === before.rows[9]!.bib)!;
    const leader = contestants.find((c) => c.bib === before.rows[0]!.bib)!;
    const acks = await Promise.all([
      mark(tenth, 'theory-exam', { 'theory-score': '100' }),
      mark(leader, 'theory-exam', { 'theory-score': '20' }),
    ]);
    const staff = await standings('organiser');
    expect(staff.revision).toBeGreaterThanOrEqual(Math.max(...acks.map((a) => a.revision)));
    const staffRow = (bib: string) => staff.rows.find((r) => r.bib === bib)!;
    expect(staffRow(tenth.bib).modules['theory']).toBe('100.00');
    expect(staffRow(leader.bib).modules['theory']).toBe('20.00');
    expect(staff.rows[0]!.bib).not.toBe(leader.bib);
    // The public endpoint still says what the board says.
    expect(JSON.stringify(await serverRows())).toBe(rowsAtFreeze);

    // The barrier for "no frame while frozen": a change of course flushes every delta the
    // server still holds before it goes (server/plugins/live.ts), on the same socket, and
    // reaches a frozen public board as a fresh snapshot. A setting left as it is changes
    // nothing else: whatever the marks above had sent would arrive before that snapshot, so
    // the first frame since the freeze must be it (no wait, however long, could say as much).
    const shotFrom = shot.frames.length;
    await courseOk({ action: 'competition.settings', nameDisplay: 'full' });
    const firstSince = async (b: { frames: string[] }, from: number) => {
      await expect.poll(() => b.frames.length).toBeGreaterThan(from);
      return JSON.parse(b.frames[from]!) as BoardSnapshot;
    };
    for (const [b, from] of [
      [{ frames }, framesAtFreeze],
      [shot, shotFrom],
    ] as const) {
      const first = await firstSince(b, from);
      expect(first.type).toBe('board.snapshot');
      expect(first.competition.state).toBe('frozen');
    }
    expect(shot.frames.slice(0, shotFrom).filter((f) => !f.includes('"board.snapshot"'))).toEqual(
      [],
    );
    expect(JSON.stringify(await boardRows(page))).toBe(rowsAtFreeze);
    expect(await tickerRevisions(page)).toEqual(tickerBefore);
    expect(await page.textContent('body')).not.toContain('20.00 ');

    await shot.page.screenshot({ path: join(ARTIFACTS, 'board-frozen.png'), ...SETTLED });
    await expectWholeTitle(shot.page, server.fixture.competition.title.zh);
    await expectShareCaption(shot.page);
    await phone.page.screenshot({ path: join(ARTIFACTS, 'board-phone-frozen.png') });

    // Unfrozen, the board catches up with what the freeze held back (from its revision) …
    await courseOk({ action: 'competition.unfreeze', reason: '封榜时间有误' });
    await page.waitForSelector('[data-testid="frozen-badge"]', { state: 'detached' });
    await expectBoardEqualsServer(page);
    expect(JSON.stringify(await boardRows(page))).toBe(
      JSON.stringify(
        (await standings('organiser')).rows.map((r) => ({
          bib: r.bib,
          rank: r.rank === null ? '' : String(r.rank),
          total: r.total,
        })),
      ),
    );
    await expect
      .poll(() => tickerRevisions(page))
      .toEqual(
        [
          ...acks
            .map((a) => a.revision)
            .sort((x, y) => y - x)
            .map(String),
          ...tickerBefore,
        ].slice(0, 4),
      );
    await expect.poll(() => page.textContent('[data-testid="live-status"]')).toContain('实时');
    // … and is frozen again for the ceremony.
    await courseOk({ action: 'competition.freeze' });
    await page.waitForSelector('[data-testid="frozen-badge"]');
  });

  it('the reveal walks from last place to first, one row at a time', async () => {
    const { page, frames } = await openBoard(`?competition=${SLUG}${SHARE}`);
    expect(await page.getAttribute('[data-testid="board-share"]', 'data-url')).toBe(
      `http://jiangxing.lan:3000/scoreboard/?competition=${SLUG}`,
    );
    const stillPage = await newBoardPage({ reducedMotion: 'reduce' });
    await stillPage.goto(`${server.url}/scoreboard/?competition=${SLUG}`);
    await stillPage.waitForSelector('[data-testid="frozen-badge"]');
    const phone = await openBoard(`?competition=${SLUG}`, PHONE);

    const live = (await standings('organiser')).rows;
    const n = live.length;
    const expected = (k: number) =>
      live.slice(n - k).map((r) => ({ bib: r.bib, rank: String(r.rank ?? ''), total: r.total }));
    /** Animations of the spotlight (rising in) and the medal sweep. */
    const spotlightMotion = (p: Page) =>
      p.evaluate(
        () =>
          document
            .getAnimations()
            .filter((a) =>
              ((a.effect as KeyframeEffect).target as Element | null)?.closest(
                '[data-testid="reveal-spotlight"]',
              ),
            ).length,
      );

    for (let k = 1; k <= n; k++) {
      const c = await courseOk({ action: 'competition.reveal' });
      expect(c.revealed).toBe(k);
      await page.waitForSelector(`[data-testid="ceremony"][data-revealed="${k}"]`);
      expect(await revealRows(page)).toEqual(expected(k));
      expect(await page.locator('[data-testid="reveal-placeholder"]').count()).toBe(n - k);
      expect(await page.getAttribute('[data-testid="reveal-spotlight"]', 'data-bib')).toBe(
        live[n - k]!.bib,
      );
      if (k === 1) {
        expect(await spotlightMotion(page)).toBeGreaterThan(0);
        await stillPage.waitForSelector(`[data-testid="ceremony"][data-revealed="1"]`);
        expect(await spotlightMotion(stillPage)).toBe(0);
        expect(
          await page.textContent('[data-testid="reveal-placeholder"][data-place="1"]'),
        ).toMatch(/第 1 名\s*？/);
      }
      if (k === 20) {
        await page.screenshot({ path: join(ARTIFACTS, 'board-reveal.png'), ...SETTLED });
        await expectWholeTitle(page, server.fixture.competition.title.zh);
        await expect.poll(() => phone.page.locator('[data-testid="board-row"]').count()).toBe(20);
        expect(await phone.page.textContent('[data-testid="reveal-pending"]')).toContain(
          `第 1–${n - 20} 名待揭晓`,
        );
        await phone.page.screenshot({ path: join(ARTIFACTS, 'board-phone-reveal.png') });
      }
      if (k === n - 1) {
        await page.screenshot({ path: join(ARTIFACTS, 'board-reveal-podium.png'), ...SETTLED });
      }
    }
    // The last revelation is the winner, in gold.
    expect(await page.getAttribute('[data-testid="reveal-spotlight"]', 'class')).toContain('gold');
    await page.screenshot({ path: join(ARTIFACTS, 'board-reveal-winner.png'), ...SETTLED });
    // Every frame a public board received held only what was revealed by then.
    for (const f of frames) {
      const msg = JSON.parse(f) as BoardSnapshot;
      if (msg.type !== 'board.snapshot' || msg.competition.revealed === null) continue;
      expect(msg.rows.length).toBe(msg.competition.revealed);
      expect(msg.total).toBe(n);
    }
    expect((await course({ action: 'competition.reveal' })).status).toBe(409);
  }, 120_000); // 35 reveals, each checked on three boards

  it('publishes official results once the head judge has locked every station', async () => {
    const { page } = await openBoard(`?competition=${SLUG}&rows=40`);
    const refused = await course({ action: 'competition.publish' });
    expect(refused.status).toBe(409);
    const stations = (await standings()).columns.stations.map((s) => s.id);
    expect(stations).toHaveLength(8);
    // Sign-off needs every disagreement resolved: the head judge voids one mark of each
    // flagged line (the panel then stands at two, partial but no longer in dispute).
    await resolveDisagreements();
    for (const stationId of stations)
      if (stationId !== LOCKED_LIVE)
        await courseOk({ action: 'station.lock', stationId, reason: '成绩已核对' }, 'head-judge');
    const c = await courseOk({ action: 'competition.publish' });
    expect(c.state).toBe('final');

    await page.waitForSelector('[data-testid="official-stamp"]');
    expect(await page.textContent('[data-testid="official-stamp"]')).toMatch(/正式成绩\s*OFFICIAL/);
    expect(await page.locator('[data-testid="provisional-badge"]').count()).toBe(0);
    expect(await page.locator('[data-testid="ceremony"]').count()).toBe(0);
    await expectBoardEqualsServer(page);
    const s = await standings();
    expect(s.rows).toHaveLength(35);
    expect(s.rows.every((r) => Object.values(r.stations).every((st) => st.locked))).toBe(true);
    expect(JSON.stringify(s.rows.map((r) => r.bib))).toBe(
      JSON.stringify((await standings('organiser')).rows.map((r) => r.bib)),
    );
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(35);
    expect(await page.locator(`[data-bib="${s.rows[34]!.bib}"] [data-station] svg`).count()).toBe(
      8,
    );
    expect(await page.textContent('[data-testid="live-status"]')).not.toContain('实时');

    const shot = await openBoard(`?competition=${SLUG}&page=1${SHARE}`);
    await shot.page.waitForSelector('[data-testid="official-stamp"]');
    await shot.page.screenshot({ path: join(ARTIFACTS, 'board-official.png'), ...SETTLED });
    await expectWholeTitle(shot.page, server.fixture.competition.title.zh);
    await expectShareCaption(shot.page);
    const phone = await openBoard(`?competition=${SLUG}`, PHONE);
    await phone.page.waitForSelector('[data-testid="official-stamp"]');
    await phone.page.screenshot({ path: join(ARTIFACTS, 'board-phone-official.png') });
  });
});
