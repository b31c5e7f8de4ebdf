import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSetting } from '../../../db/repositories/settings.ts';
import {
  ensureOrganiserPassword,
  forgetUnshownPassword,
  verifyOrganiserPassword,
} from '../../services/password.ts';
import { startTestServer } from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const login = (password: string) =>
  fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'gaoxin-2024', password }),
  });

describe('organiser password and sessions', () => {
  it('generates a password once, stores only its scrypt hash, and never again', async () => {
    const first = await ensureOrganiserPassword(server.app.store);
    expect(first).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(await ensureOrganiserPassword(server.app.store)).toBeNull();
    expect(await verifyOrganiserPassword(server.app.store, first!)).toBe(true);
    expect(await verifyOrganiserPassword(server.app.store, first + 'x')).toBe(false);
    const stored = await getSetting(server.app.store, 'organiserPassword');
    expect(stored).toMatch(/"hash"/);
    expect(stored).not.toContain(first!);
  });

  it('two starts at once on an empty database: exactly one prints a password, and it is the one that opens the console', async () => {
    const store = server.app.store;
    const printed = (
      await Promise.all([ensureOrganiserPassword(store), ensureOrganiserPassword(store)])
    ).filter((p) => p !== null);
    expect(printed).toHaveLength(1);
    expect(await verifyOrganiserPassword(store, printed[0]!)).toBe(true);
  });

  it('a start that failed before its banner forgets only the password it generated itself', async () => {
    const store = server.app.store;
    const shown = (await ensureOrganiserPassword(store))!;
    // Another instance's failed start generated nothing that is stored: it forgets nothing.
    await forgetUnshownPassword(store, 'never-stored-password');
    expect(await verifyOrganiserPassword(store, shown)).toBe(true);
    await forgetUnshownPassword(store, shown);
    expect(await verifyOrganiserPassword(store, shown)).toBe(false);
    expect(await ensureOrganiserPassword(store)).not.toBeNull();
  });

  it('logs in with the password, acts as the organiser, expires on logout, and refuses a wrong password', async () => {
    await ensureOrganiserPassword(server.app.store, 'venue-password-2024');
    expect((await login('wrong-password')).status).toBe(401);
    const { token, expiresAt } = (await (await login('venue-password-2024')).json()) as {
      token: string;
      expiresAt: string;
    };
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
    const auth = { authorization: `Bearer ${token}` };
    expect(
      (await fetch(`${server.url}/api/competitions/gaoxin-2024/officials`, { headers: auth }))
        .status,
    ).toBe(200);
    await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: auth });
    expect(
      (await fetch(`${server.url}/api/competitions/gaoxin-2024/officials`, { headers: auth }))
        .status,
    ).toBe(401);
  });

  it('rejects expired sessions', async () => {
    await ensureOrganiserPassword(server.app.store, 'venue-password-2024');
    const { token } = (await (await login('venue-password-2024')).json()) as { token: string };
    const { db, t } = server.app.store;
    await db.update(t.sessions).set({ expiresAt: '2000-01-01T00:00:00.000Z' });
    expect(
      (
        await fetch(`${server.url}/api/competitions/gaoxin-2024/officials`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(401);
  });

  it('rate-limits password guessing', async () => {
    await ensureOrganiserPassword(server.app.store, 'venue-password-2024');
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await login(`guess-${i}`)).status);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes[11]).toBe(429);
  });

  it('answers a code in a form no code has as a wrong code, and a body with no login as missing one', async () => {
    const post = async (body: unknown) => {
      const r = await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return [r.status, ((await r.json()) as { error: string }).error];
    };
    expect(await post({ code: 'X' })).toEqual([401, 'auth/unknown_code']);
    expect(await post({ code: 'ZZZZZ-ZZZZZ' })).toEqual([401, 'auth/unknown_code']);
    expect(await post({ code: 7 })).toEqual([400, 'request/invalid']);
    expect(await post({})).toEqual([400, 'request/invalid']);
  });

  it('answers a burst beyond the route’s limit with the rate/limited code, its words and Retry-After', async () => {
    // Bodies the route refuses still count: a flood of anything is limited.
    let answer: Response | undefined;
    for (let i = 0; i < 40 && answer?.status !== 429; i++)
      answer = await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answer!.json()).toEqual({
      error: 'rate/limited',
      params: {},
      message: '请求过于频繁，请稍后再试',
    });
  });
});

describe('the console API is for staff only', () => {
  it('refuses a judge token and the public on every staff endpoint', async () => {
    const judge = server.fixture.officials.find((o) => o.code === 'J02')!.token;
    const base = `${server.url}/api/competitions/gaoxin-2024`;
    const endpoints: [string, string][] = [
      ['GET', `${base}/officials`],
      ['GET', `${base}/marks`],
      ['GET', `${base}/judge-stats`],
      ['GET', `${base}/audit`],
      ['GET', `${base}/audit.csv`],
      ['GET', `${server.url}/api/backup`],
      ['POST', `${base}/course`],
      ['POST', `${base}/draw`],
      ['POST', `${base}/reruns`],
      ['POST', `${base}/marks/1/void`],
      ['POST', `${base}/officials/J03/revoke`],
    ];
    for (const [method, url] of endpoints) {
      const body = method === 'POST' ? '{}' : undefined;
      const headers = { 'content-type': 'application/json' };
      const asJudge = await fetch(url, {
        method,
        body,
        headers: { ...headers, authorization: `Bearer ${judge}` },
      });
      const asPublic = await fetch(url, { method, body, headers });
      expect([url, asJudge.status === 403 || asJudge.status === 401]).toEqual([url, true]);
      expect([url, asPublic.status]).toEqual([url, 401]);
    }
  });
});

describe('who am I, the scheme, and revoking a staff board', () => {
  it('answers /api/me and the scheme for staff, and closes a revoked head judge’s board at once', async () => {
    const token = (code: string) => server.fixture.officials.find((o) => o.code === code)!.token;
    const me = await (
      await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token('H01')}` } })
    ).json();
    expect(me).toMatchObject({ code: 'H01', role: 'head-judge', competition: 'gaoxin-2024' });
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401);
    const scheme = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/scheme`, {
        headers: { authorization: `Bearer ${token('H01')}` },
      })
    ).json()) as { scheme: { id: string } };
    expect(scheme.scheme.id).toBe('rider-2024');
    const { connectBoard } = await import('../../test-support.ts');
    const board = connectBoard(server.ws, 'gaoxin-2024');
    await board.next((m) => m.type === 'board.snapshot');
    board.send({ type: 'board.hello', token: token('H01') });
    expect(
      await board.next(
        (m) => m.type === 'board.snapshot' && (m as { staff?: boolean }).staff === true,
        5000,
        1,
      ),
    ).toBeTruthy();
    await fetch(`${server.url}/api/competitions/gaoxin-2024/officials/H01/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token('O01')}` },
      body: '{}',
    });
    expect((await board.closed).code).toBe(4001);
  });
});
