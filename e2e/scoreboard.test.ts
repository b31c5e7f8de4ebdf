/**
 * The projector board against the real server: marks are submitted by real judge websockets
 * (the judge protocol, as tablets speak it) and the board in Debian's Chromium must show them
 * — live, after a reload, after a network cut and after a missed delta — exactly as the
 * standings endpoint ranks them. Screenshots land in e2e/artifacts/ (look at them).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { indexScheme, type Sheet } from '../server/engine/index.ts';
import type {
  BoardSnapshot,
  JudgeContestant,
  JudgeServerMessage,
  JudgeWelcome,
  MarkAck,
  StandingsResponse,
} from '../server/protocol/index.ts';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import { ARTIFACTS, launchChromium, startServer } from './helpers.ts';

const SLUG = 'gaoxin-2024';
const VIEWPORT = { width: 1920, height: 1080 };

/** A judge tablet reduced to its protocol: hello, then mark.submit frames awaiting mark.ack. */
class JudgeClient {
  readonly #waiting = new Map<
    string,
    { resolve: (a: MarkAck) => void; reject: (e: Error) => void }
  >();
  private constructor(
    readonly ws: WebSocket,
    readonly welcome: JudgeWelcome,
  ) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as JudgeServerMessage;
      if (m.type !== 'mark.ack' && m.type !== 'mark.reject') return;
      const w = m.clientId ? this.#waiting.get(m.clientId) : undefined;
      if (!w) return;
      this.#waiting.delete(m.clientId!);
      if (m.type === 'mark.ack') w.resolve(m);
      else w.reject(new Error(`${m.code}: ${m.message}`));
    });
  }

  static connect(url: string, token: string): Promise<JudgeClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/judge`);
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token })),
      );
      ws.once('error', reject);
      ws.on('message', function first(data) {
        const m = JSON.parse(data.toString()) as JudgeServerMessage;
        if (m.type === 'judge.welcome') {
          ws.off('message', first);
          resolve(new JudgeClient(ws, m));
        } else if (m.type === 'error') reject(new Error(m.message));
      });
    });
  }

  submit(contestantId: number, sheetId: string, values: Record<string, unknown>): Promise<MarkAck> {
    const clientId = randomUUID();
    return new Promise((resolve, reject) => {
      this.#waiting.set(clientId, { resolve, reject });
      this.ws.send(
        JSON.stringify({ type: 'mark.submit', clientId, contestantId, sheetId, values }),
      );
    });
  }
}

/** Small seeded PRNG (mulberry32): the same field every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 7);

/** Plausible raw values of one judge's sheet: skill from the contestant, noise from the judge. */
function valuesFor(sheet: Sheet, contestantId: number, judge: string): Record<string, unknown> {
  const skill = rng(hash(`skill:${contestantId}`))();
  const r = rng(hash(`${contestantId}:${sheet.id}:${judge}`));
  const out: Record<string, unknown> = {};
  for (const c of sheet.criteria) {
    if (c.kind === 'faults') {
      const counts: Record<string, number> = {};
      for (const f of c.faults)
        if (r() < 0.3 * (1.2 - skill)) counts[f.id] = 1 + Math.floor(r() * 2);
      out[c.id] = counts;
    } else if (c.kind === 'veto') out[c.id] = r() < 0.05;
    else if (c.kind === 'check') out[c.id] = r() < 0.55 + 0.4 * skill;
    else if (c.kind === 'time') out[c.id] = Math.round(40_000 + (1 - skill) * 30_000 + r() * 8_000);
    else if (c.kind === 'judgement') {
      const levels = Math.round((c.scale.max - c.scale.min) / c.scale.step);
      const level = Math.max(0, Math.min(levels, Math.round(skill * levels + (r() - 0.5) * 1.4)));
      out[c.id] = String(c.scale.min + level * c.scale.step);
    } else if (c.kind === 'imported') {
      const steps = Math.round(c.points / c.step);
      const v = Math.round((0.55 + 0.45 * skill - r() * 0.1) * steps);
      out[c.id] = String(Math.max(0, Math.min(steps, v)) * c.step);
    }
  }
  return out;
}

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
let browser: Browser;
const judges = new Map<string, JudgeClient>();
let contestants: JudgeContestant[] = [];
let sheets: Map<string, Sheet>;
const contexts: BrowserContext[] = [];

const byBib = (bib: string) => contestants.find((c) => c.bib === bib)!;
const judgeOf = (sheetId: string) =>
  [...judges.values()].find((j) => j.welcome.judge.sheets.includes(sheetId))!;

/** Lines (contestant × sheet × judge) already marked: a second mark would be a correction. */
const marked = new Set<string>();

/** One judge's mark on one line, awaiting the server's ack. */
function mark(
  contestant: JudgeContestant,
  sheetId: string,
  values?: Record<string, unknown>,
  judge: JudgeClient = judgeOf(sheetId),
): Promise<MarkAck> {
  const code = judge.welcome.judge.code;
  marked.add(`${contestant.id}:${sheetId}:${code}`);
  return judge.submit(
    contestant.id,
    sheetId,
    values ?? valuesFor(sheets.get(sheetId)!, contestant.id, code),
  );
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

async function standings(): Promise<StandingsResponse> {
  const res = await fetch(`${server.url}/api/competitions/${SLUG}/standings`);
  return (await res.json()) as StandingsResponse;
}

/** What the board shows, row by row in screen order. */
function boardRows(page: Page) {
  return page.$$eval('[data-testid="board-row"]', (els) =>
    els.map((e) => ({
      bib: (e as HTMLElement).dataset.bib,
      rank: (e as HTMLElement).dataset.rank,
      total: (e.querySelector('[data-testid="row-total"]') as HTMLElement).dataset.total,
    })),
  );
}

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

async function openBoard(query = ''): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/scoreboard/${query}`);
  await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
  await page.waitForSelector('[data-testid="board-row"]');
  return { context, page };
}

const liveState = (page: Page) => page.getAttribute('[data-testid="live-status"]', 'data-state');

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  sheets = indexScheme(server.fixture.scheme).sheets;
  for (const o of server.fixture.officials)
    if (o.role === 'judge' && o.sheets.length)
      judges.set(o.code, await JudgeClient.connect(server.url, o.token));
  contestants = [...judges.values()][0]!.welcome.contestants;
});

// Each test's boards close with it: an open board renders every later mark.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  for (const j of judges.values()) j.ws.close();
  await browser?.close();
  await server?.close();
});

describe('scoreboard', () => {
  it('shows a mark within a second, names it in the ticker and moves the row to its rank', async () => {
    // No ?competition=: the board takes the first competition the server lists.
    const { page } = await openBoard('?page=1');
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(15);
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

    // A fall off the bridge: the ticker says so in words.
    const faller = byBib('12');
    await mark(faller, 'bridge', { 'bridge-faults': {}, 'bridge-fell': true });
    await expect
      .poll(async () => (await page.locator('[data-testid="ticker-item"]').first().textContent())!)
      .toMatch(/12号\s*\S+.*单边桥.*掉桥.*0\.00/s);

    // A better theory score overtakes: bib 20 moves to rank 1, bib 35 to rank 2 — gliding on
    // one board, jumping on a board whose viewer asked for reduced motion.
    const still = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    contexts.push(still);
    const stillPage = await still.newPage();
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

  it('reloaded mid-contest, shows the same standings as the server and stays live', async () => {
    await scoreAll(contestants.slice(0, 12));
    // Some contestants part-way through: their rows show progress and the riding sheets.
    const fresh = contestants.slice(22, 30).filter((c) => !marked.has(`${c.id}:theory-exam:J01`));
    await Promise.all(fresh.slice(0, 5).map((c) => mark(c, 'theory-exam')));
    await Promise.all(fresh.slice(2, 5).map((c) => mark(c, 's-bend')));
    const mid = await openBoard(`?competition=${SLUG}&page=1`);
    await mid.page.waitForTimeout(500);
    await mid.page.screenshot({ path: join(ARTIFACTS, 'board-mid-contest.png') });

    const { page } = await openBoard(`?competition=${SLUG}&rows=40`);
    await page.reload();
    await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
    await expectBoardEqualsServer(page);
    expect(await page.locator('[data-testid="board-row"]').count()).toBe(35);

    await scoreAll(contestants.slice(12, 14));
    await expectBoardEqualsServer(page);
  });

  it('cut off while marks arrive, catches up from its last revision', async () => {
    const { context, page } = await openBoard(`?competition=${SLUG}&rows=40`);
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
    await scoreAll(contestants.slice(14, 20));
    await page.waitForTimeout(500);
    expect(JSON.stringify(await boardRows(page))).toBe(before);

    await context.setOffline(false);
    await page.waitForSelector('[data-testid="live-status"][data-state="open"]', {
      timeout: 15_000,
    });
    await expectBoardEqualsServer(page);
    expect(sockets.some((u) => /[?&]since=\d+/.test(u))).toBe(true);
  });

  it('resumes from its last revision when a delta goes missing', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    contexts.push(context);
    const page = await context.newPage();
    const urls: string[] = [];
    let dropped = false;
    // A relay that loses the first delta of the first connection: the board must notice the
    // gap in revisions and ask for what it missed.
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
    expect(urls.at(-1)).toMatch(/[?&]since=\d+/);
  });

  it('when all 35 are scored, pages the field below the podium', async () => {
    const { page } = await openBoard(`?competition=${SLUG}&page=1`);
    await scoreAll(contestants.slice(21));
    const s = await standings();
    expect(s.rows.every((r) => Object.values(r.stations).every((x) => x.status !== 'empty'))).toBe(
      true,
    );
    await expectBoardEqualsServer(page, (rows) => rows.slice(0, 15));
    await page.waitForTimeout(700);
    await page.screenshot({ path: join(ARTIFACTS, 'board-live-glow.png') });
    // The glow of the last marks has faded; the ticker still explains them.
    await page.waitForTimeout(3_500);
    expect(await page.locator('[data-testid="ticker-item"]').count()).toBeGreaterThan(1);
    await expect
      .poll(async () => (await boardRows(page)).map((r) => r.bib))
      .toEqual(s.rows.slice(0, 15).map((r) => r.bib));
    expect(await page.textContent('[data-testid="page-indicator"]')).toContain('第 1/3 页');
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(ARTIFACTS, 'board-live-page1.png') });

    const two = await openBoard(`?competition=${SLUG}&page=2`);
    await expect
      .poll(async () => (await boardRows(two.page)).map((r) => r.bib))
      .toEqual([...s.rows.slice(0, 3), ...s.rows.slice(15, 27)].map((r) => r.bib));
    expect(await two.page.textContent('[data-testid="page-indicator"]')).toContain('第 2/3 页');
    await two.page.waitForTimeout(800);
    await two.page.screenshot({ path: join(ARTIFACTS, 'board-live-page2.png') });

    // Left alone, the board turns its pages every 10 s.
    const auto = await browser.newContext({ viewport: VIEWPORT });
    contexts.push(auto);
    const autoPage = await auto.newPage();
    await autoPage.clock.install();
    await autoPage.goto(`${server.url}/scoreboard/?competition=${SLUG}`);
    await autoPage.waitForSelector('[data-testid="page-indicator"][data-page="1"]');
    await autoPage.clock.fastForward(10_000);
    await autoPage.waitForSelector('[data-testid="page-indicator"][data-page="2"]');
    expect((await boardRows(autoPage))[3]!.bib).toBe(s.rows[15]!.bib);

    const en = await openBoard(`?competition=${SLUG}&page=3&lang=en`);
    expect(await en.page.textContent('[data-testid="page-indicator"]')).toContain('Page 3/3');
    await en.page.waitForTimeout(800);
    await en.page.screenshot({ path: join(ARTIFACTS, 'board-live-page3-en.png') });
  });

  it('shows official results, locked stations, and withdrawn contestants at the bottom', async () => {
    // The server cannot lock stations or withdraw contestants yet, so a relay rewrites the
    // snapshot as it would look after the head judge's sign-off; the board ranks it itself.
    const context = await browser.newContext({ viewport: VIEWPORT });
    contexts.push(context);
    const page = await context.newPage();
    await page.routeWebSocket(/\/ws\/board/, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((m) => {
        const msg = JSON.parse(String(m)) as BoardSnapshot | { type: string };
        if (msg.type !== 'board.snapshot') return ws.send(m);
        const snap = msg as BoardSnapshot;
        snap.competition.state = 'final';
        for (const r of snap.rows) {
          r.provisional = false;
          r.rank = null; // must come from the board's own ranking
          for (const st of Object.values(r.stations)) st.locked = true;
          if (r.bib === '24') r.status = 'withdrawn';
          if (r.bib === '5') r.status = 'disqualified';
        }
        ws.send(JSON.stringify(snap));
      });
    });
    await page.goto(`${server.url}/scoreboard/?competition=${SLUG}&page=3`);
    await page.waitForSelector('[data-testid="official-stamp"]');
    expect(await page.locator('[data-testid="provisional-badge"]').count()).toBe(0);
    const rows = await boardRows(page);
    expect(rows.slice(0, 3).map((r) => r.rank)).toEqual(['1', '2', '3']);
    expect(rows.slice(-2)).toMatchObject([
      { bib: '5', rank: '' },
      { bib: '24', rank: '' },
    ]);
    expect(await page.textContent('[data-bib="5"]')).toContain('取消资格');
    expect(await page.textContent('[data-bib="24"]')).toContain('退赛');
    expect(await page.locator('[data-bib="28"] [data-station] svg').count()).toBe(8);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, 'board-final-page3.png') });
  });
});
