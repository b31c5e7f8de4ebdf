import type { StandingsResponse } from '#protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, tokenOf } from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const url = () => `${server.url}/api/competitions/gaoxin-2024/imports/theory-score`;
const post = (body: string, token?: string, query = '') =>
  fetch(url() + query, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
const theoryOf = async (bib: string) => {
  const s = (await (
    await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
  ).json()) as StandingsResponse;
  return s.rows.find((r) => r.bib === bib)!.modules.theory;
};
const markCount = () =>
  (server.app.db.$client.prepare('select count(*) as n from marks').get() as { n: number }).n;

describe('theory exam import (CSV of bib, score)', () => {
  it('refuses the public and judges, accepts the organiser', async () => {
    expect((await post('1,80')).status).toBe(401);
    expect((await post('1,80', tokenOf(server.fixture, 'J02'))).status).toBe(403);
    expect((await post('1,80', tokenOf(server.fixture, 'O01'))).status).toBe(200);
  });

  it('imports a file with a BOM and a header, and a second import of the same file stores nothing', async () => {
    const organiser = tokenOf(server.fixture, 'O01');
    const csv = '\uFEFF号码,成绩\r\n1,85.5\r\n2,９２\r\n3,60\r\n';
    const first = await (await post(csv, organiser)).json();
    expect(first).toEqual({ dryRun: false, rows: 3, imported: 3, unchanged: 0, errors: [] });
    expect(await theoryOf('2')).toBe('92.00');
    expect(markCount()).toBe(3);
    const again = await (await post(csv, organiser)).json();
    expect(again).toMatchObject({ imported: 0, unchanged: 3 });
    expect(markCount()).toBe(3);
    // A corrected score supersedes, and changing it back is a new entry too.
    expect(await (await post('2,90', organiser)).json()).toMatchObject({ imported: 1 });
    expect(await (await post('2,92', organiser)).json()).toMatchObject({ imported: 1 });
    expect(await theoryOf('2')).toBe('92.00');
    const log = server.app.db.$client
      .prepare('select reason from marks where reason is not null')
      .all();
    expect(log).toEqual([{ reason: '重新导入' }, { reason: '重新导入' }]);
  });

  it('reports every bad row with its line and writes nothing', async () => {
    const organiser = tokenOf(server.fixture, 'O01');
    const res = await post('bib,score\n1,85.25\n999,80\n3,101\n3,70\n4,abc\n5,88', organiser);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { line: number; message: string }[] };
    expect(body.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(body.errors[0]!.message).toContain('步长');
    expect(body.errors[1]!.message).toContain('999');
    expect(markCount()).toBe(0);
    const dry = await (await post('1,80\n2,81', organiser, '?dryRun=1')).json();
    expect(dry).toMatchObject({ dryRun: true, rows: 2, imported: 0 });
    expect(markCount()).toBe(0);
  });

  it('refuses a criterion that is not imported', async () => {
    const r = await fetch(`${server.url}/api/competitions/gaoxin-2024/imports/packaging-quality`, {
      method: 'POST',
      headers: {
        'content-type': 'text/csv',
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
      },
      body: '1,2',
    });
    expect(r.status).toBe(400);
  });
});
