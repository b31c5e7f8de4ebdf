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
