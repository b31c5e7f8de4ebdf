import { rankRows, type StandingRow } from '#engine';
import type {
  BoardDelta,
  BoardServerMessage,
  BoardSnapshot,
  MarkAck,
  MarkReject,
  StandingsResponse,
} from '#protocol';
import { randomUUID } from 'node:crypto';
import { errorText } from './protocol/messages.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from './protocol/constants.ts';
import {
  connectBoard,
  connectJudge,
  countRows,
  framesBeforeFreeze,
  startTestServer,
  submitMark,
  tokenOf,
  TestSocket,
} from './test-support.ts';
import { tickerDetail } from '../web/present/ticker.ts';
import { listMarks } from '../db/repositories/marks.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const standings = async (): Promise<StandingsResponse> =>
  (
    await fetch(`${server.url}/api/competitions/${slug}/standings`)
  ).json() as Promise<StandingsResponse>;
const markCount = () => countRows(server.app, 'marks');
const sBendClean = { 's-bend-faults': { 'cone-touched': 1 } };

describe('HTTP', () => {
  it('answers healthz, lists the default contest and ranks all 35 contestants', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({
      ok: true,
      storage: 'ok',
      sockets: { judges: 0, boards: 0, pending: 0 },
    });
    const list = (await (await fetch(`${server.url}/api/competitions`)).json()) as {
      competitions: { slug: string }[];
    };
    expect(list.competitions.map((c) => c.slug)).toEqual([slug]);
    const s = await standings();
    expect(s.rows).toHaveLength(35);
    expect(s.provisional).toBe(true);
    expect(s.rows.every((r) => r.total === '0.00' && r.rank === 1)).toBe(true);
    expect(s.columns.stations.map((c) => c.id)).toContain('riding');
  });

  it('answers 404 with a message for an unknown competition', async () => {
    const r = await fetch(`${server.url}/api/competitions/nope/standings`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { message: string }).message).toBe('没有这场比赛');
  });

  it('answers an address with nothing at it in the shape of every other refusal', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope?x=1'],
      ['POST', '/api/competitions/gaoxin-2024/nothing'],
      ['GET', '/scoreboard/assets/missing.js'],
    ] as const) {
      const r = await fetch(`${server.url}${path}`, { method });
      expect(r.status, path).toBe(404);
      const route = `${method} ${path.split('?')[0]}`;
      expect(await r.json(), path).toEqual({
        error: 'request/not_found',
        params: { route },
        message: `没有这个地址：${route}`,
      });
    }
  });

  it('says in Chinese, with params a page words in its own language, what is wrong with a body it cannot read', async () => {
    const post = (type: string, body: string) =>
      fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const cases = [
      ['application/json', '{"slug":', 400, '请求正文不是有效的 JSON', 'json'],
      ['application/json', '', 400, '请求正文是空的', 'empty_json'],
      ['application/xml', '<a/>', 415, '这里不接受这种内容类型', 'media_type'],
      ['application/json', `{"pad":"${'x'.repeat(70_000)}"}`, 413, '请求正文过大', 'too_large'],
    ] as const;
    for (const [type, body, status, zh, problem] of cases) {
      const r = await post(type, body);
      expect(r.status).toBe(status);
      const answer = (await r.json()) as { error: string; params: object; message: string };
      expect(answer).toMatchObject({ error: 'request/invalid', params: { body: problem } });
      expect(answer.message).toContain(zh);
    }
    expect(errorText('request/invalid', { body: 'json' }, 'en')).toBe('The body is not valid JSON');
  });

  it('sends security headers with a same-origin content security policy', async () => {
    const r = await fetch(`${server.url}/healthz`);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('judge socket → commit → ack → board delta', () => {
  it('acknowledges a committed mark and delivers it to a board as a one-row delta', async () => {
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    expect(snap.rows).toHaveLength(35);
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    expect(judge.welcome.judge.sheets).toEqual(['s-bend']);
    const c = judge.welcome.contestants[0]!;
    const ack = (await submitMark(judge, {
      contestantId: c.id,
      sheetId: 's-bend',
      values: sBendClean,
    })) as MarkAck;
    expect(ack).toMatchObject({
      type: 'mark.ack',
      duplicate: false,
      revision: snap.revision + 1,
      stationScore: '10.00',
    });
    expect(await markCount()).toBe(1);
    const delta = await board.next<BoardDelta>((m) => m.type === 'board.delta');
    expect(delta.revision).toBe(ack.revision);
    expect(delta.rows).toHaveLength(1);
    expect(delta.rows[0]).toMatchObject({ contestantId: c.id, total: '7.00', rank: 1 });
    expect(delta.event).toMatchObject({
      bib: c.bib,
      kind: 'mark',
      items: [{ kind: 'fault', count: 1, points: '2' }],
      score: '10.00',
    });
    // What the board and the console put into words, in each language.
    expect(tickerDetail(delta.event!, 'zh')).toBe('碰桩×1 −2');
    expect(tickerDetail(delta.event!, 'en')).toBe('Cone touched×1 −2');
    const s = await standings();
    expect(s.rows[0]).toMatchObject({ bib: c.bib, rank: 1, total: '7.00' });
    expect(s.rows[1]!.rank).toBe(2);
    judge.close();
    board.close();
  });

  it('stores one mark and sends one delta when the same client id arrives twice', async () => {
    const board = connectBoard(server.ws, slug);
    await board.next((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const c = judge.welcome.contestants[3]!;
    const clientId = randomUUID();
    const first = (await submitMark(judge, {
      clientId,
      contestantId: c.id,
      sheetId: 's-bend',
      values: sBendClean,
    })) as MarkAck;
    // A resend after a dropped connection, from a new socket.
    const again = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const second = (await submitMark(again, {
      clientId,
      contestantId: c.id,
      sheetId: 's-bend',
      values: sBendClean,
    })) as MarkAck;
    expect(second).toMatchObject({
      type: 'mark.ack',
      duplicate: true,
      markId: first.markId,
      revision: first.revision,
    });
    // Both in one batch, too.
    const id2 = randomUUID();
    judge.send({
      type: 'mark.submit',
      clientId: id2,
      contestantId: c.id,
      sheetId: 's-bend',
      values: sBendClean,
      reason: '重发',
    });
    judge.send({
      type: 'mark.submit',
      clientId: id2,
      contestantId: c.id,
      sheetId: 's-bend',
      values: sBendClean,
      reason: '重发',
    });
    const acks = [
      await judge.next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === id2),
      await judge.next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === id2 && m.duplicate),
    ];
    expect(acks[1]!.markId).toBe(acks[0]!.markId);
    expect(await markCount()).toBe(2);
    const before = await framesBeforeFreeze(server, slug, board);
    // One revision each for the two marks, and none for either resend. Counted by revision, not
    // by frame: on a busy machine the pacer may carry both marks in one frame (`from`…`revision`).
    const delivered = before.flatMap((m) =>
      m.type === 'board.delta'
        ? Array.from(
            { length: m.revision - (m.from ?? m.revision) + 1 },
            (_, i) => (m.from ?? m.revision) + i,
          )
        : [],
    );
    expect(delivered).toEqual([first.revision, acks[0]!.revision]);
    judge.close();
    again.close();
    board.close();
  });

  it('rejects a mark for a sheet the judge is not assigned to, and stores nothing', async () => {
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const r = (await submitMark(judge, {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 'bridge',
      values: { 'bridge-faults': {}, 'bridge-fell': false },
    })) as MarkReject;
    expect(r).toMatchObject({ type: 'mark.reject', code: 'mark/not_assigned' });
    expect(r.message).toContain('单边桥');
    expect(await markCount()).toBe(0);
    expect((await standings()).revision).toBe(snap.revision);
    const before = await framesBeforeFreeze(server, slug, board);
    expect(before.filter((m) => m.type === 'board.delta')).toHaveLength(0);
    judge.close();
    board.close();
  });

  it('rejects bad values, unknown contestants and corrections without a reason, each with a readable message', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const c = judge.welcome.contestants[0]!;
    const offStep = (await submitMark(judge, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '85.25' },
    })) as MarkReject;
    expect(offStep).toMatchObject({ code: 'mark/off_step' });
    expect(offStep.message).toContain('步长');
    expect(
      await submitMark(judge, {
        contestantId: 99_999,
        sheetId: 'theory-exam',
        values: { 'theory-score': '80' },
      }),
    ).toMatchObject({
      code: 'mark/unknown_contestant',
    });
    expect(
      await submitMark(judge, {
        contestantId: c.id,
        sheetId: 'theory-exam',
        values: { 'theory-score': '８０．５' },
      }),
    ).toMatchObject({
      type: 'mark.ack',
    });
    expect(
      await submitMark(judge, {
        contestantId: c.id,
        sheetId: 'theory-exam',
        values: { 'theory-score': '81' },
      }),
    ).toMatchObject({
      code: 'mark/reason_required',
    });
    expect(await markCount()).toBe(1);
    const fixed = (await submitMark(judge, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '81' },
      reason: '录入错误，按答题卡更正',
    })) as MarkAck;
    expect(fixed.type).toBe('mark.ack');
    const log = (await listMarks(server.app.store, server.app.live.get(slug)!.id)).map((m) => ({
      id: m.id,
      supersedes_id: m.supersedesId,
      reason: m.reason,
    }));
    expect(log).toHaveLength(2);
    expect(log[1]).toEqual({
      id: fixed.markId,
      supersedes_id: log[0]!.id,
      reason: '录入错误，按答题卡更正',
    });
    const row = (await standings()).rows.find((r) => r.contestantId === c.id)!;
    expect(row.modules.theory).toBe('81.00');
    judge.close();
  });

  it('keeps a panel of three at three when a judge corrects a judgement', async () => {
    const judges = await Promise.all(
      ['J08', 'J09', 'J10'].map((code) => connectJudge(server.ws, tokenOf(server.fixture, code))),
    );
    const c = judges[0]!.welcome.contestants[5]!;
    for (const [i, j] of judges.entries())
      await submitMark(j, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': String([2, 2, 3][i]) },
      });
    expect(
      (await standings()).rows.find((r) => r.contestantId === c.id)!.stations.packaging,
    ).toMatchObject({ score: '7.78', status: 'scored' });
    await submitMark(judges[2]!, {
      contestantId: c.id,
      sheetId: 'packaging',
      values: { 'packaging-quality': '2' },
      reason: '误触',
    });
    expect(
      (await standings()).rows.find((r) => r.contestantId === c.id)!.stations.packaging,
    ).toMatchObject({ score: '6.67', status: 'scored' });
    judges.forEach((j) => j.close());
  });
});

describe('board resume', () => {
  it('catches a reconnecting board up from its last revision with exactly the missed deltas', async () => {
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    board.close();
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J06'));
    const ids = judge.welcome.contestants.slice(0, 3).map((c) => c.id);
    for (const id of ids)
      await submitMark(judge, {
        contestantId: id,
        sheetId: 'cleaning',
        values: {
          'cleaning-hands': true,
          'cleaning-box': id % 2 === 0,
          'cleaning-mask': true,
          'cleaning-uniform': false,
        },
      });
    const back = connectBoard(server.ws, slug, snap.revision);
    await back.next((m) => m.type === 'board.delta' && m.revision === snap.revision + 3);
    const deltas = back.received.filter((m): m is BoardDelta => m.type === 'board.delta');
    expect(deltas.map((d) => d.revision)).toEqual([1, 2, 3].map((n) => snap.revision + n));
    expect(back.received.some((m) => m.type === 'board.snapshot')).toBe(false);
    // Applying the deltas to the old snapshot gives exactly the server's standings.
    const rows = new Map<number, StandingRow>(snap.rows.map((r) => [r.contestantId, r]));
    for (const d of deltas) for (const r of d.rows) rows.set(r.contestantId, r);
    const local = rankRows([...rows.values()]);
    expect(local).toEqual((await standings()).rows);
    // A board that claims a revision the server never had gets a fresh snapshot.
    const stale = connectBoard(server.ws, slug, 10_000);
    expect((await stale.next<BoardSnapshot>((m) => m.type === 'board.snapshot')).revision).toBe(
      snap.revision + 3,
    );
    [judge, back, stale].forEach((s) => s.close());
  });

  it('answers a malformed `since` with a snapshot, not "competition not found"', async () => {
    for (const since of ['abc', '-5', '1e400']) {
      const b = new TestSocket<BoardServerMessage>(
        `${server.ws}/ws/board?competition=${slug}&since=${since}`,
      );
      const first = await b.next<BoardServerMessage>(() => true);
      expect(first.type, `since=${since}`).toBe('board.snapshot');
      b.close();
    }
  });
});

describe('hostile and broken input', () => {
  it('answers malformed frames with an error, refuses unknown tokens, and keeps serving', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    judge.send('{not json');
    expect(await judge.next((m) => m.type === 'error')).toMatchObject({
      code: 'protocol/bad_frame',
    });
    judge.send({ type: 'mark.delete', id: 1 });
    judge.send({
      type: 'mark.submit',
      clientId: 'x',
      contestantId: -1,
      sheetId: 's-bend',
      values: {},
    });
    // A malformed write that carries a usable client id is rejected by that id, so the tablet can show it.
    const badId = randomUUID();
    judge.send({
      type: 'mark.submit',
      clientId: badId,
      contestantId: 'one',
      sheetId: 's-bend',
      values: {},
    });
    expect(await judge.next((m) => m.type === 'mark.reject' && m.clientId === badId)).toMatchObject(
      { code: 'mark/bad_frame' },
    );
    // Still serving on the same socket; frames are answered in order, so the errors came first.
    const ok = await submitMark(judge, {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 's-bend',
      values: sBendClean,
    });
    expect(ok.type).toBe('mark.ack');
    expect(judge.received.filter((m) => m.type === 'error')).toHaveLength(3);

    const intruder = new TestSocket(`${server.ws}/ws/judge`);
    await intruder.opened();
    intruder.send({ type: 'judge.hello', protocol: 1, token: 'f'.repeat(32) });
    expect(await intruder.closed).toEqual({ code: CloseCode.authFailed, reason: 'unknown token' });

    const unauth = new TestSocket<MarkReject>(`${server.ws}/ws/judge`);
    await unauth.opened();
    unauth.send({
      type: 'mark.submit',
      clientId: randomUUID(),
      contestantId: 1,
      sheetId: 's-bend',
      values: sBendClean,
    });
    expect(await unauth.next((m) => m.type === 'mark.reject')).toMatchObject({
      code: 'auth/required',
    });
    expect(await markCount()).toBe(1);
    judge.close();
    unauth.close();
  });
});

describe('origin check', () => {
  it('refuses a websocket upgrade from another site and accepts this one', async () => {
    const { default: WebSocket } = await import('ws');
    const tryOrigin = (origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${server.ws}/ws/board?competition=${slug}`, {
          headers: { origin },
        });
        ws.on('open', () => (ws.close(), resolve('open')));
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.on('error', () => resolve('error'));
      });
    expect(await tryOrigin('http://evil.example')).toBe('403');
    expect(await tryOrigin(server.url)).toBe('open');
    const port = new URL(server.url).port;
    expect(await tryOrigin(`http://localhost:${port}`)).toBe('open');
    // DNS rebinding: a page on a host name that resolves to this server sends a Host that
    // matches its Origin; only the addresses the server serves count.
    const rebound = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${server.ws}/ws/board?competition=${slug}`, {
        headers: { origin: `http://rebind.example:${port}`, host: `rebind.example:${port}` },
      });
      ws.on('open', () => (ws.close(), resolve('open')));
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', () => resolve('error'));
    });
    expect(rebound).toBe('403');
    expect(await tryOrigin(`http://127.0.0.1:${Number(port) + 1}`)).toBe('403');
  });
});

describe('durability', () => {
  it('comes back after a restart with identical standings and revision', async () => {
    const judges = await Promise.all(
      ['J02', 'J03', 'J08'].map((code) => connectJudge(server.ws, tokenOf(server.fixture, code))),
    );
    const cs = judges[0]!.welcome.contestants.slice(0, 5);
    // Many marks at once: they share group commits, and every one is acknowledged.
    const results = await Promise.all(
      cs.flatMap((c, i) => [
        submitMark(judges[0]!, {
          contestantId: c.id,
          sheetId: 's-bend',
          values: { 's-bend-faults': { 'foot-down': i } },
        }),
        submitMark(judges[1]!, {
          contestantId: c.id,
          sheetId: 'bridge',
          values: { 'bridge-faults': {}, 'bridge-fell': i === 2 },
        }),
        submitMark(judges[2]!, {
          contestantId: c.id,
          sheetId: 'packaging',
          values: { 'packaging-quality': String(i % 4) },
        }),
      ]),
    );
    expect(results.every((r) => r.type === 'mark.ack')).toBe(true);
    expect(new Set(results.map((r) => (r as MarkAck).revision)).size).toBe(15);
    const before = await standings();
    judges.forEach((j) => j.close());
    await server.close(false);
    server = await startTestServer(server.dataDir);
    const after = await standings();
    expect(after.revision).toBe(before.revision);
    expect(after.rows).toEqual(before.rows);
  });
});

describe('floods and guessing', () => {
  it('limits message floods on a judge socket and keeps the server serving', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    for (let i = 0; i < 400; i++) judge.send({ type: 'ping', t: i });
    expect(await judge.next((m) => m.type === 'error')).toMatchObject({ code: 'rate/limited' });
    const other = await connectJudge(server.ws, tokenOf(server.fixture, 'J03'));
    expect(other.welcome.type).toBe('judge.welcome');
    judge.close();
    other.close();
  });

  it('answers a write refused by the flood limit by its client id, so a tablet resends it', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const ids = Array.from({ length: 210 }, () => randomUUID());
    for (const clientId of ids)
      judge.send({
        type: 'mark.submit',
        clientId,
        contestantId: 999_999,
        sheetId: 's-bend',
        values: {},
      });
    const limited = await judge.next<MarkReject>(
      (m) => m.type === 'mark.reject' && m.code === 'rate/limited',
    );
    expect(ids).toContain(limited.clientId);
    expect(await markCount()).toBe(0);
    judge.close();
  });

  it('locks an address out after ten failed logins in a minute', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const s = await connectJudge(server.ws, randomUUID().replace(/-/g, ''));
      codes.push((s.welcome as unknown as { code: string }).code);
      await s.closed;
    }
    expect(codes.slice(0, 10).every((c) => c === 'auth/unknown_token')).toBe(true);
    expect(codes[10]).toBe('auth/rate_limited');
  });

  it('rejects control characters in a reason', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const c = judge.welcome.contestants[0]!;
    await submitMark(judge, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '80' },
    });
    const r = await submitMark(judge, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '81' },
      reason: '更正\u0007\u001b[2J',
    });
    expect(r).toMatchObject({ type: 'mark.reject', code: 'mark/bad_frame' });
    judge.close();
  });
});

describe('interleavings', () => {
  it('after many judges write at once (new marks, corrections, stale writes), the live standings equal a full recompute from the log', async () => {
    const { computeStandings, indexScheme, resolveLog } = await import('#engine');
    const { listContestants, getCompetitionBySlug } =
      await import('../db/repositories/competitions.ts');
    const { toLogEntry } = await import('./services/live-competition.ts');
    const codes = ['J02', 'J03', 'J04', 'J05', 'J06', 'J08', 'J09', 'J10'];
    const judges = await Promise.all(
      codes.map((c) => connectJudge(server.ws, tokenOf(server.fixture, c))),
    );
    const cs = judges[0]!.welcome.contestants.slice(0, 8);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const valuesFor = (sheet: string): Record<string, unknown> => {
      switch (sheet) {
        case 's-bend':
          return { 's-bend-faults': { 'cone-touched': Math.floor(rand() * 3) } };
        case 'bridge':
          return {
            'bridge-faults': { 'foot-down': Math.floor(rand() * 2) },
            'bridge-fell': rand() < 0.2,
          };
        case 'traffic-lights':
          return { 'lights-faults': {}, 'red-light-run': rand() < 0.2 };
        case 'smoothness':
          return {
            'smoothness-faults': { 'water-spilled': Math.floor(rand() * 3) },
            'course-time': 40_000 + Math.floor(rand() * 20_000),
          };
        case 'cleaning':
          return {
            'cleaning-hands': rand() < 0.5,
            'cleaning-box': true,
            'cleaning-mask': true,
            'cleaning-uniform': rand() < 0.5,
          };
        default:
          return {
            [`${sheet === 'packaging' ? 'packaging-quality' : sheet === 'communication' ? 'communication-quality' : 'emergency-handling'}`]:
              String(Math.floor(rand() * 4)),
          };
      }
    };
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 3; round++)
      for (const j of judges)
        for (const c of cs)
          for (const sheet of j.welcome.judge.sheets)
            writes.push(
              submitMark(j, {
                contestantId: c.id,
                sheetId: sheet,
                values: valuesFor(sheet),
                reason: round ? `第${round + 1}轮更正` : undefined,
              }),
            );
    const outcomes = (await Promise.all(writes)) as (MarkAck | MarkReject)[];
    expect(outcomes.filter((o) => o.type === 'mark.ack').length).toBeGreaterThan(100);
    const row = (await getCompetitionBySlug(server.app.store, slug))!;
    const index = indexScheme(JSON.parse(row.schemeJson));
    const book = resolveLog((await listMarks(server.app.store, row.id)).map(toLogEntry));
    const field = await listContestants(server.app.store, row.id);
    const full = computeStandings(index, field, book, new Set());
    expect((await standings()).rows).toEqual(full);
    judges.forEach((j) => j.close());
  });
});

describe('frame coalescing', () => {
  it('merges a burst of marks into few frames covering consecutive revisions, which rebuild the standings exactly', async () => {
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    const judges = await Promise.all(
      ['J02', 'J03', 'J04'].map((c) => connectJudge(server.ws, tokenOf(server.fixture, c))),
    );
    const sheets = [
      ['s-bend', { 's-bend-faults': { 'cone-touched': 1 } }],
      ['bridge', { 'bridge-faults': {}, 'bridge-fell': false }],
      ['traffic-lights', { 'lights-faults': {}, 'red-light-run': false }],
    ] as const;
    await Promise.all(
      judges.flatMap((j, k) =>
        j.welcome.contestants
          .slice(0, 20)
          .map((c) =>
            submitMark(j, { contestantId: c.id, sheetId: sheets[k]![0], values: sheets[k]![1] }),
          ),
      ),
    );
    const last = snap.revision + 60;
    await board.next((m) => m.type === 'board.delta' && m.revision === last, 5000);
    const frames = board.received.filter((m): m is BoardDelta => m.type === 'board.delta');
    expect(frames.length).toBeLessThan(60);
    let at = snap.revision;
    const rows = new Map<number, StandingRow>(snap.rows.map((r) => [r.contestantId, r]));
    let events = 0;
    for (const f of frames) {
      expect(f.from ?? f.revision).toBe(at + 1);
      at = f.revision;
      events += f.events?.length ?? (f.event ? 1 : 0);
      for (const r of f.rows) rows.set(r.contestantId, r);
    }
    expect(at).toBe(last);
    expect(events).toBe(60);
    expect(rankRows([...rows.values()])).toEqual((await standings()).rows);
    judges.forEach((j) => j.close());
    board.close();
  });
});
