import type {
  AdvancementPreview,
  BoardSnapshot,
  FestivalSummary,
  StandingsResponse,
  TeamsResponse,
} from '#protocol';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { FESTIVAL_FILE, makeFestival } from '../fixtures/festival-2025/make-festival.ts';
import {
  connectBoard,
  connectJudge,
  importLockPublish,
  importedScoreScheme,
  roundOf,
  startTestServer,
  submitMark,
  writeFestivalFile,
} from './test-support.ts';

/**
 * The festival layer end to end on a real server and SQLite file (issue: events, groups,
 * rounds and awards): groups on one projector, the cut of a 2,000-contestant preliminary,
 * carry-over into a final, teams, awards and certificates.
 */
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fest = makeFestival();
const tokenIn = (slug: string, code: string) =>
  fest.competitions
    .find((c) => c.competition.slug === slug)!
    .officials.find((o) => o.code === code)!.token;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function getJson<T>(path: string, token?: string): Promise<T> {
  const res = await fetch(`${server!.url}${path}`, { headers: token ? auth(token) : {} });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}
async function post(path: string, body: unknown, token: string, type = 'application/json') {
  return fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type, ...auth(token) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
/** Locks every station of a competition and publishes it as official. */
async function publish(slug: string, stationIds: string[]) {
  const organiser = tokenIn(slug, 'O01');
  for (const stationId of stationIds) {
    const r = await post(
      `/api/competitions/${slug}/course`,
      { action: 'station.lock', stationId },
      organiser,
    );
    expect(r.status, await r.clone().text()).toBe(200);
  }
  const r = await post(
    `/api/competitions/${slug}/course`,
    { action: 'competition.publish' },
    organiser,
  );
  expect(r.status, await r.clone().text()).toBe(200);
}
/** "95.60" → 9560: published decimals as integers, so sums in the test are exact too. */
const units = (s: string) => Number(s.replace('.', ''));

describe('a festival of two trades on one server', () => {
  it('the committed festival file is exactly what its generator makes', async () => {
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(FESTIVAL_FILE, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(fest)),
    );
  });

  it('two groups on one projector: ranks restart in each group, and console, board, CSV and XLSX agree', async () => {
    server = await startTestServer(undefined, FESTIVAL_FILE);
    const festival = await getJson<FestivalSummary>('/api/festivals/city-festival-2025');
    expect(festival.competitions.map((c) => c.slug)).toEqual([
      'rider-youth-2025',
      'rider-senior-2025',
      'courier-prelim-2025',
      'courier-final-2025',
    ]);
    expect(festival.board).toEqual({
      show: ['rider-youth-2025', 'rider-senior-2025', 'courier-final-2025'],
      seconds: 20,
    });
    // Theory marks in both rider groups: the youth group's scores are all above the senior
    // group's, so one ranking across groups would leave the senior group without rank 1.
    for (const [slug, base] of [
      ['rider-youth-2025', 90],
      ['rider-senior-2025', 60],
    ] as const) {
      const judge = await connectJudge(server.ws, tokenIn(slug, 'J01'));
      const field = [...judge.welcome.contestants].sort((a, b) => a.drawOrder - b.drawOrder);
      for (const [i, c] of field.slice(0, 6).entries()) {
        const ack = await submitMark(judge, {
          contestantId: c.id,
          sheetId: 'theory-exam',
          // Two equal scores (i = 2, 3) make a shared rank in each group.
          values: { 'theory-score': String(base - (i === 3 ? 2 : i)) },
        });
        expect(ack.type).toBe('mark.ack');
      }
      judge.close();
    }

    // The projector holds one socket per group in the rotation.
    const boards = await Promise.all(
      ['rider-youth-2025', 'rider-senior-2025'].map(async (slug) => {
        const b = connectBoard(server!.ws, slug);
        const snap = await b.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
        b.close();
        return snap;
      }),
    );
    const shown = (rows: { rank: number | null; bib: string; total: string }[]) =>
      rows.map((r) => `${r.rank ?? ''}|${r.bib}|${r.total}`);
    for (const snap of boards) {
      const ranks = snap.rows.map((r) => r.rank);
      expect(ranks.slice(0, 6)).toEqual([1, 2, 3, 3, 5, 6]);
      expect(snap.competition.placement.event.id).toBe('rider');
    }
    expect(boards.map((b) => b.competition.placement.group.label.zh)).toEqual(['青年组', '中年组']);

    // Console (staff standings), per-group CSV, festival CSV and festival XLSX: the same table.
    const csv = parse(
      await (await fetch(`${server.url}/api/festivals/city-festival-2025/export.csv`)).text(),
      { bom: true, relax_column_count: true },
    ) as string[][];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      Buffer.from(
        await (
          await fetch(`${server.url}/api/festivals/city-festival-2025/export.xlsx`)
        ).arrayBuffer(),
      ) as never,
    );
    for (const [i, slug] of ['rider-youth-2025', 'rider-senior-2025'].entries()) {
      const board = shown(boards[i]!.rows);
      const consoleRows = await getJson<StandingsResponse>(
        `/api/competitions/${slug}/standings`,
        tokenIn(slug, 'O01'),
      );
      expect(shown(consoleRows.rows)).toEqual(board);

      const one = parse(
        await (await fetch(`${server.url}/api/competitions/${slug}/export.csv`)).text(),
        { bom: true },
      ) as string[][];
      const totalCol = one[0]!.indexOf('总分');
      expect(one.slice(1).map((r) => `${r[0]}|${r[1]}|${r[totalCol]}`)).toEqual(board);

      // The festival CSV: a title line naming the group, then the same header and rows.
      const title = csv.findIndex((r) =>
        r[0]!.startsWith(
          `【网约送餐员 · ${boards[i]!.competition.placement.group.label.zh} · 决赛】`,
        ),
      );
      expect(title).toBeGreaterThan(0);
      const section = csv.slice(title + 2, title + 2 + board.length);
      expect(section.map((r) => `${r[0]}|${r[1]}|${r[totalCol]}`)).toEqual(board);

      const sheet = wb.getWorksheet(
        `网约送餐员 · ${boards[i]!.competition.placement.group.label.zh} · 决赛`,
      )!;
      expect(sheet, 'one worksheet per group').toBeDefined();
      const xlsxRows: string[] = [];
      sheet.eachRow((row, n) => {
        if (n <= 2) return;
        const v = row.values as (string | number | undefined)[];
        const total = v[totalCol + 1];
        xlsxRows.push(
          `${v[1] ?? ''}|${v[2]}|${typeof total === 'number' ? total.toFixed(2) : total}`,
        );
      });
      expect(xlsxRows).toEqual(board);
    }

    // Exports are built once per state and view, never served stale: a new mark changes them.
    const festivalCsvText = () =>
      fetch(`${server!.url}/api/festivals/city-festival-2025/export.csv`).then((r) => r.text());
    const before = await festivalCsvText();
    expect(await festivalCsvText()).toBe(before);
    const late = await connectJudge(server.ws, tokenIn('rider-senior-2025', 'J01'));
    const last = [...late.welcome.contestants].sort((a, b) => b.drawOrder - a.drawOrder)[0]!;
    expect(
      (
        await submitMark(late, {
          contestantId: last.id,
          sheetId: 'theory-exam',
          values: { 'theory-score': '11' },
        })
      ).type,
    ).toBe('mark.ack');
    late.close();
    const after = await festivalCsvText();
    expect(after).not.toBe(before);
    expect(after).toContain('11.00');

    // Certificates: one A4 page per award held, marked as a draft until results are official.
    const youthOrganiser = tokenIn('rider-youth-2025', 'O01');
    const certs = await fetch(`${server.url}/api/competitions/rider-youth-2025/certificates.html`, {
      headers: auth(youthOrganiser),
    });
    expect(certs.status).toBe(200);
    const html = await certs.text();
    const held = boards[0]!.rows.flatMap((r) => (r.awards ?? []).map((a) => `${r.bib}:${a}`));
    expect(held.length).toBeGreaterThan(0);
    expect(html.match(/data-testid="certificate"/g)).toHaveLength(held.length);
    const winner = boards[0]!.rows[0]!;
    expect(winner.awards).toContain('first');
    expect(html).toContain(`${winner.name}</span>（${winner.organisation}）`);
    expect(html).toContain('在2025 高新区网约送餐员技能比赛（青年组）决赛中，以第 1 名');
    expect(html).toContain('2025年11月15日');
    expect(html).toContain('样张');
    expect(
      (await fetch(`${server.url}/api/competitions/rider-youth-2025/certificates.html`)).status,
    ).toBe(401);

    // Team ranking from the best 3 of each platform, ranked like contestants.
    const teams = await getJson<TeamsResponse>('/api/competitions/rider-youth-2025/teams');
    expect(teams.best).toBe(3);
    const youth = boards[0]!.rows;
    for (const t of teams.teams) {
      const members = youth.filter((r) => r.organisation === t.team && r.rank !== null);
      const best3 = members
        .map((r) => units(r.total))
        .sort((a, b) => b - a)
        .slice(0, 3);
      expect(units(t.total)).toBe(best3.reduce((s, x) => s + x, 0));
    }
    expect(teams.teams.filter((t) => t.rank !== null).map((t) => t.rank)[0]).toBe(1);

    // During the youth group's reveal the public festival export holds only the revealed row
    // and says the team ranking waits for the official results.
    for (const action of ['competition.freeze', 'competition.reveal'])
      expect(
        (
          await post(
            '/api/competitions/rider-youth-2025/course',
            { action },
            tokenIn('rider-youth-2025', 'O01'),
          )
        ).status,
      ).toBe(200);
    const revealing = parse(await festivalCsvText(), {
      bom: true,
      relax_column_count: true,
    }) as string[][];
    const youthTitle = revealing.findIndex((r) => r[0]!.startsWith('【网约送餐员 · 青年组'));
    const seniorTitle = revealing.findIndex((r) => r[0]!.startsWith('【网约送餐员 · 中年组'));
    const youthLines = revealing.slice(youthTitle, seniorTitle);
    expect(youthLines.filter((r) => /^\d+$/.test(r[1] ?? '') && r.length > 5)).toHaveLength(1);
    expect(youthLines.some((r) => r[0]!.includes('颁奖揭晓进行中'))).toBe(true);
    expect(revealing.slice(seniorTitle).some((r) => r[0] === '团体排名')).toBe(true);
  });

  it('a preliminary of 2,000 with the 38th and 39th tied: the tie-break decides, exactly 38 advance, and the final carries 30 % of their totals', async () => {
    server = await startTestServer(undefined, FESTIVAL_FILE);
    const slug = 'courier-prelim-2025';
    const organiser = tokenIn(slug, 'O01');
    // Exam (70 %) and safety quiz (30 %) from the exam system. Bibs 100–136 lead with 100.00;
    // bib 1500 (exam 90, quiz 80) and bib 7 (exam 84, quiz 94) both total 87.00 at places
    // 38–39; the scheme's tie-break (the exam, higher first) must take bib 1500, not bib 7.
    const exam = new Map<string, number>();
    const quiz = new Map<string, number>();
    for (let b = 1; b <= 2000; b++) {
      const lead = b >= 100 && b <= 136;
      exam.set(String(b), lead ? 100 : 50);
      quiz.set(String(b), lead ? 100 : 50 + (b % 3));
    }
    exam.set('1500', 90);
    quiz.set('1500', 80);
    exam.set('7', 84);
    quiz.set('7', 94);
    const csvOf = (m: Map<string, number>) =>
      [...m].map(([bib, score]) => `${bib},${score}`).join('\n');
    for (const [criterion, scores] of [
      ['exam-score', exam],
      ['safety-score', quiz],
    ] as const) {
      const r = await post(
        `/api/competitions/${slug}/imports/${criterion}`,
        csvOf(scores),
        organiser,
        'text/csv',
      );
      expect(r.status, await r.clone().text()).toBe(200);
      expect(await r.json()).toMatchObject({ imported: 2000 });
    }

    const early = await getJson<AdvancementPreview>(
      `/api/competitions/${slug}/advancement`,
      organiser,
    );
    expect(early.ready).toBe(false);
    expect(early.blocked).toMatch(/正式成绩/);
    expect((await post(`/api/competitions/${slug}/advance`, {}, organiser)).status).toBe(409);

    await publish(slug, ['exam-score-station', 'safety-score-station']);
    const preview = await getJson<AdvancementPreview>(
      `/api/competitions/${slug}/advancement`,
      organiser,
    );
    expect(preview.ready).toBe(true);
    expect(preview.next?.slug).toBe('courier-final-2025');
    expect(preview.carry).toEqual({ weight: '0.3' });
    const expected = [...Array.from({ length: 37 }, (_, i) => String(100 + i)), '1500'];
    expect(preview.advanced.map((r) => r.bib).sort()).toEqual(expected.sort());
    expect(preview.outAtCut.map((r) => r.bib)).toEqual(['7']);
    expect(preview.advanced.at(-1)).toMatchObject({ bib: '1500', rank: 38, total: '87.00' });

    // A head judge may look but not run it; the organiser runs it once.
    expect((await post(`/api/competitions/${slug}/advance`, {}, tokenIn(slug, 'H01'))).status).toBe(
      403,
    );
    const run = await post(`/api/competitions/${slug}/advance`, {}, organiser);
    expect(await run.json()).toEqual({ next: 'courier-final-2025', count: 38 });
    expect((await post(`/api/competitions/${slug}/advance`, {}, organiser)).status).toBe(409);

    const final = await getJson<StandingsResponse>(
      '/api/competitions/courier-final-2025/standings',
    );
    expect(final.rows.map((r) => r.bib).sort()).toEqual(expected.sort());
    expect(final.columns.carry).toEqual({ weight: '0.3' });
    for (const r of final.rows) {
      const carried = r.bib === '1500' ? '26.10' : '30.00'; // 87.00 × 0.3; 100.00 × 0.3
      expect(r.carried).toBe(carried);
      expect(r.total).toBe(carried); // nothing scored in the final yet
    }
    // The field came by advancement: a contestant list cannot replace it (nor in a preview).
    for (const q of ['?dryRun=1', '']) {
      const r = await post(
        `/api/competitions/courier-final-2025/contestants/import${q}`,
        '号码,姓名,单位\n1,张三,顺丰速运\n',
        tokenIn('courier-final-2025', 'O01'),
        'text/csv',
      );
      expect(r.status).toBe(409);
      expect((await r.json()).error).toBe('import/advanced_field');
    }
    // The final's judges see the 38 finalists on their tablets.
    const judge = await connectJudge(server.ws, tokenIn('courier-final-2025', 'J01'));
    expect(judge.welcome.contestants).toHaveLength(38);
    judge.close();
  });
});

describe('creating a festival from a file', () => {
  it('the organiser loads a festival file beside the default contest; its tokens are replaced, and bad files change nothing', async () => {
    server = await startTestServer();
    const organiser = server.fixture.officials.find((o) => o.code === 'O01')!.token;
    const judge = server.fixture.officials.find((o) => o.code === 'J02')!.token;
    expect((await post('/api/festivals', fest, judge)).status).toBe(403);
    const broken = structuredClone(fest);
    broken.competitions[1]!.competition.slug = broken.competitions[0]!.competition.slug;
    const bad = await post('/api/festivals', broken, organiser);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(
      /competitions\.1\.competition\.slug: 比赛标识 .* 重复/,
    );
    // Rounds in the wrong order: the final at order 1 carries from nothing, and the
    // preliminary at order 2 sends its contestants nowhere.
    const swapped = structuredClone(fest);
    swapped.competitions[2]!.round!.order = 2;
    swapped.competitions[3]!.round!.order = 1;
    const wrong = await post('/api/festivals', swapped, organiser);
    expect(wrong.status).toBe(400);
    const message = ((await wrong.json()) as { message: string }).message;
    expect(message).toMatch(/competitions\.2\.scheme\.advancement: .*没有后续轮次/);
    expect(message).toMatch(/competitions\.3\.scheme\.carry: .*没有更早的轮次/);
    expect((await getJson<{ festivals: unknown[] }>('/api/festivals')).festivals).toHaveLength(1);

    const res = await post('/api/festivals', fest, organiser);
    expect(res.status).toBe(201);
    const created = (await res.json()) as {
      slug: string;
      competitions: { slug: string; logins: { code: string; token: string }[] }[];
    };
    expect(created.slug).toBe('city-festival-2025');
    expect(created.competitions.map((c) => c.slug)).toHaveLength(4);
    const fileToken = tokenIn('rider-youth-2025', 'J02');
    const newToken = created.competitions[0]!.logins.find((l) => l.code === 'J02')!.token;
    expect(newToken).not.toBe(fileToken);
    const me = (t: string) => fetch(`${server!.url}/api/me`, { headers: auth(t) });
    expect((await me(fileToken)).status).toBe(401);
    expect(((await (await me(newToken)).json()) as { competition: string }).competition).toBe(
      'rider-youth-2025',
    );
    const festivals = await getJson<{ festivals: FestivalSummary[] }>('/api/festivals');
    expect(festivals.festivals.map((f) => [f.slug, f.competitions.length])).toEqual([
      ['gaoxin-2024', 1],
      ['city-festival-2025', 4],
    ]);
    expect((await post('/api/festivals', fest, organiser)).status).toBe(409);
  });
});

/** A version 1 round of the courier event scored by one imported value (0–100, step 0.001). */
const scheme = (id: string, extra: object) =>
  importedScoreScheme(id, { version: 1, step: 0.001 }, extra);
const token = (n: number) => n.toString(16).padStart(32, 'a');
const round = (slug: string, order: number, label: string, s: object, n: number) =>
  roundOf({
    slug,
    order,
    label,
    event: { id: 'courier', label: { zh: '快递员', en: 'Courier' } },
    scheme: s,
    contestants: n,
    organiserToken: token(order),
  });
/** Writes a festival file of rounds to a temp folder. */
const roundsFile = (competitions: object[]) =>
  writeFestivalFile({ slug: 'rounds', title: { zh: '轮次', en: 'Rounds' } }, competitions);

describe('rounds with carry-over at weight 1', () => {
  it('a final carrying the semifinal at weight 1: the overall total is the exact sum, and ranks follow it', async () => {
    const file = roundsFile([
      round(
        'semi',
        1,
        '半决赛',
        scheme('semi', { advancement: { by: 'top', count: 5, ties: 'tie-break' } }),
        12,
      ),
      round('final', 2, '决赛', scheme('final', { carry: { weight: 1 } }), 0),
    ]);
    server = await startTestServer(undefined, file);
    // Three decimals in, two out: the semifinal publishes half-up (66.665 → 66.67), and the
    // final carries the published value, not the raw one.
    const semiScores = [
      '91.5',
      '88.125',
      '66.665',
      '79.994',
      '85',
      '70.005',
      '60',
      '59.5',
      '66.664',
      '12',
      '99.999',
      '45',
    ];
    const organiserOf = (order: number) => token(order);
    await importLockPublish(
      server.url,
      'semi',
      organiserOf(1),
      semiScores.map((s, i) => `${i + 1},${s}`),
    );
    const semi = await getJson<StandingsResponse>('/api/competitions/semi/standings');
    expect(
      (await (await post('/api/competitions/semi/advance', {}, organiserOf(1))).json()).count,
    ).toBe(5);

    const finalScores: Record<string, string> = {
      '11': '50.004',
      '1': '70',
      '2': '75.5',
      '5': '81.255',
      '4': '64.999',
    };
    const r = await post(
      '/api/competitions/final/imports/score',
      Object.entries(finalScores)
        .map(([b, s]) => `${b},${s}`)
        .join('\n'),
      organiserOf(2),
      'text/csv',
    );
    expect(r.status, await r.clone().text()).toBe(200);
    const final = await getJson<StandingsResponse>('/api/competitions/final/standings');
    expect(final.rows).toHaveLength(5);
    for (const row of final.rows) {
      const semiTotal = semi.rows.find((s) => s.bib === row.bib)!.total;
      expect(row.carried).toBe(semiTotal);
      expect(units(row.total)).toBe(units(row.roundTotal!) + units(semiTotal));
    }
    // Overall ranks follow the sum, not the final alone: bib 11 led the semifinal (100.00)
    // and bib 5 led neither round, yet bib 5 wins overall.
    expect(
      final.rows.map((x) => `${x.rank} ${x.bib} ${x.roundTotal} + ${x.carried} = ${x.total}`),
    ).toEqual([
      '1 5 81.26 + 85.00 = 166.26',
      '2 2 75.50 + 88.13 = 163.63',
      '3 1 70.00 + 91.50 = 161.50',
      '4 11 50.00 + 100.00 = 150.00',
      '5 4 65.00 + 79.99 = 144.99',
    ]);
  });
});

describe('fields of thousands', () => {
  it('a festival file with a preliminary of 20,000 loads, and 6,000 advance by a threshold in one step', async () => {
    server = await startTestServer();
    const organiser = server.fixture.officials.find((o) => o.code === 'O01')!.token;
    // The festival fixture with a preliminary of 20,000, under other slugs.
    const big = JSON.parse(
      JSON.stringify(makeFestival({ prelim: 20_000 })).replaceAll('-2025"', '-big"'),
    ) as ReturnType<typeof makeFestival>;
    const res = await post('/api/festivals', big, organiser);
    expect(res.status, await res.clone().text()).toBe(201);
    const prelim = await getJson<StandingsResponse>(
      '/api/competitions/courier-prelim-big/standings',
    );
    expect(prelim.rows).toHaveLength(20_000);
    await server.close();

    server = await startTestServer(
      undefined,
      roundsFile([
        round(
          'semi',
          1,
          '半决赛',
          scheme('semi', { advancement: { by: 'threshold', min: 40 } }),
          10_000,
        ),
        round('final', 2, '决赛', scheme('final', { carry: { weight: 1 } }), 0),
      ]),
    );
    // Bibs 1–6000 score 40 and above; 6001–10000 score 39.99 (39.999 would publish as 40.00).
    const csv = Array.from(
      { length: 10_000 },
      (_, i) => `${i + 1},${i < 6000 ? 40 + (i % 60) : 39.99}`,
    );
    await importLockPublish(server.url, 'semi', token(1), csv);
    const run = await post('/api/competitions/semi/advance', {}, token(1));
    expect(await run.json()).toEqual({ next: 'final', count: 6000 });
    const final = await getJson<StandingsResponse>('/api/competitions/final/standings');
    expect(final.rows).toHaveLength(6000);
  }, 60_000);
});
