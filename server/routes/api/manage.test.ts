import { listMarks } from '../../../db/repositories/marks.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectJudge, startTestServer, submitMark, tokenOf } from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const base = () => `${server.url}/api/competitions/gaoxin-2024`;
const call = (method: string, path: string, body: unknown, code = 'O01') =>
  fetch(base() + path, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokenOf(server.fixture, code)}`,
    },
    body: JSON.stringify(body),
  });

describe('competition settings', () => {
  it('edits title, venue, date and time zone with readable errors, for the organiser only', async () => {
    expect((await call('PATCH', '', { venue: '体育馆' }, 'H01')).status).toBe(403);
    expect((await call('PATCH', '', { date: '2024-13-40' })).status).toBe(400);
    const badTz = await call('PATCH', '', { timeZone: 'Mars/Olympus' });
    expect(badTz.status).toBe(400);
    expect(((await badTz.json()) as { message: string }).message).toContain('Mars/Olympus');
    const ok = await call('PATCH', '', {
      title: { zh: '2025年高新区骑手大赛', en: '2025 Gaoxin Rider Contest' },
      venue: '高新体育馆',
      date: '2025-05-01',
    });
    expect(ok.status).toBe(200);
    const list = (await (await fetch(`${server.url}/api/competitions`)).json()) as {
      competitions: { title: { zh: string }; venue: string; date: string }[];
    };
    expect(list.competitions[0]).toMatchObject({
      title: { zh: '2025年高新区骑手大赛' },
      venue: '高新体育馆',
      date: '2025-05-01',
    });
  });
});

describe('judges', () => {
  it('creates a judge with assigned sheets who can log in at once, and reassigns sheets', async () => {
    const bad = await call('POST', '/officials', {
      code: 'J11',
      name: '新裁判',
      role: 'judge',
      sheets: ['nope'],
    });
    expect(bad.status).toBe(400);
    expect(
      (await call('POST', '/officials', { code: 'J02', name: '重复', role: 'judge' })).status,
    ).toBe(409);
    const created = (await (
      await call('POST', '/officials', {
        code: 'J11',
        name: '新裁判',
        role: 'judge',
        sheets: ['bridge'],
      })
    ).json()) as {
      token: string;
      shortCode: string;
    };
    const judge = await connectJudge(server.ws, created.shortCode);
    expect(judge.welcome).toMatchObject({
      type: 'judge.welcome',
      judge: { code: 'J11', sheets: ['bridge'] },
    });
    const c = judge.welcome.contestants[0]!;
    expect(
      (
        await submitMark(judge, {
          contestantId: c.id,
          sheetId: 'bridge',
          values: { 'bridge-faults': {}, 'bridge-fell': false },
        })
      ).type,
    ).toBe('mark.ack');
    expect((await call('PATCH', '/officials/J11', { sheets: ['s-bend'] })).status).toBe(200);
    expect((await judge.closed).code).toBe(4009);
    const again = await connectJudge(server.ws, created.token);
    expect(again.welcome).toMatchObject({ judge: { sheets: ['s-bend'] } });
    expect(
      await submitMark(again, {
        contestantId: c.id,
        sheetId: 'bridge',
        values: { 'bridge-faults': {}, 'bridge-fell': false },
      }),
    ).toMatchObject({
      code: 'mark/not_assigned',
    });
    again.close();
  });
});

describe('full JSON export and re-import', () => {
  it('re-imports into a fresh server with identical standings, new tokens, and the log intact', async () => {
    const judges = await Promise.all(
      ['J02', 'J08', 'J09', 'J10'].map((c) => connectJudge(server.ws, tokenOf(server.fixture, c))),
    );
    const cs = judges[0]!.welcome.contestants;
    for (const [i, c] of cs.slice(0, 6).entries()) {
      await submitMark(judges[0]!, {
        contestantId: c.id,
        sheetId: 's-bend',
        values: { 's-bend-faults': { 'cone-touched': i % 3 } },
      });
      for (const [k, j] of judges.slice(1).entries())
        await submitMark(j, {
          contestantId: c.id,
          sheetId: 'packaging',
          values: { 'packaging-quality': String((i + k) % 4) },
        });
    }
    await submitMark(judges[0]!, {
      contestantId: cs[0]!.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': {} },
      reason: '复核更正',
    });
    await call(
      'POST',
      '/course',
      { action: 'station.lock', stationId: 'theory-exam', reason: '缺考选手不补考' },
      'H01',
    );
    judges.forEach((j) => j.close());
    const exported = await (
      await fetch(`${base()}/export.json`, {
        headers: { authorization: `Bearer ${tokenOf(server.fixture, 'O01')}` },
      })
    ).json();
    const before = await (await fetch(`${base()}/standings`)).json();

    const fresh = await startTestServer();
    try {
      const res = await fetch(`${fresh.url}/api/competitions?slug=gaoxin-copy`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokenOf(fresh.fixture, 'O01')}`,
        },
        body: JSON.stringify(exported),
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as {
        slug: string;
        logins: { code: string; token: string }[];
      };
      expect(created.logins.map((l) => l.code)).toContain('J02');
      const after = (await (
        await fetch(`${fresh.url}/api/competitions/gaoxin-copy/standings`)
      ).json()) as typeof before;
      // Same rows to the last digit (ids are the new database's own).
      const strip = (rows: { contestantId: number }[]) =>
        rows.map(({ contestantId: _, ...r }) => r);
      expect(strip(after.rows)).toEqual(strip(before.rows));
      expect(after.revision).toBe(before.revision);
      const log = (await listMarks(fresh.app.store, fresh.app.live.get('gaoxin-copy')!.id))
        .filter((m) => m.reason !== null)
        .map((m) => ({ reason: m.reason, supersedes_id: m.supersedesId }));
      expect(log).toEqual([{ reason: '复核更正', supersedes_id: expect.any(Number) }]);
      // The old tokens do not open the copy; the new ones do.
      const j02 = created.logins.find((l) => l.code === 'J02')!.token;
      const judge = await connectJudge(fresh.ws, j02);
      expect(judge.welcome).toMatchObject({
        type: 'judge.welcome',
        competition: { slug: 'gaoxin-copy' },
      });
      judge.close();
    } finally {
      await fresh.close();
    }
  });

  it('refuses a bad competition file with the JSON path of each problem, and a taken slug', async () => {
    const bad = {
      format: 'jiangxing-competition',
      version: 1,
      competition: { slug: 'new-one', title: { zh: '新比赛', en: 'New' }, date: '2025-01-01' },
      scheme: {
        schemaVersion: 1,
        id: 'x',
        label: { zh: 'x', en: 'x' },
        modules: [{ id: 'm', label: { zh: 'm', en: 'm' }, weight: 90, points: 10, stations: [] }],
      },
      contestants: [],
      officials: [],
    };
    const direct = await fetch(`${server.url}/api/competitions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
      },
      body: JSON.stringify(bad),
    });
    expect(direct.status).toBe(400);
    const msg = ((await direct.json()) as { message: string }).message;
    expect(msg).toContain('scheme.modules.0.stations');
    const taken = await fetch(`${server.url}/api/competitions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
      },
      body: JSON.stringify({
        ...bad,
        competition: { ...bad.competition, slug: 'gaoxin-2024' },
        scheme: server.fixture.scheme,
      }),
    });
    expect(taken.status).toBe(409);
  });
});

describe('a competition from the default fixture file', () => {
  it('creates a second competition from fixtures/gaoxin-2024/fixture.json with fresh tokens', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_FIXTURE } = await import('../../plugins/seed.ts');
    const file = JSON.parse(readFileSync(DEFAULT_FIXTURE, 'utf8')) as {
      officials: { token: string }[];
    };
    const res = await fetch(`${server.url}/api/competitions?slug=gaoxin-b`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
      },
      body: JSON.stringify(file),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { logins: { token: string }[] };
    expect(created.logins).toHaveLength(file.officials.length);
    expect(created.logins.map((l) => l.token)).not.toContain(file.officials[0]!.token);
    const s = (await (await fetch(`${server.url}/api/competitions/gaoxin-b/standings`)).json()) as {
      rows: unknown[];
    };
    expect(s.rows).toHaveLength(35);
  });
});
