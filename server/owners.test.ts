import type { JudgeServerMessage, MarkAck, MarkReject, StandingsResponse } from '#protocol';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
  writeOwnersFixture,
  type JudgeSocket,
} from './test-support.ts';

/**
 * Whose line a mark is, on the real server (docs/scheme.md): the default contest with the
 * packaging sheet filled by one judge (J08 or J09) and the emergency panel (J08, J09, J10)
 * counting missed steps as well as judging, J08 recording them (writeOwnersFixture).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let sockets: JudgeSocket[] = [];
beforeEach(async () => {
  server = await startTestServer(undefined, writeOwnersFixture());
});
afterEach(async () => {
  sockets.forEach((s) => s.close());
  sockets = [];
  await server.close();
});
const judge = async (code: string) => {
  const s = await connectJudge(server.ws, tokenOf(server.fixture, code));
  sockets.push(s);
  return s;
};
const staff = (code = 'H01') => ({ authorization: `Bearer ${tokenOf(server.fixture, code)}` });
const row = async (contestantId: number) =>
  (
    (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`, { headers: staff() })
    ).json()) as StandingsResponse
  ).rows.find((r) => r.contestantId === contestantId)!;
const ok = (o: MarkAck | MarkReject) => {
  expect(o.type, JSON.stringify(o)).toBe('mark.ack');
  return o as MarkAck;
};

describe('a one-judge sheet has one line: the line is the owner', () => {
  it('a second official supersedes the first (4 then 8 gives 8, not their mean), and every view shows the one current mark', async () => {
    const [j08, j09] = [await judge('J08'), await judge('J09')];
    const c = j08.welcome.contestants[0]!;
    const first = ok(
      await submitMark(j08, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '1' },
      }),
    );
    // Without naming what it saw, the second official is refused (two tablets, one line).
    expect(
      await submitMark(j09, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '3' },
      }),
    ).toMatchObject({ code: 'mark/stale' });
    const second = ok(
      await submitMark(j09, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '3' },
        seen: first.markId,
        reason: '复核后更正',
      }),
    );
    expect((await row(c.id)).stations.packaging).toMatchObject({
      score: '10.00',
      status: 'scored',
    });
    // The tablets' saved lists (a new welcome): both judges of the sheet see the line's one
    // current mark, written by J09.
    for (const code of ['J08', 'J09']) {
      const again = await judge(code);
      const lines = again.welcome.marks.filter(
        (m) => m.contestantId === c.id && m.sheetId === 'packaging',
      );
      expect(lines.map((m) => [m.markId, m.authorId])).toEqual([
        [second.markId, j09.welcome.judge.id],
      ]);
    }
    // The head judge's review lists the first mark as superseded, the second as current.
    const review = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/marks`, { headers: staff() })
    ).json()) as { marks: { id: number; current: boolean; owner: unknown }[] };
    const current = (id: number) => review.marks.find((m) => m.id === id)?.current;
    expect(review.marks.find((m) => m.id === second.markId)?.owner).toBeNull();
    expect([current(first.markId), current(second.markId)]).toEqual([false, true]);
    // The printed score sheet lists the current mark only, by its author.
    const sheet = await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/contestants/${c.bib}/sheet.html`, {
        headers: staff(),
      })
    ).text();
    expect(sheet).toContain('J09');
    expect(sheet).not.toContain('J08');
  });
});

describe('measurements on a panel come from its recorder', () => {
  it('a judge correcting his judgement never erases the missed steps the recorder counted', async () => {
    const [j08, j09, j10] = [await judge('J08'), await judge('J09'), await judge('J10')];
    expect(j09.welcome.recorders).toEqual({ emergency: { code: 'J08', name: expect.any(String) } });
    expect(j08.welcome.judge.records).toEqual(['emergency']);
    const c = j08.welcome.contestants[2]!;
    const judgement = (v: string) => ({ 'emergency-handling': v });
    // A judge who is not the recorder may not send measurements: refused, nothing dropped.
    expect(
      await submitMark(j09, {
        contestantId: c.id,
        sheetId: 'emergency',
        values: { ...judgement('2'), 'emergency-steps': { 'missed-step': 0 } },
      }),
    ).toMatchObject({ code: 'mark/not_recorder' });
    ok(
      await submitMark(j08, {
        contestantId: c.id,
        sheetId: 'emergency',
        values: { ...judgement('2'), 'emergency-steps': { 'missed-step': 2 } },
      }),
    );
    // The panel's other judges see the recorder's count, pushed as it commits.
    const pushed = await j09.next<Extract<JudgeServerMessage, { type: 'judge.measurements' }>>(
      (m) => m.type === 'judge.measurements',
    );
    expect(pushed.items).toEqual([
      expect.objectContaining({
        contestantId: c.id,
        sheetId: 'emergency',
        values: { 'emergency-steps': { 'missed-step': 2 } },
        recorder: expect.objectContaining({ code: 'J08' }),
      }),
    ]);
    const mine = ok(
      await submitMark(j09, { contestantId: c.id, sheetId: 'emergency', values: judgement('2') }),
    );
    ok(await submitMark(j10, { contestantId: c.id, sheetId: 'emergency', values: judgement('3') }));
    ok(
      await submitMark(j09, {
        contestantId: c.id,
        sheetId: 'emergency',
        values: judgement('3'),
        seen: mine.markId,
        reason: '看错了评分标准',
      }),
    );
    // (2 + 3 + 3) / 3 × 10 / 3 = 8.89, + 5 − 2 missed steps = 11.89 (the old rule gave 13.89).
    expect((await row(c.id)).stations.emergency).toMatchObject({
      score: '11.89',
      status: 'scored',
    });
    expect((await judge('J10')).welcome.measurements).toEqual([
      expect.objectContaining({
        contestantId: c.id,
        values: { 'emergency-steps': { 'missed-step': 2 } },
      }),
    ]);
  });

  it("a void of the recorder's mark tells the panel what its measurements are now", async () => {
    const [j08, j09, head] = [await judge('J08'), await judge('J09'), await judge('H01')];
    const c = j08.welcome.contestants[1]!;
    const recorded = ok(
      await submitMark(j08, {
        contestantId: c.id,
        sheetId: 'emergency',
        values: { 'emergency-handling': '2', 'emergency-steps': { 'missed-step': 1 } },
      }),
    );
    await j09.next((m) => m.type === 'judge.measurements');
    const from = j09.received.length;
    const clientId = randomUUID();
    head.send({ type: 'mark.void', clientId, markId: recorded.markId, reason: '记错选手' });
    const pushed = await j09.next<Extract<JudgeServerMessage, { type: 'judge.measurements' }>>(
      (m) => m.type === 'judge.measurements',
      10_000,
      from,
    );
    expect(pushed).toMatchObject({
      items: [],
      scope: { contestantId: c.id, sheetId: 'emergency' },
    });
  });

  it('refuses a competition file whose panel has measurements but no recorder, and an assignment naming a second one', async () => {
    const f = JSON.parse(readFileSync(writeOwnersFixture(), 'utf8'));
    f.competition.slug = 'no-recorder';
    for (const o of f.officials) o.records = [];
    const created = await fetch(`${server.url}/api/competitions`, {
      method: 'POST',
      headers: { ...staff('O01'), 'content-type': 'application/json' },
      body: JSON.stringify(f),
    });
    expect(created.status).toBe(400);
    expect(((await created.json()) as { message: string }).message).toContain('记录裁判');
    const patch = await fetch(`${server.url}/api/competitions/gaoxin-2024/officials/J09`, {
      method: 'PATCH',
      headers: { ...staff('O01'), 'content-type': 'application/json' },
      body: JSON.stringify({ records: ['emergency'] }),
    });
    expect(patch.status).toBe(400);
    expect(((await patch.json()) as { error: string }).error).toBe('official/recorder');
  });
});

describe('voids and re-score requests say what they do', () => {
  it('voiding a correction restores the mark it replaced, and its author is told why', async () => {
    const [j08, j09, j10, head] = [
      await judge('J08'),
      await judge('J09'),
      await judge('J10'),
      await judge('H01'),
    ];
    const c = j08.welcome.contestants[3]!;
    const q = (v: string) => ({ 'communication-quality': v });
    for (const j of [j08, j09, j10])
      ok(await submitMark(j, { contestantId: c.id, sheetId: 'communication', values: q('2') }));
    const first = j10.received.filter((m): m is MarkAck => m.type === 'mark.ack').at(-1)!;
    const corr = ok(
      await submitMark(j10, {
        contestantId: c.id,
        sheetId: 'communication',
        values: q('3'),
        seen: first.markId,
        reason: '复看录像',
      }),
    );
    const clientId = randomUUID();
    head.send({ type: 'mark.void', clientId, markId: corr.markId, reason: '更正无依据' });
    ok(
      await head.next(
        (m) => (m.type === 'mark.ack' || m.type === 'mark.reject') && m.clientId === clientId,
      ),
    );
    // The line is the one the correction replaced: complete again, not left short.
    expect((await row(c.id)).stations.communication).toMatchObject({
      score: '6.67',
      status: 'scored',
    });
    const told = await j10.next<Extract<JudgeServerMessage, { type: 'judge.voided' }>>(
      (m) => m.type === 'judge.voided',
    );
    expect(told.notice).toMatchObject({
      markId: corr.markId,
      reason: '更正无依据',
      by: { code: 'H01' },
      restored: { markId: first.markId, values: { 'communication-quality': 2000 } },
    });
    expect((await judge('J10')).welcome.voided).toEqual([told.notice]);
    expect(j09.received.some((m) => m.type === 'judge.voided')).toBe(false);
  });

  it('a re-score request is server state: it reaches a tablet that was closed, and the console sees who answered', async () => {
    const j08 = await judge('J08');
    const c = j08.welcome.contestants[4]!;
    const asked = await fetch(`${server.url}/api/competitions/gaoxin-2024/rescore`, {
      method: 'POST',
      headers: { ...staff(), 'content-type': 'application/json' },
      body: JSON.stringify({
        contestantId: c.id,
        sheetId: 'communication',
        reason: '评分分歧过大',
      }),
    });
    expect(asked.status).toBe(200);
    const { id } = (await asked.json()) as { id: number };
    expect(await j08.next((m) => m.type === 'judge.rescore')).toMatchObject({
      id,
      contestantId: c.id,
      sheetId: 'communication',
      reason: '评分分歧过大',
      by: { code: 'H01' },
    });
    // J09's tablet was closed: it learns of the request when it connects, on any device.
    const j09 = await judge('J09');
    expect(j09.welcome.rescores).toEqual([expect.objectContaining({ id, contestantId: c.id })]);
    ok(
      await submitMark(j09, {
        contestantId: c.id,
        sheetId: 'communication',
        values: { 'communication-quality': '2' },
      }),
    );
    const list = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/rescores`, { headers: staff() })
    ).json()) as {
      requests: {
        id: number;
        pending: boolean;
        judges: { official: { code: string }; done: boolean }[];
      }[];
    };
    expect(list.requests).toEqual([
      expect.objectContaining({
        id,
        pending: true,
        judges: [
          { official: expect.objectContaining({ code: 'J08' }), done: false },
          { official: expect.objectContaining({ code: 'J09' }), done: true },
          { official: expect.objectContaining({ code: 'J10' }), done: false },
        ],
      }),
    ]);
    expect((await judge('J09')).welcome.rescores).toEqual([]);
    expect((await judge('J08')).welcome.rescores).toHaveLength(1);
  });
});
