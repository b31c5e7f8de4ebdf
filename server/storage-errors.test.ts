import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectJudge, startTestServer, submitMark, tokenOf } from './test-support.ts';

/**
 * Clear errors everywhere (issue "Hardening", 6): when the disk is full every write path says
 * so with a retryable 503 and changes nothing, as marks already did. The full disk is real
 * SQLite: `max_page_count` pinned to the pages in use, so the next page cannot be had.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});
const sqlite = () => server.app.store.db.$client;
const diskFull = () => {
  const pages = sqlite().pragma('page_count', { simple: true }) as number;
  sqlite().pragma(`max_page_count = ${pages}`);
};
const diskFree = () => sqlite().pragma('max_page_count = 1073741823');
const readOnly = (on: boolean) => sqlite().pragma(`query_only = ${on ? 1 : 0}`);
const post = (path: string, body: unknown, code: string) =>
  fetch(`${server.url}/api/competitions/gaoxin-2024${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokenOf(server.fixture, code)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });

describe('a full disk or a read-only database', () => {
  it('gives course actions, officials and re-score requests a clear retryable 503, and changes nothing', async () => {
    // Fill the last free pages, so that the next write needs a page the disk does not have.
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    diskFull();
    for (let i = 0; i < 35; i++) {
      const r = await submitMark(judge, {
        contestantId: judge.welcome.contestants[i]!.id,
        sheetId: 's-bend',
        values: { 's-bend-faults': { 'cone-touched': 1 } },
        reason: '补记',
      });
      if (r.type === 'mark.reject') {
        expect(r.code).toBe('server/commit_failed');
        break;
      }
    }
    const before = await (await fetch(`${server.url}/api/competitions`)).text();
    const refused = async (r: Response, what: string) => {
      expect(r.status, what).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(await r.json()).toMatchObject({
        error: 'server/storage_unavailable',
        retryable: true,
        message: expect.stringContaining('未做任何更改'),
      });
    };
    await refused(await post('/course', { action: 'competition.freeze' }, 'O01'), 'freeze');
    diskFree();
    // A database that went read-only (a remounted disk): every write path says the same.
    readOnly(true);
    for (const [path, body, who] of [
      ['/course', { action: 'competition.freeze' }, 'O01'],
      ['/course', { action: 'station.lock', stationId: 'theory-exam', reason: '缺考' }, 'H01'],
      ['/officials', { code: 'J99', name: '新裁判', role: 'judge', sheets: [] }, 'O01'],
      [
        '/rescore',
        { contestantId: judge.welcome.contestants[0]!.id, sheetId: 's-bend', reason: '复核一下' },
        'H01',
      ],
    ] as const) {
      await refused(await post(path, body, who), `${path} ${JSON.stringify(body)}`);
    }
    expect(await (await fetch(`${server.url}/api/competitions`)).text()).toBe(before);
    readOnly(false);
    expect((await post('/course', { action: 'competition.freeze' }, 'O01')).status).toBe(200);
    judge.close();
  });
});
