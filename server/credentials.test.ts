import Database from 'better-sqlite3';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken, normaliseShortCode, shortCodeOf } from '../db/repositories/competitions.ts';
import { startBanner } from './banner.ts';
import { CloseCode } from './protocol/constants.ts';
import { SECRET_FILE } from './services/custody.ts';
import { LOGIN_FAILURES_PER_MINUTE } from './services/flood-guard.ts';
import { ensureOrganiserPassword } from './services/password.ts';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
} from './test-support.ts';

/**
 * Login custody (server/services/custody.ts): cards print again without rotating anyone,
 * rotation is per official and counts the tablets it logs out, and what the database alone
 * holds gives away no token and no short code. Real server, real SQLite file, real sockets.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>;
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir?: string, fixture?: string): Promise<Server> {
  const s = await startTestServer(dataDir, fixture);
  servers.push(s);
  return s;
}
const slug = 'gaoxin-2024';

interface Card {
  code: string;
  role: string;
  status: 'printable' | 'revoked' | 'unrecoverable';
  token: string | null;
  shortCode: string | null;
  loginPath: string | null;
  consolePath: string | null;
}

function client(server: Server) {
  const token = (code: string) => tokenOf(server.fixture, code);
  const call = async (path: string, bearer: string | null, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: body as Record<string, unknown> };
  };
  return {
    token,
    call,
    cards: async (bearer = token('O01')) => {
      const r = await call(`/api/competitions/${slug}/officials/cards`, bearer);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      return (r.body as unknown as { cards: Card[] }).cards;
    },
    rotate: async (code: string) =>
      (
        await call(`/api/competitions/${slug}/officials/${code}/rotate`, token('O01'), {
          method: 'POST',
          body: '{"reason":"登录卡丢失"}',
        })
      ).body as unknown as { token: string; shortCode: string; loggedOut: number },
    codeLogin: (code: string) =>
      call('/api/session', null, { method: 'POST', body: JSON.stringify({ code }) }),
    passwordLogin: (password: string) =>
      call('/api/session', null, { method: 'POST', body: JSON.stringify({ slug, password }) }),
  };
}

describe('printing login cards', () => {
  it('gives the same codes twice and logs no tablet out: a connected judge goes on scoring', async () => {
    const server = await start();
    const c = client(server);
    const judge = await connectJudge(server.ws, c.token('J02'));
    expect(judge.welcome.type).toBe('judge.welcome');
    const first = await c.cards();
    const second = await c.cards();
    expect(second).toEqual(first);
    // The file's own tokens: the cards carry what the tablets already use.
    for (const o of server.fixture.officials) {
      const card = first.find((x) => x.code === o.code)!;
      expect(card).toMatchObject({
        status: 'printable',
        token: o.token,
        shortCode: shortCodeOf(o.token),
        loginPath: `/judge-tablet/#token=${o.token}`,
        consolePath: o.role === 'judge' ? null : `/console/#token=${o.token}`,
      });
    }
    expect(judge.ws.readyState).toBe(judge.ws.OPEN);
    const ack = await submitMark(judge, {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': { 'cone-touched': 1 } },
    });
    expect(ack.type).toBe('mark.ack');
    // Only the organiser prints, and every print is in the audit log.
    expect((await c.call(`/api/competitions/${slug}/officials/cards`, c.token('H01'))).status).toBe(
      403,
    );
    const audit = (await c.call(`/api/competitions/${slug}/audit`, c.token('H01')))
      .body as unknown as { entries: { action: string }[] };
    expect(audit.entries.filter((e) => e.action === 'official.cards')).toHaveLength(2);
    judge.close();
  });

  it('rotating one official changes only his code, closes only his sockets and answers how many', async () => {
    const server = await start();
    const c = client(server);
    const before = await c.cards();
    const lost = [
      await connectJudge(server.ws, c.token('J02')),
      await connectJudge(server.ws, c.token('J02')),
    ];
    const other = await connectJudge(server.ws, c.token('J03'));
    // A third way in for J02: a session from his short code.
    const session = await c.codeLogin(shortCodeOf(c.token('J02')));
    expect(session.status).toBe(200);
    const sessionToken = session.body.token as string;
    expect((await c.call('/api/me', sessionToken)).status).toBe(200);

    const rotated = await c.rotate('J02');
    expect(rotated.loggedOut).toBe(2);
    for (const s of lost)
      expect(await s.closed).toEqual({ code: CloseCode.authFailed, reason: 'token revoked' });
    expect(other.ws.readyState).toBe(other.ws.OPEN);
    const ack = await submitMark(other, {
      contestantId: other.welcome.contestants[0]!.id,
      sheetId: 'bridge',
      values: { 'bridge-faults': {}, 'bridge-fell': false },
    });
    expect(ack.type).toBe('mark.ack');

    const after = await c.cards();
    for (const card of after)
      if (card.code === 'J02')
        expect(card).toMatchObject({ token: rotated.token, shortCode: rotated.shortCode });
      else expect(card).toEqual(before.find((b) => b.code === card.code));
    // The old token, its short code and the session it opened are dead; the new ones work.
    expect((await connectJudge(server.ws, c.token('J02'))).welcome.type).toBe('error');
    expect((await c.call('/api/me', sessionToken)).status).toBe(401);
    expect((await c.codeLogin(shortCodeOf(c.token('J02')))).status).toBe(401);
    expect((await c.codeLogin(rotated.shortCode)).status).toBe(200);
    expect((await connectJudge(server.ws, rotated.token)).welcome.type).toBe('judge.welcome');
    const audit = (await c.call(`/api/competitions/${slug}/audit`, c.token('H01')))
      .body as unknown as { entries: { action: string; detailJson: string; reason: string }[] };
    const entry = audit.entries.find((e) => e.action === 'official.rotate')!;
    expect(JSON.parse(entry.detailJson)).toEqual({ code: 'J02', loggedOut: 2 });
    expect(entry.reason).toBe('登录卡丢失');
    other.close();
  });
});

describe('what the database alone holds', () => {
  it('a stolen database file contains no token, no short code and no plain hash of a short code', async () => {
    const server = await start();
    const c = client(server);
    const created = (
      await c.call(`/api/competitions/${slug}/officials`, c.token('O01'), {
        method: 'POST',
        body: JSON.stringify({ code: 'J11', name: '韩立新', role: 'judge', sheets: ['bridge'] }),
      })
    ).body as unknown as { token: string };
    expect(created.token).toMatch(/^[0-9a-f]{32}$/);
    const rotated = await c.rotate('J03');
    const session = (await c.codeLogin(rotated.shortCode)).body.token as string;
    await ensureOrganiserPassword(server.app.store, 'venue-password-2024');
    const pwSession = (await c.passwordLogin('venue-password-2024')).body.token as string;
    const tokens = [...server.fixture.officials.map((o) => o.token), created.token, rotated.token];
    const secrets = [
      ...tokens,
      ...tokens.map(shortCodeOf),
      ...tokens.map((t) => shortCodeOf(t).replace('-', '')),
      // A 50-bit code under a plain hash falls to an offline search: none may be stored.
      ...tokens.map((t) => hashToken(shortCodeOf(t))),
      ...tokens.map((t) => hashToken(normaliseShortCode(shortCodeOf(t))!)),
      session,
      pwSession,
      'venue-password-2024',
    ];
    await server.close(false);
    dirs.push(server.dataDir);

    const db = new Database(join(server.dataDir, 'jiangxing.db'), { readonly: true });
    const tables = (
      db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    let cells = 0;
    for (const table of tables)
      for (const row of db.prepare(`select * from "${table}"`).all() as Record<string, unknown>[])
        for (const [column, value] of Object.entries(row)) {
          const text = String(value).toLowerCase();
          cells++;
          for (const s of secrets)
            expect(text.includes(s.toLowerCase()), `${table}.${column} holds ${s}`).toBe(false);
        }
    expect(cells).toBeGreaterThan(400);
    // Every official's token is kept sealed, so his card prints again.
    const unsealed = db.prepare('select code from officials where token_sealed is null').all() as {
      code: string;
    }[];
    expect(unsealed).toEqual([]);
    db.close();
    // And nothing of them in the file's bytes (free pages, the WAL) either.
    for (const f of readdirSync(server.dataDir).filter((n) => n.startsWith('jiangxing.db'))) {
      const bytes = readFileSync(join(server.dataDir, f)).toString('latin1').toLowerCase();
      for (const s of secrets)
        expect(bytes.includes(s.toLowerCase()), `${f} holds ${s}`).toBe(false);
    }
  });

  it('the secret file is mode 0600 and not in the backup; a backup restored without it still logs in, and prints cards only by rotating', async () => {
    const server = await start();
    const c = client(server);
    const secretFile = join(server.dataDir, SECRET_FILE);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile);
    expect(secret).toHaveLength(32);
    const res = await fetch(`${server.url}/api/backup`, {
      headers: { authorization: `Bearer ${c.token('O01')}` },
    });
    expect(res.status).toBe(200);
    const backup = Buffer.from(await res.arrayBuffer());
    for (const form of [
      secret,
      Buffer.from(secret.toString('hex')),
      Buffer.from(secret.toString('base64')),
    ])
      expect(backup.includes(form)).toBe(false);

    // Restored elsewhere, without the secret: a new one is made; nothing sealed opens.
    const elsewhere = mkdtempSync(join(tmpdir(), 'jx-restored-'));
    writeFileSync(join(elsewhere, 'jiangxing.db'), new Uint8Array(backup));
    const restored = await start(elsewhere);
    const r = client(restored);
    expect(readFileSync(join(elsewhere, SECRET_FILE)).equals(secret)).toBe(false);
    const cards = await r.cards();
    expect(cards.every((x) => x.status === 'unrecoverable' && x.token === null)).toBe(true);
    // Full tokens are looked up by their hash: the tablets' QR links still work.
    expect((await connectJudge(restored.ws, r.token('J04'))).welcome.type).toBe('judge.welcome');
    const banner = await startBanner({
      store: restored.app.store,
      custody: restored.app.custody,
      base: restored.url,
      addresses: [],
      dataDir: elsewhere,
      password: { kind: 'kept' },
    });
    expect(banner).toContain('server-secret.key');
    expect(banner).not.toContain(r.token('J04'));
    // Rotating prints a card again.
    const renewed = await r.rotate('J04');
    expect((await r.cards()).find((x) => x.code === 'J04')).toMatchObject({
      status: 'printable',
      token: renewed.token,
    });
    await restored.close(false);
    servers.splice(servers.indexOf(restored), 1);
    // With the original secret put back, the others print again too.
    copyFileSync(secretFile, join(elsewhere, SECRET_FILE));
    const back = await start(elsewhere);
    const again = await client(back).cards();
    expect(again.find((x) => x.code === 'J05')).toMatchObject({ token: r.token('J05') });
  });

  it('a database made before sealing keeps working: tokens and short codes log in, cards print only by rotating, and the console is told', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-legacy-'));
    dirs.push(dataDir);
    // Today's database, taken back to the schema and rows of the code before sealing.
    const made = await start(dataDir);
    const fixture = made.fixture;
    await made.close(false);
    servers.splice(servers.indexOf(made), 1);
    const raw = new Database(join(dataDir, 'jiangxing.db'));
    const setLegacy = raw.prepare('update officials set short_code_hash = ? where token_hash = ?');
    for (const o of fixture.officials)
      setLegacy.run(hashToken(shortCodeOf(o.token)), hashToken(o.token));
    raw.exec('alter table officials drop column token_sealed');
    raw.exec('alter table sessions drop column credential_hash');
    raw.exec(
      'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)',
    );
    raw.close();
    rmSync(join(dataDir, SECRET_FILE));

    const server = await start(dataDir);
    const c = client(server);
    const cards = await c.cards();
    expect(cards.map((x) => x.status)).toEqual(cards.map(() => 'unrecoverable'));
    const list = (await c.call(`/api/competitions/${slug}/officials`, c.token('O01')))
      .body as unknown as {
      officials: { code: string; printable: boolean }[];
    };
    expect(list.officials.every((o) => !o.printable)).toBe(true);
    // The file's tokens and the old short codes still sign in.
    expect((await connectJudge(server.ws, c.token('J06'))).welcome.type).toBe('judge.welcome');
    expect((await connectJudge(server.ws, shortCodeOf(c.token('J07')))).welcome.type).toBe(
      'judge.welcome',
    );
    expect((await c.codeLogin(shortCodeOf(c.token('H01')))).body).toMatchObject({
      role: 'head-judge',
    });
    // Rotation is the way to a card; the rest stay as they were.
    const renewed = await c.rotate('J06');
    const after = await c.cards();
    expect(after.find((x) => x.code === 'J06')).toMatchObject({
      status: 'printable',
      token: renewed.token,
    });
    expect(after.filter((x) => x.status === 'printable')).toHaveLength(1);
    // The start still lists the file's staff logins (their hashes match the file).
    const banner = await startBanner({
      store: server.app.store,
      custody: server.app.custody,
      base: 'http://192.0.2.7:3000',
      addresses: [],
      dataDir,
      file: server.festival,
      password: { kind: 'kept' },
    });
    expect(banner).toContain(`http://192.0.2.7:3000/console/#token=${c.token('H01')}`);
    expect(banner).toContain(`http://192.0.2.7:3000/judge-tablet/#token=${renewed.token}`);
  });
});

describe('one login endpoint for short codes', () => {
  it('refuses a short code as Bearer anywhere, and exchanges it for a session at POST /api/session', async () => {
    const server = await start();
    const c = client(server);
    const short = shortCodeOf(c.token('H01'));
    for (const bearer of [short, short.toLowerCase(), short.replace('-', '')]) {
      expect((await c.call('/api/me', bearer)).status).toBe(401);
      expect((await c.call(`/api/competitions/${slug}/audit.csv`, bearer)).status).toBe(401);
    }
    const board = connectBoard(server.ws, slug);
    await board.opened();
    board.send({ type: 'board.hello', token: short });
    expect((await board.closed).code).toBe(CloseCode.authFailed);

    // Typed as people type: lower case, a space for the dash, O for 0 and l for 1.
    const typed = short.toLowerCase().replace('-', ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    const login = await c.codeLogin(typed);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ role: 'head-judge', code: 'H01', competition: slug });
    const session = login.body.token as string;
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    expect((await c.call('/api/me', session)).body).toMatchObject({ code: 'H01' });
    expect((await c.call(`/api/competitions/${slug}/audit.csv`, session)).status).toBe(200);
    expect((await c.codeLogin('ABCDE-FGHJK')).status).toBe(401);
  });

  it('failed logins on the socket hello, the password and the short code share one budget per address', async () => {
    const server = await start();
    const c = client(server);
    await ensureOrganiserPassword(server.app.store, 'venue-password-2024');
    const n = LOGIN_FAILURES_PER_MINUTE;
    const kinds = ['hello', 'password', 'code'] as const;
    for (let i = 0; i < n; i++) {
      const kind = kinds[i % 3]!;
      if (kind === 'hello')
        expect((await connectJudge(server.ws, `${'0'.repeat(31)}${i % 10}`)).welcome).toMatchObject(
          {
            code: 'auth/unknown_token',
          },
        );
      else if (kind === 'password') expect((await c.passwordLogin(`guess-${i}`)).status).toBe(401);
      else expect((await c.codeLogin(`ZZZZZ-ZZZ${i % 10}Z`)).status).toBe(401);
    }
    // Past the budget, every way in is throttled for that address, right answers included.
    expect((await c.codeLogin(shortCodeOf(c.token('J02')))).status).toBe(429);
    expect((await c.passwordLogin('venue-password-2024')).status).toBe(429);
    expect((await connectJudge(server.ws, c.token('J02'))).welcome).toMatchObject({
      code: 'auth/rate_limited',
    });
  });
});

describe('the start banner', () => {
  it('lists every competition’s organiser and head-judge console links and the judges’ tablet links', async () => {
    const file = join(import.meta.dirname, '../fixtures/festival-2025/festival.json');
    const server = await start(undefined, file);
    const banner = await startBanner({
      store: server.app.store,
      custody: server.app.custody,
      base: 'http://192.0.2.7:3000',
      addresses: [{ label: '本机', url: 'http://localhost:3000/scoreboard/' }],
      dataDir: server.dataDir,
      password: { kind: 'generated', password: 'pw-shown-once' },
    });
    expect(server.festival.competitions.length).toBeGreaterThan(1);
    for (const comp of server.festival.competitions) {
      expect(banner).toContain(`（${comp.competition.slug}）`);
      for (const o of comp.officials)
        expect(banner).toContain(
          o.role === 'judge'
            ? `${shortCodeOf(o.token)}  http://192.0.2.7:3000/judge-tablet/#token=${o.token}`
            : `http://192.0.2.7:3000/console/#token=${o.token}`,
        );
      expect(comp.officials.some((o) => o.role === 'organiser')).toBe(true);
    }
    expect(banner).toContain(`/scoreboard/?festival=${server.festival.festival.slug}`);
    // The password is the last line, where nothing scrolls it away.
    expect(banner.trimEnd().split('\n').at(-1)).toContain('pw-shown-once');
    // A revoked official is not listed.
    const first = server.festival.competitions[0]!;
    const judge = first.officials.find((o) => o.role === 'judge')!;
    const organiser = first.officials.find((o) => o.role === 'organiser')!;
    await fetch(
      `${server.url}/api/competitions/${first.competition.slug}/officials/${judge.code}/revoke`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${organiser.token}`, 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(
      await startBanner({
        store: server.app.store,
        custody: server.app.custody,
        base: 'http://192.0.2.7:3000',
        addresses: [],
        dataDir: server.dataDir,
        password: { kind: 'kept' },
      }),
    ).not.toContain(judge.token);
  });
});
