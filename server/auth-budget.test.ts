import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_PER_MINUTE, THROTTLED_CHECK_MS } from './services/flood-guard.ts';
import { startTestServer, tokenOf } from './test-support.ts';

/**
 * One failed-auth budget (issue "Hardening", 1 and 3): every path that accepts a credential
 * counts a wrong one against the address, identity is checked before the body is read, and a
 * throttled address gets no oracle (unchecked requests are refused alike) while a correct
 * credential still gets in at a bounded rate.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});
const wrong = 'f'.repeat(32);
const get = (path: string, token?: string) =>
  fetch(`${server.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('the failed-auth budget', () => {
  it('counts wrong Bearer tokens on staff and public paths alike, then refuses unchecked, then checks a correct one again', async () => {
    const paths = [
      '/api/competitions/gaoxin-2024/marks',
      '/api/competitions/gaoxin-2024/standings',
      '/api/competitions/gaoxin-2024/export.csv',
      '/api/festivals/gaoxin-2024',
    ];
    for (let i = 0; i < LOGIN_FAILURES_PER_MINUTE; i++) {
      const r = await get(paths[i % paths.length]!, wrong);
      // A wrong credential is an error, never a silent public view.
      expect(r.status, paths[i % paths.length]).toBe(401);
    }
    // Over budget: this check is still made (one per THROTTLED_CHECK_MS): a correct token passes.
    const organiser = tokenOf(server.fixture, 'O01');
    expect((await get(paths[0]!, organiser)).status).toBe(200);
    // Until the next slot, every credential is refused unchecked, the right one as the wrong.
    const right = await get(paths[0]!, organiser);
    const guess = await get(paths[0]!, wrong);
    expect([right.status, guess.status]).toEqual([429, 429]);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(THROTTLED_CHECK_MS / 1000);
    expect(await right.json()).toEqual(await guess.json());
    // Requests without a credential are the public's, not counted and not throttled.
    expect((await get(paths[1]!)).status).toBe(200);
  });

  it('refuses an anonymous upload before reading its body', async () => {
    // The answer is 401, not a JSON parse error: identity was checked before the body was read,
    // so an anonymous 60 MB upload costs the server nothing.
    for (const path of ['/api/competitions', '/api/festivals']) {
      const r = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"nested": [[[[[[' + 'x'.repeat(100_000),
      });
      expect(r.status, path).toBe(401);
    }
    expect((await get('/healthz')).status).toBe(200);
  });

  it('answers a judge asking for the audit log 403, like every staff endpoint', async () => {
    const r = await get('/api/competitions/gaoxin-2024/audit.csv', tokenOf(server.fixture, 'J02'));
    expect(r.status).toBe(403);
  });
});
