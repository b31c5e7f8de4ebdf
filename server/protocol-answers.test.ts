import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { indexScheme } from '#engine';
import {
  AdvancementPreview,
  CardsResponse,
  CompetitionCreated,
  CompetitionExport,
  CompetitionsResponse,
  ContestantImportAnswer,
  CourseAnswer,
  CredentialAnswer,
  FestivalCreated,
  FestivalSummary,
  FestivalsResponse,
  JudgeStatsResponse,
  MarksResponse,
  Me,
  OfficialCreated,
  OfficialEdited,
  OfficialsResponse,
  OpenLinesRefusal,
  RescoresResponse,
  SchemeResponse,
  ScoreImportAnswer,
  SettingsAnswer,
  StandingsResponse,
  TeamsResponse,
} from '#protocol';
import { readFileSync } from 'node:fs';
import { plausibleValues } from '../fixtures/marks.ts';
import { connectJudge, startTestServer, submitMark, tokenOf } from './test-support.ts';

/**
 * The HTTP answers the pages read are declared once, as zod schemas in protocol/ (http.ts,
 * course.ts), and sent as they are (protocol/api.ts `sentAs`). Here the real server's answers
 * are parsed with those schemas: a parse that fails, or that drops a field (the schema strips
 * what it does not name, so the parsed answer would differ from the one sent), means the
 * contract and the server have drifted apart.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
afterEach(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const token = (code: string) => tokenOf(server.fixture, code);
const get = async (path: string, code?: string) => {
  const r = await fetch(`${server.url}${path}`, {
    headers: code ? { authorization: `Bearer ${token(code)}` } : {},
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};
/** A write to the competition's `path` as `code` (the organiser by default). */
const send = async (method: string, path: string, body: unknown, code = 'O01') => {
  const r = await fetch(`${server.url}/api/competitions/${slug}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(code)}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};
const course = (body: Record<string, unknown>) => send('POST', '/course', body);
/** The answer parses with `schema` and nothing in it is left out by the schema. */
const conforms = (schema: z.ZodType, body: unknown) => expect(schema.parse(body)).toEqual(body);

/**
 * Every judge marks the first four contestants on each of their sheets, all alike (no line
 * flagged): rows with scores, and open lines on every station for the rest of the field.
 */
async function markSome(): Promise<void> {
  const index = indexScheme(server.fixture.scheme);
  for (const o of server.fixture.officials.filter((x) => x.role === 'judge')) {
    const judge = await connectJudge(server.ws, token(o.code));
    const few = judge.welcome.contestants.slice(0, 4);
    for (const sheetId of o.sheets)
      for (const c of few)
        await submitMark(judge, {
          contestantId: c.id,
          sheetId,
          values: plausibleValues(index.sheets.get(sheetId)!, c.id),
        });
    judge.close();
  }
}

describe('HTTP answers against their protocol schemas', () => {
  it('lists, standings, teams and advancement, public and staff', async () => {
    server = await startTestServer();
    const festivalSlug = server.festival.festival.slug;
    await markSome();

    conforms(CompetitionsResponse, (await get('/api/competitions')).body);
    conforms(FestivalsResponse, (await get('/api/festivals')).body);
    conforms(FestivalSummary, (await get(`/api/festivals/${festivalSlug}`)).body);

    for (const who of [undefined, 'O01']) {
      const standings = await get(`/api/competitions/${slug}/standings`, who);
      expect(standings.status).toBe(200);
      expect((standings.body.rows as unknown[]).length).toBeGreaterThan(0);
      conforms(StandingsResponse, standings.body);
      const teams = await get(`/api/competitions/${slug}/teams`, who);
      if (teams.status === 200) conforms(TeamsResponse, teams.body);
      else expect(teams.body.error).toBe('teams/none');
    }
    const advancement = await get(`/api/competitions/${slug}/advancement`, 'O01');
    expect(advancement.status).toBe(200);
    conforms(AdvancementPreview, advancement.body);
  });

  it('every competition of the festival file: columns with awards and carry, team rankings', async () => {
    server = await startTestServer(undefined, 'fixtures/festival-2025/festival.json');
    let teams = 0;
    for (const c of server.festival.competitions) {
      const path = `/api/competitions/${c.competition.slug}`;
      conforms(StandingsResponse, (await get(`${path}/standings`)).body);
      const answer = await get(`${path}/teams`);
      if (answer.status !== 200) continue;
      conforms(TeamsResponse, answer.body);
      teams++;
    }
    expect(teams).toBeGreaterThan(0);
  });

  it('officials and their login codes, the marks log, re-scores, judge monitoring, the scheme', async () => {
    server = await startTestServer();
    await markSome();
    const own = `/api/competitions/${slug}`;
    conforms(Me, (await get('/api/me', 'H01')).body);
    conforms(OfficialsResponse, (await get(`${own}/officials`, 'O01')).body);
    conforms(CardsResponse, (await get(`${own}/officials/cards`, 'O01')).body);
    const judge = server.fixture.officials.find((o) => o.role === 'judge')!;
    const created = await send('POST', '/officials', {
      code: 'J99',
      name: '新裁判',
      role: 'judge',
      sheets: judge.sheets,
    });
    expect(created.status).toBe(201);
    conforms(OfficialCreated, created.body);
    const edited = await send('PATCH', '/officials/J99', { name: '新裁判乙' });
    expect(edited.status).toBe(200);
    conforms(OfficialEdited, edited.body);
    for (const action of ['rotate', 'revoke']) {
      const changed = await send('POST', `/officials/J99/${action}`, {});
      expect(changed.status).toBe(200);
      conforms(CredentialAnswer, changed.body);
    }

    const marks = await get(`${own}/marks`, 'H01');
    expect((marks.body.marks as unknown[]).length).toBeGreaterThan(0);
    conforms(MarksResponse, marks.body);
    const contestantId = (marks.body.marks as { contestantId: number }[])[0]!.contestantId;
    const asked = await send(
      'POST',
      '/rescore',
      { contestantId, sheetId: judge.sheets[0], reason: '请复核' },
      'H01',
    );
    expect(asked.status).toBe(200);
    const rescores = await get(`${own}/rescores`, 'H01');
    expect((rescores.body.requests as unknown[]).length).toBe(1);
    conforms(RescoresResponse, rescores.body);
    const stats = await get(`${own}/judge-stats`, 'H01');
    expect((stats.body.judges as unknown[]).length).toBeGreaterThan(0);
    conforms(JudgeStatsResponse, stats.body);
    conforms(SchemeResponse, (await get(`${own}/scheme`, 'H01')).body);
    const settings = await send('PATCH', '', { venue: '高新区职业技能实训基地' });
    expect(settings.status).toBe(200);
    conforms(SettingsAnswer, settings.body);
  });

  it('a competition and a festival created from their files', async () => {
    server = await startTestServer();
    const exported = await get(`/api/competitions/${slug}/export.json`, 'O01');
    expect(exported.status).toBe(200);
    conforms(CompetitionExport, exported.body);
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token('O01')}` },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const competition = await post('/api/competitions?slug=gaoxin-copy', exported.body);
    expect(competition.status).toBe(201);
    conforms(CompetitionCreated, competition.body);
    const file: unknown = JSON.parse(readFileSync('fixtures/festival-2025/festival.json', 'utf8'));
    const festival = await post('/api/festivals', file);
    expect(festival.status).toBe(201);
    conforms(FestivalCreated, festival.body);
  });

  it('a contestant list and a score file, read and stored', async () => {
    server = await startTestServer();
    const upload = async (path: string, type: string, body: string) => {
      const r = await fetch(`${server.url}/api/competitions/${slug}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${token('O01')}` },
        body,
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    // The list first: once marks exist, the field is fixed (import/marks_exist).
    const list = '号码,姓名,单位\n101,张一,甲公司\n102,李二,乙公司\n';
    const dry = await upload('/contestants/import?dryRun=1', 'text/csv', list);
    expect(dry.status).toBe(200);
    expect((dry.body.rows as unknown[]).length).toBe(2);
    conforms(ContestantImportAnswer, dry.body);
    const scores = 'bib,score\n' + '1,88.5\n2,91\n';
    for (const query of ['?dryRun=1', '']) {
      const answer = await upload(`/imports/theory-score${query}`, 'text/csv', scores);
      expect(answer.status).toBe(200);
      expect((answer.body.lines as unknown[]).length).toBe(2);
      conforms(ScoreImportAnswer, answer.body);
    }
  });

  it('course answers and the open lines of a refused lock', async () => {
    server = await startTestServer();
    await markSome();
    const stations = server.fixture.scheme.modules.flatMap((m) => m.stations.map((s) => s.id));

    const refused = await course({ action: 'station.lock', stationId: stations[0] });
    expect(refused.status).toBe(409);
    const { error, params, message, ...detail } = refused.body;
    expect(error).toBe('course/open_lines');
    expect([typeof message, typeof params]).toEqual(['string', 'object']);
    expect((detail.lines as unknown[]).length).toBeGreaterThan(0);
    conforms(OpenLinesRefusal, detail);

    conforms(CourseAnswer, (await course({ action: 'competition.freeze' })).body);
    for (const stationId of stations) {
      const locked = await course({ action: 'station.lock', stationId, reason: '核对无误' });
      expect(locked.status).toBe(200);
      conforms(CourseAnswer, locked.body);
    }
    const published = await course({ action: 'competition.publish' });
    expect(published.status).toBe(200);
    expect(published.body.provisional).toBeGreaterThan(0);
    expect((published.body.reasons as unknown[]).length).toBeGreaterThan(0);
    conforms(CourseAnswer, published.body);
  });
});
