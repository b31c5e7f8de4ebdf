/**
 * The public board of a festival (技能节) against the real server loaded with the two-trade
 * festival fixture: the projector rotates through the festival's board list (riders' youth
 * and senior finals, the couriers' final), each competition on its own socket, ranks
 * restarting in each; a mark on a competition off screen is there when its turn comes. Then
 * the phone (the festival's competitions picked, not rotated), official results with their
 * award chips, the reveal ceremony with the award in the spotlight (the rotation holds on
 * it), and the couriers' final carrying 30 % of the preliminary. Marks come from real judge
 * websockets (server/test-support.ts); the course is driven over HTTP as the console does.
 * Screenshots land in e2e/artifacts/festival-board-*.png (look at them).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexScheme, type Sheet } from '../server/engine/index.ts';
import type {
  CompetitionFixture,
  CompetitionSummary,
  JudgeContestant,
  StandingsResponse,
} from '../server/protocol/index.ts';
import {
  connectJudge,
  startTestServer,
  submitMark,
  type JudgeSocket,
} from '../server/test-support.ts';
import { BoardPage } from './support/board.ts';
import { ARTIFACTS, BrowserSession, PHONE, PROJECTOR as VIEWPORT } from './support/browser.ts';

const FESTIVAL_FILE = fileURLToPath(
  new URL('../fixtures/festival-2025/festival.json', import.meta.url),
);
const FESTIVAL = 'city-festival-2025';
const YOUTH = 'rider-youth-2025';
const SENIOR = 'rider-senior-2025';
const PRELIM = 'courier-prelim-2025';
const FINAL = 'courier-final-2025';
/** A screenshot of what a page settles on: running transitions fast-forwarded to their end. */
const SETTLED = { animations: 'disabled' } as const;

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let session: BrowserSession;
/** Judge sockets per competition slug. */
const judges = new Map<string, JudgeSocket[]>();

const competitionFile = (slug: string): CompetitionFixture =>
  server.festival.competitions.find((c) => c.competition.slug === slug)!;
const tokenOf = (slug: string, role: 'organiser' | 'head-judge') =>
  competitionFile(slug).officials.find((o) => o.role === role)!.token;

/** A number in [0, 1) from a string: the same field every run. */
function unit(s: string): number {
  let h = 7;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

/**
 * Plausible values of a sheet for a contestant: skill from the contestant, the same for every
 * judge of a panel (so no line is flagged and the head judge can sign every station off).
 */
function valuesFor(sheet: Sheet, contestantId: number): Record<string, unknown> {
  const skill = 0.35 + 0.65 * unit(`skill:${contestantId}`);
  const out: Record<string, unknown> = {};
  for (const c of sheet.criteria) {
    const r = unit(`${contestantId}:${c.id}`);
    if (c.kind === 'faults') {
      const counts: Record<string, number> = {};
      for (const f of c.faults) if (r * unit(f.id) < 0.4 * (1.1 - skill)) counts[f.id] = 1;
      out[c.id] = counts;
    } else if (c.kind === 'veto') out[c.id] = false;
    else if (c.kind === 'check') out[c.id] = r < 0.45 + 0.5 * skill;
    else if (c.kind === 'time')
      out[c.id] = Math.round(
        c.band ? c.band.fullMs + (1 - skill) * (c.band.zeroMs - c.band.fullMs) : 60_000,
      );
    else if (c.kind === 'judgement') {
      const levels = Math.round((c.scale.max - c.scale.min) / c.scale.step);
      out[c.id] = String(c.scale.min + Math.round(skill * levels) * c.scale.step);
    } else if (c.kind === 'difficulty') out[c.id] = String(c.scale.min);
    else if (c.kind === 'imported') {
      const steps = Math.round(c.points / c.step);
      out[c.id] = String(Math.round((0.4 + 0.6 * skill - r * 0.1) * steps) * c.step);
    }
  }
  return out;
}

async function connectJudges(slug: string): Promise<JudgeSocket[]> {
  const list: JudgeSocket[] = [];
  for (const o of competitionFile(slug).officials)
    if (o.role === 'judge') list.push(await connectJudge(server.ws, o.token));
  judges.set(slug, list);
  return list;
}

/** Every judge of the competition marks every sheet of theirs for `who` (all in flight). */
async function score(slug: string, who: (c: JudgeContestant) => boolean = () => true) {
  const list = judges.get(slug)!;
  const sheets = indexScheme(list[0]!.welcome.scheme).sheets;
  const acks = [];
  for (const j of list)
    for (const sheetId of j.welcome.judge.sheets)
      for (const c of j.welcome.contestants.filter(who))
        acks.push(
          submitMark(j, {
            contestantId: c.id,
            sheetId,
            values: valuesFor(sheets.get(sheetId)!, c.id),
          }),
        );
  for (const a of await Promise.all(acks)) expect(a.type, JSON.stringify(a)).toBe('mark.ack');
}

async function standings(slug: string): Promise<StandingsResponse> {
  return (await (
    await fetch(`${server.url}/api/competitions/${slug}/standings`)
  ).json()) as StandingsResponse;
}

async function post(
  path: string,
  token: string,
  body: unknown,
  type = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** One step of a competition's course over HTTP, expecting success. */
async function course(
  slug: string,
  body: Record<string, unknown>,
  as: 'organiser' | 'head-judge' = 'organiser',
): Promise<CompetitionSummary> {
  const r = await post(`/api/competitions/${slug}/course`, tokenOf(slug, as), body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.competition as CompetitionSummary;
}

/** The head judge signs every station off, then the organiser publishes: official results. */
async function publish(slug: string): Promise<void> {
  for (const stationId of (await standings(slug)).columns.stations.map((s) => s.id))
    await course(slug, { action: 'station.lock', stationId, reason: '成绩已核对' }, 'head-judge');
  expect((await course(slug, { action: 'competition.publish' })).state).toBe('final');
}

/**
 * A board at `/scoreboard/<query>` in a fresh context, its socket open. `clock`: playwright's
 * clock installed before the page loads, so the test turns the rotation by `fastForward`
 * instead of sitting through its slots (time otherwise flows as usual).
 */
async function open(
  query: string,
  viewport: { width: number; height: number } = VIEWPORT,
  opts: { clock?: boolean } = {},
): Promise<{ page: Page; sockets: string[] }> {
  const board = new BoardPage(await session.newPage({ viewport }, query));
  if (opts.clock) await board.page.clock.install();
  await board.open(server.url, query);
  return { page: board.page, sockets: board.sockets };
}

/**
 * Moves the page's clock `ms` on, a second at a time; each second waits a frame for what it
 * set off (a rotation step, a ping whose pong then arrives), so the board never sees a
 * silent link.
 */
async function forward(page: Page, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1_000) {
    await page.clock.fastForward(1_000);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
  }
}

/** Moves the page's clock on until `selector` is on the page (at most `maxMs` of page time). */
async function forwardUntil(page: Page, selector: string, maxMs = 30_000): Promise<void> {
  for (let t = 0; t <= maxMs; t += 1_000) {
    if (await page.locator(selector).count()) return;
    await forward(page, 1_000);
  }
  throw new Error(`${selector} not shown within ${maxMs} ms of page time`);
}

/** What the board shows, row by row in screen order. */
function boardRows(page: Page) {
  return page.$$eval('[data-testid="board-row"]', (els) =>
    els.map((e) => ({
      bib: (e as HTMLElement).dataset.bib,
      rank: (e as HTMLElement).dataset.rank,
      total: (e.querySelector('[data-testid="row-total"]') as HTMLElement).dataset.total,
      awards: [...e.querySelectorAll('[data-testid="row-award"]')].map(
        (a) => (a as HTMLElement).dataset.award,
      ),
    })),
  );
}

const onScreen = (page: Page) => page.getAttribute('[data-testid="placement"]', 'data-competition');
const rotationIndex = (page: Page) =>
  page.getAttribute('[data-testid="rotation-indicator"]', 'data-index');

beforeAll(async () => {
  server = await startTestServer(undefined, FESTIVAL_FILE);
  session = await BrowserSession.launch();
  await connectJudges(YOUTH);
  await connectJudges(SENIOR);
  // The riders' finals part-way: the youth all scored, the senior group all but bib 15.
  await score(YOUTH);
  await score(SENIOR, (c) => c.bib !== '15');
});

afterEach(async () => {
  await session?.closePages();
});

afterAll(async () => {
  for (const list of judges.values()) for (const j of list) j.close();
  await session?.close();
  await server?.close();
});

describe('festival board', () => {
  it('rotates through the board list, each competition ranked on its own, live on its own socket', async () => {
    const festival = (await (await fetch(`${server.url}/api/festivals/${FESTIVAL}`)).json()) as {
      board: { show: string[] };
    };
    expect(festival.board.show).toEqual([YOUTH, SENIOR, FINAL]);

    const { page, sockets } = await open(`?festival=${FESTIVAL}&seconds=5`, VIEWPORT, {
      clock: true,
    });
    await page.waitForSelector('[data-testid="rotation-indicator"][data-index="1"]');
    expect(await page.getAttribute('[data-testid="rotation-indicator"]', 'data-count')).toBe('3');
    expect(await onScreen(page)).toBe(YOUTH);
    expect(await page.textContent('[data-testid="placement"]')).toMatch(
      /网约送餐员\s*·\s*青年组\s*·\s*决赛/,
    );
    expect(await page.textContent('[data-testid="rotation-indicator"]')).toMatch(
      /1 \/ 3\s*·\s*下一项：网约送餐员 · 中年组 · 决赛/,
    );
    const youth = (await standings(YOUTH)).rows;
    await expect
      .poll(async () => (await boardRows(page)).slice(0, 3).map((r) => [r.bib, r.rank]))
      .toEqual(youth.slice(0, 3).map((r) => [r.bib, String(r.rank)]));
    expect((await boardRows(page))[0]!.awards).toEqual([]); // live: no awards on show
    await page.screenshot({ path: join(ARTIFACTS, 'festival-board-1.png'), ...SETTLED });

    // Twenty riders are two pages: the slot lasts long enough to show both, then moves on.
    await forwardUntil(page, '[data-testid="page-indicator"][data-page="2"]');
    expect(await rotationIndex(page)).toBe('1');
    // Meanwhile a mark for the senior group, off screen: it is there when its turn comes.
    const senior15 = judges.get(SENIOR)![0]!.welcome.contestants.find((c) => c.bib === '15')!;
    await score(SENIOR, (c) => c.id === senior15.id);

    await forwardUntil(page, '[data-testid="rotation-indicator"][data-index="2"]');
    expect(await onScreen(page)).toBe(SENIOR);
    expect(await page.textContent('[data-testid="rotation-indicator"]')).toContain(
      '下一项：快递员 · 决赛',
    );
    const senior = (await standings(SENIOR)).rows;
    // Ranks restart: the senior group's own 1, 2, 3 …, not the youth group's.
    await expect
      .poll(async () => (await boardRows(page)).map((r) => [r.bib, r.rank, r.total]))
      .toEqual(senior.map((r) => [r.bib, String(r.rank), r.total]));
    expect((await boardRows(page))[0]!.rank).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'festival-board-2.png'), ...SETTLED });

    // The couriers' final has nobody until the preliminary advances them.
    await forwardUntil(page, '[data-testid="rotation-indicator"][data-index="3"]');
    expect(await onScreen(page)).toBe(FINAL);
    expect(await page.textContent('main')).toContain('参赛选手待定');
    await page.screenshot({ path: join(ARTIFACTS, 'festival-board-3.png') });
    await forwardUntil(page, '[data-testid="rotation-indicator"][data-index="1"]');

    // One socket per competition, opened once: a turn of the rotation connects nothing.
    const boards = sockets.filter((u) => u.includes('/ws/board'));
    expect(boards.map((u) => new URL(u).searchParams.get('competition')).sort()).toEqual(
      [FINAL, SENIOR, YOUTH].sort(),
    );
  });

  it('shows ?show= in its own order, English, and a single ?competition= board without rotation', async () => {
    const { page } = await open(`?show=${SENIOR},${YOUTH}&seconds=5&lang=en`, VIEWPORT, {
      clock: true,
    });
    await page.waitForSelector('[data-testid="rotation-indicator"][data-index="1"]');
    expect(await onScreen(page)).toBe(SENIOR);
    expect(await page.textContent('[data-testid="placement"]')).toMatch(
      /Food-delivery rider\s*·\s*Senior\s*·\s*Final/,
    );
    expect(await page.textContent('[data-testid="rotation-indicator"]')).toContain(
      'Next: Food-delivery rider · Youth · Final',
    );
    await forwardUntil(page, '[data-testid="rotation-indicator"][data-index="2"]');
    expect(await onScreen(page)).toBe(YOUTH);

    const single = await open(`?competition=${SENIOR}&lang=both`);
    await single.page.waitForSelector('[data-testid="board-row"]');
    expect(await onScreen(single.page)).toBe(SENIOR);
    expect(await single.page.locator('[data-testid="rotation-indicator"]').count()).toBe(0);
    expect(single.sockets.filter((u) => u.includes('/ws/board'))).toHaveLength(1);
    // The English placement is shown whole, under the Chinese one (it was cut to "Food-d…").
    const en = single.page.locator('[data-testid="placement-en"]');
    expect(await en.textContent()).toBe('Food-delivery rider · Senior · Final');
    expect(await en.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
    expect(await en.evaluate((e) => getComputedStyle(e).textOverflow)).not.toBe('ellipsis');
    await single.page.screenshot({ path: join(ARTIFACTS, 'festival-board-both.png'), ...SETTLED });
  });

  it('on a phone, the festival is picked from, not rotated', async () => {
    const { page } = await open(`?festival=${FESTIVAL}&seconds=5`, PHONE, { clock: true });
    await page.waitForSelector('[data-testid="phone-board"] [data-testid="board-row"]');
    expect(await onScreen(page)).toBe(YOUTH);
    expect(await page.locator('[data-testid="phone-pick"]').count()).toBe(3);
    // Past the 5 s slot a projector turns on (the rotation test shows the clock drives it).
    await forward(page, 6_000);
    expect(await onScreen(page)).toBe(YOUTH);
    await page.click(`[data-testid="phone-pick"][data-competition="${SENIOR}"]`);
    await expect.poll(() => onScreen(page)).toBe(SENIOR);
    expect(await page.textContent('[data-testid="placement"]')).toMatch(
      /网约送餐员 · 中年组 · 决赛/,
    );
    expect(
      await page.getAttribute('[data-testid="phone-board"] [data-testid="board-row"]', 'data-rank'),
    ).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'festival-board-phone.png') });
  });

  it('official results show each row’s awards, as the server gives them', async () => {
    await publish(YOUTH);
    const s = await standings(YOUTH);
    expect(s.columns.awards?.rules.map((r) => r.id)).toEqual([
      'first',
      'second',
      'third',
      'certificate',
    ]);
    const { page } = await open(`?competition=${YOUTH}&rows=20`);
    await page.waitForSelector('[data-testid="official-stamp"]');
    await expect
      .poll(async () => JSON.stringify(await boardRows(page)))
      .toBe(
        JSON.stringify(
          s.rows.map((r) => ({
            bib: r.bib,
            rank: String(r.rank),
            total: r.total,
            awards: r.awards ?? [],
          })),
        ),
      );
    const first = page.locator('[data-testid="board-row"]').first();
    expect(await first.locator('[data-testid="row-award"][data-award="first"]').textContent()).toBe(
      '一等奖',
    );
    expect(s.rows.some((r) => r.awards?.includes('certificate'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'festival-board-final-all.png'), ...SETTLED });

    // On the rotating projector too, when its turn comes; and on the phone.
    const rotating = await open(`?festival=${FESTIVAL}&seconds=5&page=1`);
    await rotating.page.waitForSelector('[data-testid="official-stamp"]');
    expect(await rotating.page.locator('[data-testid="row-award"]').count()).toBeGreaterThan(3);
    await rotating.page.screenshot({
      path: join(ARTIFACTS, 'festival-board-final.png'),
      ...SETTLED,
    });
    const phone = await open(`?competition=${YOUTH}`, PHONE);
    await phone.page.waitForSelector('[data-testid="row-award"][data-award="first"]');
    await phone.page.screenshot({ path: join(ARTIFACTS, 'festival-board-phone-final.png') });
  });

  it('the ceremony holds the rotation and puts the award in the spotlight', async () => {
    await course(SENIOR, { action: 'competition.freeze' });
    const { page } = await open(`?festival=${FESTIVAL}&seconds=5`, VIEWPORT, { clock: true });
    const live = (await (
      await fetch(`${server.url}/api/competitions/${SENIOR}/standings`, {
        headers: { authorization: `Bearer ${tokenOf(SENIOR, 'organiser')}` },
      })
    ).json()) as StandingsResponse;
    const n = live.rows.length;
    for (let k = 1; k < n; k++) await course(SENIOR, { action: 'competition.reveal' });
    await page.waitForSelector(`[data-testid="ceremony"][data-revealed="${n - 1}"]`);
    await page.screenshot({
      path: join(ARTIFACTS, 'festival-board-ceremony-second.png'),
      ...SETTLED,
    });
    await course(SENIOR, { action: 'competition.reveal' });
    // Held on the senior group while its reveal is under way, turn after turn.
    await page.waitForSelector(`[data-testid="ceremony"][data-revealed="${n}"]`);
    expect(await onScreen(page)).toBe(SENIOR);
    // Past its 5 s slot, turn after turn of page time.
    await forward(page, 12_000);
    expect(await onScreen(page)).toBe(SENIOR);
    expect(await page.locator('[data-testid="rotation-indicator"]').count()).toBe(0);

    const spotlight = page.locator('[data-testid="reveal-spotlight"]');
    expect(await spotlight.getAttribute('data-bib')).toBe(live.rows[0]!.bib);
    expect(
      await spotlight
        .locator('[data-testid="row-award"]')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.award)),
    ).toEqual(['first', ...(live.rows[0]!.awards?.includes('certificate') ? ['certificate'] : [])]);
    const revealed = await page.$$eval('[data-testid="reveal-row"]', (els) =>
      els.map((e) => ({
        bib: (e as HTMLElement).dataset.bib,
        awards: [...e.querySelectorAll('[data-testid="row-award"]')].map(
          (a) => (a as HTMLElement).dataset.award,
        ),
      })),
    );
    expect(revealed.slice(0, 6).map((r) => r.awards[0])).toEqual([
      'first',
      'second',
      'second',
      'third',
      'third',
      'third',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'festival-board-ceremony.png'), ...SETTLED });

    // Published, the rotation goes on.
    await publish(SENIOR);
    await forwardUntil(page, '[data-testid="rotation-indicator"]');
  });

  it('a round that carries the preliminary shows this round, the carried points and the total', async () => {
    // The preliminary: both exams imported for 2,000 couriers, signed off, published, advanced.
    const prelim = competitionFile(PRELIM);
    const scheme = indexScheme(prelim.scheme);
    for (const criterion of ['exam-score', 'safety-score']) {
      const c = [...scheme.sheets.values()]
        .flatMap((s) => s.criteria)
        .find((x) => x.id === criterion)!;
      const csv = prelim.contestants
        .map((k, i) => `${k.bib},${valuesFor({ criteria: [c] } as Sheet, i + 1)[c.id] as string}`)
        .join('\n');
      const r = await post(
        `/api/competitions/${PRELIM}/imports/${criterion}`,
        tokenOf(PRELIM, 'organiser'),
        csv,
        'text/csv',
      );
      expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
    }
    await publish(PRELIM);
    const adv = await post(`/api/competitions/${PRELIM}/advance`, tokenOf(PRELIM, 'organiser'), {});
    expect(adv.status, JSON.stringify(adv.body)).toBe(200);

    const { page } = await open(`?competition=${FINAL}&rows=40`);
    await page.waitForSelector('[data-testid="board-row"]');
    // Half of the finalists part-way through the final.
    await connectJudges(FINAL);
    await score(FINAL, (c) => Number(c.bib) % 2 === 0);
    const s = await standings(FINAL);
    expect(s.columns.carry).not.toBeNull();
    expect(await page.textContent('.head')).toMatch(/本轮[\s\S]*带入×0\.3[\s\S]*总分/);
    const shown = async () =>
      page.$$eval('[data-testid="board-row"]', (els) =>
        els.map((e) => {
          const v = (id: string) =>
            (e.querySelector(`[data-testid="${id}"]`) as HTMLElement).dataset;
          return [
            (e as HTMLElement).dataset.bib,
            v('row-round-total').value,
            v('row-carried').value,
            v('row-total').total,
          ];
        }),
      );
    await expect.poll(shown).toEqual(s.rows.map((r) => [r.bib, r.roundTotal, r.carried, r.total]));
    // total = this round + carried, exactly (in hundredths).
    for (const r of s.rows)
      expect(Math.round(Number(r.total) * 100)).toBe(
        Math.round(Number(r.roundTotal) * 100) + Math.round(Number(r.carried) * 100),
      );
    const shot = await open(`?competition=${FINAL}`);
    await shot.page.waitForSelector('[data-testid="board-row"]');
    await shot.page.screenshot({ path: join(ARTIFACTS, 'festival-board-carry.png'), ...SETTLED });

    const phone = await open(`?competition=${FINAL}`, PHONE);
    await phone.page.click('[data-testid="board-row"]');
    await phone.page.waitForSelector('[data-testid="station-detail"] [data-testid="row-carried"]');
    await phone.page.screenshot({ path: join(ARTIFACTS, 'festival-board-phone-carry.png') });
  });
});
