/**
 * The organiser console at a festival (技能节) against the real server in Debian's Chromium,
 * on the two-trade festival fixture: the festival view groups the competitions by event,
 * group and round; the organiser switches between them without the password; the rider final
 * shows award chips, the awards list, the team ranking and prints certificates; the courier
 * preliminary (2,000 imported scores) is published from the console and advancement runs into
 * the final, which then shows the carried points. Every step is checked on the server through
 * its API. Apart, on a server holding only the default contest, the organiser creates the whole
 * festival from its file through the import screen. Screenshots land in
 * e2e/artifacts/festival-console-*.png (1440×900): look at them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FESTIVAL_FILE } from '../fixtures/festival-2025/make-festival.ts';
import { buildApp } from '../server/app.ts';
import { indexScheme, type Sheet } from '../server/engine/index.ts';
import { readFestival } from '../server/plugins/seed.ts';
import type {
  AdvancementPreview,
  FestivalsResponse,
  StandingsResponse,
  TeamsResponse,
} from '../server/protocol/index.ts';
import { closeApp, startTestServer, connectJudge, submitMark } from '../server/test-support.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';
import { byTestId } from './support/dom.ts';

const FESTIVAL = 'city-festival-2025';
const YOUTH = 'rider-youth-2025';
const SENIOR = 'rider-senior-2025';
const PRELIM = 'courier-prelim-2025';
const FINAL = 'courier-final-2025';
const VIEWPORT = { width: 1440, height: 900 };

const festival = readFestival(FESTIVAL_FILE);
let app: Awaited<ReturnType<typeof buildApp>>;
let url: string;
let dataDir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The organiser's console page, kept open from test to test. */
let org: Page;

/** An official's demo token in one competition of the festival file. */
const token = (slug: string, code: string) =>
  festival.competitions
    .find((c) => c.competition.slug === slug)!
    .officials.find((o) => o.code === code)!.token;

/** A staff API call as status + JSON. */
async function api<T>(path: string, bearer: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as T };
}

const standings = async (slug: string) => {
  const r = await api<StandingsResponse>(`/api/competitions/${slug}/standings`, token(slug, 'O01'));
  expect(r.status).toBe(200);
  return r.body;
};

async function course(slug: string, code: string, action: Record<string, unknown>) {
  const r = await api<unknown>(`/api/competitions/${slug}/course`, token(slug, code), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(action),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function openPage(path: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', path, e));
  await page.goto(`${url}${path}`);
  return page;
}

async function signIn(code: string, query = ''): Promise<Page> {
  const page = await openPage(`/console/${query}`);
  await byTestId(page, 'login-token-input').fill(code);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'progress-overall').waitFor({ timeout: 20_000 });
  return page;
}

async function confirm(page: Page) {
  await byTestId(page, 'confirm-dialog').locator('form').waitFor();
  await byTestId(page, 'confirm-ok').click();
}

async function dialogClosed(page: Page) {
  await page.waitForFunction(
    () => !(document.querySelector('[data-testid="confirm-dialog"]') as HTMLDialogElement).open,
  );
}

/** The competition the console shows as current in the festival view. */
const currentSlug = (page: Page) =>
  byTestId(page, 'festival-competition', { current: 'true' }).getAttribute('data-slug');

/**
 * Deterministic raw values of a rider sheet: a spread of totals, and a panel that agrees (every
 * judge of a sheet gives the same values), so nothing is flagged.
 */
function valuesFor(sheet: Sheet, contestantId: number) {
  const out: Record<string, unknown> = {};
  sheet.criteria.forEach((c, i) => {
    if (c.kind === 'faults') out[c.id] = { [c.faults[0]!.id]: contestantId % 3 };
    else if (c.kind === 'veto') out[c.id] = false;
    else if (c.kind === 'check') out[c.id] = (contestantId + i) % 5 !== 0;
    else if (c.kind === 'time') out[c.id] = 50_000 + contestantId * 700;
    else if (c.kind === 'judgement')
      out[c.id] = String(c.scale.min + c.scale.step * (contestantId % 3));
    else if (c.kind === 'imported') out[c.id] = String(50 + ((contestantId * 7) % 49));
  });
  return out;
}

/** Every judge of the rider youth final marks every sheet of every contestant. */
async function markRiderYouth() {
  const officials = festival.competitions.find((c) => c.competition.slug === YOUTH)!.officials;
  const judges = new Map<string, Awaited<ReturnType<typeof connectJudge>>>();
  for (const o of officials.filter((x) => x.role === 'judge'))
    judges.set(o.code, await connectJudge(url.replace('http', 'ws'), o.token));
  const welcome = judges.get('J01')!.welcome;
  expect(welcome.type).toBe('judge.welcome');
  const sheets = indexScheme(welcome.scheme).sheets;
  for (const c of welcome.contestants)
    for (const [sheetId, sheet] of sheets) {
      const panel = officials.filter((o) => o.role === 'judge' && o.sheets.includes(sheetId));
      for (const o of panel) {
        const ack = await submitMark(judges.get(o.code)!, {
          contestantId: c.id,
          sheetId,
          values: valuesFor(sheet, c.id),
        });
        expect(ack.type, JSON.stringify(ack)).toBe('mark.ack');
      }
    }
  for (const j of judges.values()) j.close();
}

/**
 * The courier preliminary's 2,000 exam and safety scores, as the exam system's CSV files
 * (half-point steps, so the field is full of ties), imported by the head judge; both stations
 * are then locked, ready to publish.
 */
async function importPreliminary() {
  const field = festival.competitions.find((c) => c.competition.slug === PRELIM)!.contestants;
  for (const [criterion, spread] of [
    ['exam-score', 60],
    ['safety-score', 41],
  ] as const) {
    const csv =
      'bib,score\n' +
      field.map((c, i) => `${c.bib},${40 + ((i * 37) % spread) + (i % 2) * 0.5}`).join('\n');
    const r = await api<unknown>(
      `/api/competitions/${PRELIM}/imports/${criterion}`,
      token(PRELIM, 'H01'),
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  for (const stationId of ['exam-score-station', 'safety-score-station'])
    await course(PRELIM, 'H01', { action: 'station.lock', stationId, reason: '成绩已核对' });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-e2e-festival-'));
  app = await buildApp({ dataDir, fixture: FESTIVAL_FILE });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
  await markRiderYouth();
  await importPreliminary();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  if (app) await closeApp(app);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('organiser console at a festival', () => {
  it('shows the festival’s competitions grouped by event, group and round', async () => {
    org = await signIn(token(YOUTH, 'O01'));
    expect(await byTestId(org, 'competition-placement').innerText()).toBe(
      '网约送餐员 · 青年组 · 决赛',
    );
    await byTestId(org, 'nav-festival').click();
    await byTestId(org, 'festival', { slug: FESTIVAL }).waitFor();
    expect(await byTestId(org, 'festival-title').innerText()).toBe(
      '2025 高新区新就业形态劳动者技能节',
    );

    const attrs = (id: string, attr: string, scope: Page | ReturnType<Page['locator']> = org) =>
      scope
        .locator(`[data-testid="${id}"]`)
        .evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), `data-${attr}`);
    expect(await attrs('festival-event', 'event')).toEqual(['rider', 'courier']);
    const rider = byTestId(org, 'festival-event', { event: 'rider' });
    const courier = byTestId(org, 'festival-event', { event: 'courier' });
    expect(await attrs('festival-group', 'group', rider)).toEqual(['youth', 'senior']);
    expect(await attrs('festival-group', 'group', courier)).toEqual(['all']);
    // Preliminary → final, in round order.
    expect(await attrs('festival-competition', 'slug', courier)).toEqual([PRELIM, FINAL]);
    expect(await rider.innerText()).toContain('青年组');
    expect(await courier.innerText()).toContain('初赛');

    // The current one is marked; every other one can be switched to; all are live.
    expect(await currentSlug(org)).toBe(YOUTH);
    expect(await attrs('festival-switch', 'slug')).toEqual([SENIOR, PRELIM, FINAL]);
    expect(await attrs('festival-competition', 'state')).toEqual(['live', 'live', 'live', 'live']);
    expect(
      await byTestId(org, 'festival-competition', { slug: SENIOR })
        .locator('[data-testid="festival-board-link"]')
        .getAttribute('href'),
    ).toBe(`/scoreboard/?competition=${SENIOR}`);
    expect(await byTestId(org, 'festival-projector').getAttribute('href')).toBe(
      `/scoreboard/?festival=${FESTIVAL}`,
    );
    // The rider final has no next round and no rule: advancement says so.
    await byTestId(org, 'advancement-rule').waitFor();
    expect(await byTestId(org, 'advancement-rule').innerText()).toBe('本轮没有晋级规则');
    expect(await byTestId(org, 'advancement-run').count()).toBe(0);
    await byTestId(org, 'teams').waitFor();
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-festival.png') });
  });

  it('shows award chips, the awards list and the team ranking as the server computes them', async () => {
    const st = await standings(YOUTH);
    expect(st.columns.awards?.rules.map((a) => a.id)).toEqual([
      'first',
      'second',
      'third',
      'certificate',
    ]);
    // The awards list holds what the server's rows hold, award by award.
    for (const rule of st.columns.awards!.rules) {
      const holders = st.rows.filter((r) => r.awards?.includes(rule.id)).map((r) => r.bib);
      const list = byTestId(org, 'award-list', { award: rule.id });
      await expect.poll(() => list.getAttribute('data-holders')).toBe(String(holders.length));
      expect(
        await list
          .locator('[data-testid="award-holder"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-bib'))),
      ).toEqual(holders);
    }
    expect(await byTestId(org, 'awards-provisional').count()).toBe(1);

    // The team ranking: best 3 of each platform count.
    const teams = await api<TeamsResponse>(`/api/competitions/${YOUTH}/teams`, token(YOUTH, 'O01'));
    expect(teams.status).toBe(200);
    expect(teams.body.best).toBe(3);
    const rows = byTestId(org, 'team-row');
    await expect.poll(() => rows.count()).toBe(teams.body.teams.length);
    for (const [i, team] of teams.body.teams.entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-team')).toBe(team.team);
      expect(await row.getAttribute('data-rank')).toBe(String(team.rank ?? ''));
      expect(await row.locator('td').nth(2).innerText()).toBe(team.total);
      expect(await row.locator('[data-testid="team-member"][data-counted="true"]').count()).toBe(
        team.members.filter((m) => m.counted).length,
      );
    }
    await byTestId(org, 'festival-this').evaluate((e) => e.scrollIntoView());
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-awards.png') });

    // Chips on the progress matrix, beside the totals.
    await byTestId(org, 'nav-progress').click();
    const winner = st.rows.find((r) => r.awards?.includes('first'))!;
    const chips = byTestId(org, 'matrix-row', { bib: winner.bib }).locator(
      '[data-testid="award-chip"]',
    );
    await expect
      .poll(() => chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-award'))))
      .toEqual(winner.awards);
    // Medals in the dense matrix: the label's first character, the whole label on hover.
    expect(await chips.first().getAttribute('title')).toBe('一等奖');
    expect(await chips.first().innerText()).toBe('一');
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-progress-awards.png') });
  });

  it('prints certificates, all and one award, with the Bearer header', async () => {
    await byTestId(org, 'nav-festival').click();
    const st = await standings(YOUTH);
    const held = st.rows.reduce((n, r) => n + (r.awards?.length ?? 0), 0);
    expect(held).toBeGreaterThan(0);
    const [all] = await Promise.all([
      org.context().waitForEvent('page'),
      byTestId(org, 'print-certificates').click(),
    ]);
    await all.waitForURL(/^blob:/);
    await all.locator('[data-testid="certificate"]').first().waitFor();
    expect(await all.locator('[data-testid="certificate"]').count()).toBe(held);
    await all.setViewportSize(VIEWPORT);
    await all.screenshot({ path: join(ARTIFACTS, 'festival-console-certificate.png') });
    await all.close();

    const firsts = st.rows.filter((r) => r.awards?.includes('first'));
    const [one] = await Promise.all([
      org.context().waitForEvent('page'),
      byTestId(org, 'print-award', { award: 'first' }).click(),
    ]);
    await one.waitForURL(/^blob:/);
    await one.locator('[data-testid="certificate"]').first().waitFor();
    expect(
      await one
        .locator('[data-testid="certificate"]')
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('data-award')}:${e.getAttribute('data-bib')}`),
        ),
    ).toEqual(firsts.map((r) => `first:${r.bib}`));
    expect(await one.content()).toContain('一等奖');
    await one.close();
  });

  it('downloads the festival’s results as one CSV', async () => {
    const [download] = await Promise.all([
      org.waitForEvent('download'),
      byTestId(org, 'festival-export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('2025 高新区网约送餐员技能比赛（青年组）');
    expect(text).toContain('2025 高新区快递员技能比赛初赛');
    expect(text).toContain('一等奖');
  });

  it('switches to the courier preliminary without the password and previews advancement', async () => {
    const before = await org.evaluate(() => sessionStorage.getItem('jx.console.token'));
    await byTestId(org, 'festival-switch', { slug: PRELIM }).click();
    await expect.poll(() => currentSlug(org), { timeout: 20_000 }).toBe(PRELIM);
    await byTestId(org, 'toast').waitFor();
    expect(await byTestId(org, 'competition-placement').innerText()).toBe('快递员 · 不分组 · 初赛');
    expect(await byTestId(org, 'role-badge').getAttribute('data-role')).toBe('organiser');
    const session = (await org.evaluate(() => sessionStorage.getItem('jx.console.token')))!;
    expect(session).not.toBe(before);
    // The new session is the preliminary organiser's.
    const me = await api<{ competition: string; role: string }>('/api/me', session);
    expect(me.body).toMatchObject({ competition: PRELIM, role: 'organiser' });

    const preview = await api<AdvancementPreview>(
      `/api/competitions/${PRELIM}/advancement`,
      session,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.ready).toBe(false);
    await byTestId(org, 'advancement-rule').waitFor();
    expect(await byTestId(org, 'advancement-rule').innerText()).toBe(
      '前 38 名晋级，并列同分按同分排序规则决定',
    );
    expect(await byTestId(org, 'advancement-next').getAttribute('data-slug')).toBe(FINAL);
    expect(await byTestId(org, 'advancement-carry').innerText()).toBe('带入本轮成绩 ×0.3');
    await expect
      .poll(() => byTestId(org, 'advancement-row').count())
      .toBe(preview.body.advanced.length + preview.body.outAtCut.length);
    expect(await byTestId(org, 'advancement-row', { out: 'true' }).count()).toBe(
      preview.body.outAtCut.length,
    );
    expect(
      await byTestId(org, 'advancement-row', { out: 'false' }).first().getAttribute('data-bib'),
    ).toBe(preview.body.advanced[0]!.bib);
    expect(await byTestId(org, 'advancement-blocked').innerText()).toContain(preview.body.blocked!);
    expect(await byTestId(org, 'advancement-run').isDisabled()).toBe(true);
    // No prize list in the preliminary: no awards panel.
    expect(await byTestId(org, 'awards').count()).toBe(0);
    await byTestId(org, 'festival-this').evaluate((e) => e.scrollIntoView());
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-advancement.png') });
  });

  it('publishes the preliminary and runs advancement into the final after a confirmation', async () => {
    await byTestId(org, 'nav-course').click();
    await byTestId(org, 'course-publish').click();
    await confirm(org);
    await dialogClosed(org);
    await byTestId(org, 'state-badge', { state: 'final' }).waitFor();

    await byTestId(org, 'nav-festival').click();
    const run = byTestId(org, 'advancement-run');
    await expect.poll(() => run.isDisabled(), { timeout: 15_000 }).toBe(false);
    expect(await byTestId(org, 'advancement-blocked').count()).toBe(0);
    const session = (await org.evaluate(() => sessionStorage.getItem('jx.console.token')))!;
    const preview = (
      await api<AdvancementPreview>(`/api/competitions/${PRELIM}/advancement`, session)
    ).body;
    expect(preview.ready).toBe(true);

    // Cancel first: nothing happens.
    await run.click();
    await byTestId(org, 'confirm-cancel').click();
    await dialogClosed(org);
    expect((await standings(FINAL)).rows).toHaveLength(0);

    await run.click();
    await byTestId(org, 'confirm-dialog').locator('form').waitFor();
    expect(await byTestId(org, 'confirm-dialog').innerText()).toContain('快递员 · 不分组 · 决赛');
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-advance-confirm.png') });
    await byTestId(org, 'confirm-ok').click();
    await dialogClosed(org);
    const result = byTestId(org, 'advancement-result', { next: FINAL });
    await result.waitFor();
    expect(await result.innerText()).toContain(`已将 ${preview.advanced.length} 位选手带入`);

    // On the server: the final's field is the advancing list, each with 30 % carried.
    const final = await standings(FINAL);
    expect(final.rows.map((r) => r.bib).sort()).toEqual(preview.advanced.map((r) => r.bib).sort());
    expect(final.columns.carry).toEqual({ weight: '0.3' });
    expect(final.rows.every((r) => r.carried !== undefined && Number(r.carried) > 0)).toBe(true);
    // Running it twice is refused by the server; the console offers no second run.
    await byTestId(org, 'festival-competition', { slug: PRELIM, state: 'final' }).waitFor();
    await expect.poll(() => byTestId(org, 'advancement-run').count()).toBe(0);
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-advanced.png') });

    // On to the final: its matrix shows the round's own total and the carried points.
    await byTestId(org, 'advancement-go-next').click();
    await expect.poll(() => currentSlug(org), { timeout: 20_000 }).toBe(FINAL);
    await byTestId(org, 'nav-progress').click();
    const carried = byTestId(org, 'matrix-carried');
    await expect.poll(() => carried.count()).toBe(final.rows.length);
    const top = final.rows[0]!;
    expect(
      await byTestId(org, 'matrix-row', { bib: top.bib })
        .locator('[data-testid="matrix-carried"]')
        .innerText(),
    ).toBe(top.carried);
    await org.screenshot({ path: join(ARTIFACTS, 'festival-console-final-carry.png') });
  });

  it('reads in English, and the head judge sees the festival without switching', async () => {
    const page = await signIn(token(SENIOR, 'H01'), '?lang=en');
    await byTestId(page, 'nav-festival').click();
    await byTestId(page, 'festival', { slug: FESTIVAL }).waitFor();
    expect(await byTestId(page, 'competition-placement').innerText()).toBe(
      'Food-delivery rider · Senior · Final',
    );
    expect(await byTestId(page, 'festival-switch').count()).toBe(0);
    expect(
      await byTestId(page, 'festival-competition', { slug: PRELIM }).getAttribute('data-state'),
    ).toBe('final');
    expect(await page.locator('h1').first().innerText()).toBeTruthy();
    await byTestId(page, 'awards').waitFor();
    expect(await byTestId(page, 'awards').innerText()).toContain('Print certificates');
    await page.screenshot({ path: join(ARTIFACTS, 'festival-console-en.png') });
  });
});

describe('creating a festival from its file in the console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows what the file holds, creates it, shows the new codes and signs in to it', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
    await page.goto(`${server.url}/console/`);
    const organiser = server.fixture.officials.find((o) => o.role === 'organiser')!;
    await byTestId(page, 'login-token-input').fill(organiser.token);
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'progress-overall').waitFor({ timeout: 20_000 });
    await byTestId(page, 'nav-import').click();

    // Before sending: the festival, and each competition by event · group · round.
    await byTestId(page, 'competition-file').setInputFiles(FESTIVAL_FILE);
    const preview = byTestId(page, 'festival-file', { slug: FESTIVAL, count: 4 });
    await preview.waitFor();
    expect(await preview.innerText()).toContain('2025 高新区新就业形态劳动者技能节');
    const rows = byTestId(page, 'festival-file-competition');
    expect(
      await rows.evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-slug')}:${e.getAttribute('data-contestants')}`),
      ),
    ).toEqual([`${YOUTH}:20`, `${SENIOR}:15`, `${PRELIM}:2000`, `${FINAL}:0`]);
    expect(await rows.nth(2).innerText()).toContain('快递员 · 不分组 · 初赛');
    // A festival keeps the file's slugs: nothing to type.
    expect(await byTestId(page, 'competition-slug').count()).toBe(0);
    expect(await byTestId(page, 'competition-create').innerText()).toBe('创建技能节（4 项比赛）');
    await preview.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'festival-console-create-preview.png') });

    await byTestId(page, 'competition-create').click();
    const created = byTestId(page, 'festival-created', { slug: FESTIVAL, count: 4 });
    await created.waitFor({ timeout: 30_000 });

    // On the server: the festival with its four competitions.
    const listed = (await (await fetch(`${server.url}/api/festivals`)).json()) as FestivalsResponse;
    const made = listed.festivals.find((f) => f.slug === FESTIVAL);
    expect(made?.competitions).toHaveLength(4);
    expect(made?.competitions.map((c) => c.slug).sort()).toEqual(
      [YOUTH, SENIOR, PRELIM, FINAL].sort(),
    );

    // The new codes, per competition, organiser first; none is the file's.
    const per = byTestId(page, 'festival-created-competition');
    expect(await per.evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')))).toEqual([
      YOUTH,
      SENIOR,
      PRELIM,
      FINAL,
    ]);
    for (const c of festival.competitions) {
      const block = byTestId(page, 'festival-created-competition', { slug: c.competition.slug });
      const logins = block.locator('[data-testid="competition-login"]');
      expect(await logins.count()).toBe(c.officials.length);
      expect(await logins.first().getAttribute('data-role')).toBe('organiser');
      const tokens = await block
        .locator('[data-testid="competition-login-token"]')
        .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, '')));
      expect(tokens.some((x) => c.officials.some((o) => o.token === x))).toBe(false);
    }
    // The way in: the first competition's new organiser code.
    const entryToken = (await byTestId(page, 'festival-organiser-token').innerText()).replace(
      /\s+/g,
      '',
    );
    const me = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${entryToken}` },
    });
    expect(await me.json()).toMatchObject({ competition: YOUTH, role: 'organiser' });
    await created.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(ARTIFACTS, 'festival-console-create.png') });

    // Signing in with it opens the festival view of the new festival.
    await byTestId(page, 'festival-signin').click();
    await byTestId(page, 'festival', { slug: FESTIVAL }).waitFor({ timeout: 20_000 });
    expect(await currentSlug(page)).toBe(YOUTH);
    expect(await page.evaluate(() => sessionStorage.getItem('jx.console.token'))).toBe(entryToken);
  });
});
