import type { JudgeServerMessage, JudgeWelcome, MarkAck, MarkReject } from '#protocol';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { listContestants } from '../db/repositories/competitions.ts';
import { until } from '../e2e/support/wait.ts';
import { FESTIVAL_FILE, makeFestival } from '../fixtures/festival-2025/make-festival.ts';
import { PROTOCOL_VERSION } from './protocol/constants.ts';
import { LOGIN_FAILURES_PER_MINUTE } from './services/flood-guard.ts';
import {
  connectJudge,
  startTestServer,
  testDatabaseUrl,
  TestSocket,
  tokenOf,
} from './test-support.ts';

/**
 * What must hold when requests overlap. On SQLite each request ran to its end before another
 * began; on PostgreSQL every query is a wait, so a login check, a course change, a draw or a
 * second advancement can meet another one half-way (found by a review of the PostgreSQL port).
 * These run on both engines (the second time in vitest.pg.config.ts).
 */
const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
const start = async (...args: Parameters<typeof startTestServer>) => {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
};
const openSocket = async (ws: string) => {
  const s = new TestSocket<JudgeServerMessage>(`${ws}/ws/judge`);
  await s.opened();
  return s;
};

describe('requests that overlap', () => {
  it('a mark sent right behind the hello waits for it and is acknowledged', async () => {
    const s = await start();
    const c = s.fixture.contestants[0]!;
    const field = await listContestants(
      s.app.store,
      s.app.live.get(s.fixture.competition.slug)!.id,
    );
    const socket = await openSocket(s.ws);
    const clientId = randomUUID();
    socket.send({
      type: 'judge.hello',
      protocol: PROTOCOL_VERSION,
      token: tokenOf(s.fixture, 'J01'),
    });
    socket.send({
      type: 'mark.submit',
      clientId,
      contestantId: field.find((x) => x.bib === c.bib)!.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '80' },
      seen: null,
    });
    const answer = await socket.next<MarkAck | MarkReject>(
      (m) => (m.type === 'mark.ack' || m.type === 'mark.reject') && m.clientId === clientId,
    );
    expect(answer, JSON.stringify(answer)).toMatchObject({ type: 'mark.ack' });
    socket.close();
  });

  it('logins checked at once from one address cannot pass the failed-login budget together', async () => {
    const s = await start();
    const sockets = await Promise.all(Array.from({ length: 40 }, () => openSocket(s.ws)));
    for (const socket of sockets)
      socket.send({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token: 'f'.repeat(40) });
    const codes = await Promise.all(
      sockets.map(
        async (socket) => (await socket.next((m) => m.type === 'error')) as { code: string },
      ),
    );
    expect(codes.filter((m) => m.code === 'auth/unknown_token').length).toBeLessThanOrEqual(
      LOGIN_FAILURES_PER_MINUTE,
    );
    expect(codes.filter((m) => m.code === 'auth/rate_limited').length).toBeGreaterThanOrEqual(
      40 - LOGIN_FAILURES_PER_MINUTE,
    );
    sockets.forEach((socket) => socket.close());
  });

  it('no tablet stays logged in on a token replaced while its login was being checked', async () => {
    const s = await start();
    const slug = s.fixture.competition.slug;
    let token = tokenOf(s.fixture, 'J04');
    for (let round = 0; round < 6; round++) {
      const sockets = await Promise.all(Array.from({ length: 8 }, () => openSocket(s.ws)));
      const old = token;
      const rotating = fetch(`${s.url}/api/competitions/${slug}/officials/J04/rotate`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokenOf(s.fixture, 'O01')}`,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      for (const socket of sockets)
        socket.send({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token: old });
      token = ((await (await rotating).json()) as { token: string }).token;
      // Every socket is answered: refused, or let in and then logged out with the old token.
      await until(() =>
        sockets.every(
          (socket) =>
            socket.ws.readyState === socket.ws.CLOSED ||
            socket.received.some((m) => m.type === 'error'),
        ),
      );
      sockets.forEach((socket) => socket.close());
    }
  });

  it('two advancements at once: one moves the field on, the other is refused, not a server error', async () => {
    const festival = makeFestival();
    const s = await start(undefined, FESTIVAL_FILE);
    const slug = 'courier-prelim-2025';
    const organiser = festival.competitions
      .find((c) => c.competition.slug === slug)!
      .officials.find((o) => o.code === 'O01')!.token;
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${s.url}/api/competitions/${slug}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${organiser}` },
        body,
      });
    const lines = Array.from({ length: 50 }, (_, i) => `${i + 1},${51 + i}`).join('\n');
    for (const criterion of ['exam-score', 'safety-score'])
      expect((await post(`/imports/${criterion}`, lines, 'text/csv')).status).toBe(200);
    for (const stationId of ['exam-score-station', 'safety-score-station'])
      expect(
        (
          await post(
            '/course',
            JSON.stringify({ action: 'station.lock', stationId, reason: '缺考' }),
          )
        ).status,
      ).toBe(200);
    expect((await post('/course', JSON.stringify({ action: 'competition.publish' }))).status).toBe(
      200,
    );
    const statuses = (await Promise.all([post('/advance', '{}'), post('/advance', '{}')]))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([200, 409]);
  });

  it('a draw racing a contestant import draws the field that was imported', async () => {
    const s = await start();
    const auth = { authorization: `Bearer ${tokenOf(s.fixture, 'O01')}` };
    for (let round = 0; round < 3; round++) {
      const rows = Array.from({ length: 30 }, (_, i) => `${1000 * (round + 1) + i},选手${i},单位`);
      const [imported, drawn] = await Promise.all([
        fetch(`${s.url}/api/competitions/gaoxin-2024/contestants/import`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/csv' },
          body: `号码,姓名,单位\n${rows.join('\n')}\n`,
        }),
        fetch(`${s.url}/api/competitions/gaoxin-2024/draw`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{}',
        }),
      ]);
      expect(imported.status).toBe(200);
      expect(drawn.status).toBe(200);
      const field = await listContestants(s.app.store, s.app.live.get('gaoxin-2024')!.id);
      // The draw came second or first, but always on the field it answered with.
      expect(field.map((c) => c.drawOrder).sort((a, b) => a - b)).toEqual(
        field.map((_, i) => i + 1),
      );
      const order = ((await drawn.json()) as { order: { bib: string }[] }).order.map((o) => o.bib);
      const stored = new Set(field.map((c) => c.bib));
      const drewTheImport = order.every((bib) => stored.has(bib));
      if (drewTheImport)
        expect(order).toEqual(field.sort((a, b) => a.drawOrder - b.drawOrder).map((c) => c.bib));
    }
  });
});

describe.skipIf(!inject('pgUrl'))('two instances in one test (PostgreSQL)', () => {
  it('an instance without the first one’s server secret refuses to start, saying which file to copy; a lost secret is replaced on purpose', async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'jx-race-a-'));
    const url = (await testDatabaseUrl(dirA))!;
    const a = await start(dirA);
    const dirB = mkdtempSync(join(tmpdir(), 'jx-race-b-'));
    // Its own new secret: the codes it would write could not be checked by A, nor A's by it.
    const refused = (key: string) =>
      new RegExp(
        `server-secret\\.key.*复制到.*REPLACE_SERVER_SECRET=${key}.*Copy server-secret\\.key from the first instance`,
        's',
      );
    const aKey = a.app.custody.fingerprint.slice(0, 12);
    await expect(start(dirB, undefined, { databaseUrl: url })).rejects.toThrow(refused(aKey));
    // Nothing was written: B starts once it has the copy, and serves A's judges.
    copyFileSync(join(dirA, 'server-secret.key'), join(dirB, 'server-secret.key'));
    const b = await start(dirB, undefined, { databaseUrl: url });
    const judge = await connectJudge(b.ws, tokenOf(a.fixture, 'J01'));
    expect(judge.welcome.type).toBe('judge.welcome');
    judge.close();

    // A database from before fingerprints is judged by its seals: none opens under C's secret.
    await a.app.store.db
      .delete(a.app.store.t.settings)
      .where(eq(a.app.store.t.settings.key, 'serverSecret'));
    const dirC = mkdtempSync(join(tmpdir(), 'jx-race-c-'));
    await expect(start(dirC, undefined, { databaseUrl: url })).rejects.toThrow(refused('none'));

    // Every copy of the secret lost: C replaces it on purpose, naming what it replaces. From
    // then on C's secret is the database's: the old one (A's folder) is refused, even with the
    // same setting left in place; C restarts with it harmlessly; a copy of C's starts.
    const c = await start(dirC, undefined, { databaseUrl: url, replaceServerSecret: 'none' });
    expect(c.app.secretReplaced).toBe(true);
    expect((await connectJudge(c.ws, tokenOf(a.fixture, 'J01'))).welcome.type).toBe(
      'judge.welcome',
    );
    const cKey = c.app.custody.fingerprint.slice(0, 12);
    const dirA2 = mkdtempSync(join(tmpdir(), 'jx-race-a2-'));
    copyFileSync(join(dirA, 'server-secret.key'), join(dirA2, 'server-secret.key'));
    for (const replace of [undefined, 'none', aKey])
      await expect(
        start(dirA2, undefined, { databaseUrl: url, replaceServerSecret: replace }),
      ).rejects.toThrow(refused(cKey));
    const again = await start(dirC, undefined, { databaseUrl: url, replaceServerSecret: 'none' });
    expect(again.app.secretReplaced).toBe(false);
    copyFileSync(join(dirC, 'server-secret.key'), join(dirA2, 'server-secret.key'));
    expect((await start(dirA2, undefined, { databaseUrl: url })).url).toMatch(/^http/);
  });

  it('a competition made on one instance is served by the other, its slug taken there too; a re-score reaches the other’s judges', async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'jx-race-a-'));
    const url = (await testDatabaseUrl(dirA))!;
    const a = await start(dirA);
    const dirB = mkdtempSync(join(tmpdir(), 'jx-race-b-'));
    copyFileSync(join(dirA, 'server-secret.key'), join(dirB, 'server-secret.key'));
    const b = await start(dirB, undefined, { databaseUrl: url });
    const slug = a.fixture.competition.slug;
    const o01 = { authorization: `Bearer ${tokenOf(a.fixture, 'O01')}` };
    const exported = await (
      await fetch(`${a.url}/api/competitions/${slug}/export.json`, { headers: o01 })
    ).text();
    const create = (on: string) =>
      fetch(`${on}/api/competitions?slug=copy-1`, {
        method: 'POST',
        headers: { ...o01, 'content-type': 'application/json' },
        body: exported,
      });
    expect((await create(a.url)).status).toBe(201);
    await until(
      async () => (await fetch(`${b.url}/api/competitions/copy-1/standings`)).status === 200,
    );
    const again = await create(b.url);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe('competition/slug_taken');
    // A re-score asked on A: J01's tablet on B reconnects and is told in its welcome.
    const judge = await connectJudge(b.ws, tokenOf(b.fixture, 'J01'));
    const c = judge.welcome.contestants[0]!;
    const asked = await fetch(`${a.url}/api/competitions/${slug}/rescore`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(a.fixture, 'H01')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ contestantId: c.id, sheetId: 'theory-exam', reason: '复核一下' }),
    });
    expect(asked.status).toBe(200);
    await judge.closed;
    const back = await connectJudge(b.ws, tokenOf(b.fixture, 'J01'));
    expect((back.welcome as JudgeWelcome).rescores).toHaveLength(1);
    back.close();
  });
});
