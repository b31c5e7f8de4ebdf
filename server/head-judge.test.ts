import type { MarkAck, MarkReject, StandingsResponse } from '#protocol';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../db/repositories/audit.ts';
import { listMarks } from '../db/repositories/marks.ts';
import {
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
  type JudgeSocket,
} from './test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const standings = async () =>
  (await (
    await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
  ).json()) as StandingsResponse;
const send = async (s: JudgeSocket, msg: Record<string, unknown>) => {
  const clientId = randomUUID();
  s.send({ ...msg, clientId });
  return s.next<MarkAck | MarkReject>(
    (m) => (m.type === 'mark.ack' || m.type === 'mark.reject') && m.clientId === clientId,
  );
};

describe('head judge actions over the judge socket', () => {
  it('voids a mark with a reason: it drops out of the panel, stays in the log, and only the head judge may do it', async () => {
    const panel = await Promise.all(
      ['J08', 'J09', 'J10'].map((c) => connectJudge(server.ws, tokenOf(server.fixture, c))),
    );
    const head = await connectJudge(server.ws, tokenOf(server.fixture, 'H01'));
    const c = panel[0]!.welcome.contestants[0]!;
    const acks = [] as MarkAck[];
    for (const [i, j] of panel.entries())
      acks.push(
        (await submitMark(j, {
          contestantId: c.id,
          sheetId: 'packaging',
          values: { 'packaging-quality': String([2, 2, 0][i]) },
        })) as MarkAck,
      );
    expect(
      (await standings()).rows.find((r) => r.contestantId === c.id)!.stations.packaging,
    ).toMatchObject({ score: '4.44', status: 'flagged' });

    expect(
      await send(panel[0]!, { type: 'mark.void', markId: acks[2]!.markId, reason: '误判' }),
    ).toMatchObject({ code: 'auth/forbidden' });
    expect(
      await send(head, { type: 'mark.void', markId: acks[2]!.markId, reason: 'x' }),
    ).toMatchObject({ type: 'mark.reject' });
    const voided = (await send(head, {
      type: 'mark.void',
      markId: acks[2]!.markId,
      reason: '评分时看错选手',
    })) as MarkAck;
    expect(voided.type).toBe('mark.ack');
    expect(
      (await standings()).rows.find((r) => r.contestantId === c.id)!.stations.packaging,
    ).toMatchObject({ score: '6.67', status: 'partial' });
    expect(
      await send(head, { type: 'mark.void', markId: acks[2]!.markId, reason: '再次撤销' }),
    ).toMatchObject({ code: 'mark/not_current' });
    // The judge marks again (no correction reason needed: the voided mark is no longer current).
    expect(
      await submitMark(panel[2]!, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '2' },
      }),
    ).toMatchObject({ type: 'mark.ack' });
    expect(
      (await standings()).rows.find((r) => r.contestantId === c.id)!.stations.packaging,
    ).toMatchObject({ score: '6.67', status: 'scored' });
    const log = (await listMarks(server.app.store, server.app.live.get(slug)!.id)).map((m) => ({
      kind: m.kind,
      target: m.targetMarkId,
      reason: m.reason,
    }));
    expect(log).toHaveLength(5);
    expect(log[3]).toEqual({ kind: 'void', target: acks[2]!.markId, reason: '评分时看错选手' });
    [...panel, head].forEach((s) => s.close());
  });

  it('refuses attempts a station does not have, and re-runs of stations without attempts', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const head = await connectJudge(server.ws, tokenOf(server.fixture, 'H01'));
    const c = judge.welcome.contestants[0]!;
    const r = await submitMark(judge, {
      contestantId: c.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': {} },
      attempt: 2,
    });
    expect(r).toMatchObject({ code: 'mark/no_such_attempt' });
    // The riding course declares no attempts: a re-run there would be stored and ignored by
    // scoring (it used to be), so it is refused with what to do instead.
    expect(
      await send(head, {
        type: 'attempt.rerun',
        contestantId: c.id,
        stationId: 'riding',
        attempt: 1,
        reason: '前车撞倒桩未复位',
      }),
    ).toMatchObject({ type: 'mark.reject', code: 'mark/no_attempts' });
    expect(
      await submitMark(judge, {
        contestantId: c.id,
        sheetId: 's-bend',
        values: { 's-bend-faults': {} },
        attempt: 2,
      }),
    ).toMatchObject({ code: 'mark/no_such_attempt' });
    judge.close();
    head.close();
  });
});

describe('concurrent writers on one line', () => {
  it('refuses a stale write from a second tablet and returns the current value; a write naming what it saw goes through', async () => {
    const a = await connectJudge(server.ws, tokenOf(server.fixture, 'J06'));
    const b = await connectJudge(server.ws, tokenOf(server.fixture, 'J06'));
    const c = a.welcome.contestants[2]!;
    const values = (box: boolean) => ({
      'cleaning-hands': true,
      'cleaning-box': box,
      'cleaning-mask': true,
      'cleaning-uniform': true,
    });
    const first = (await submitMark(a, {
      contestantId: c.id,
      sheetId: 'cleaning',
      values: values(true),
      seen: null,
    })) as MarkAck;
    expect(first.type).toBe('mark.ack');
    const stale = (await submitMark(b, {
      contestantId: c.id,
      sheetId: 'cleaning',
      values: values(false),
      seen: null,
      reason: '补录',
    })) as MarkReject;
    expect(stale).toMatchObject({
      code: 'mark/stale',
      current: { markId: first.markId, values: values(true) },
    });
    const ok = await submitMark(b, {
      contestantId: c.id,
      sheetId: 'cleaning',
      values: values(false),
      seen: first.markId,
      reason: '餐箱未消毒，更正',
    });
    expect(ok.type).toBe('mark.ack');
    // Tablet A still believes it holds the first mark: its correction is now stale.
    expect(
      await submitMark(a, {
        contestantId: c.id,
        sheetId: 'cleaning',
        values: values(true),
        seen: first.markId,
        reason: '再改',
      }),
    ).toMatchObject({
      code: 'mark/stale',
    });
    expect(
      (await standings()).rows.find((r) => r.contestantId === c.id)!.stations.cleaning!.score,
    ).toBe('7.00');
    a.close();
    b.close();
  });

  it('refuses a judge overwriting a single-judge sheet another official scored, unless it names what it saw', async () => {
    const proctor = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const c = proctor.welcome.contestants[0]!;
    const bib = c.bib;
    const imported = await fetch(
      `${server.url}/api/competitions/gaoxin-2024/imports/theory-score`,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
        },
        body: `${bib},90`,
      },
    );
    expect(await imported.json()).toMatchObject({ imported: 1 });
    const r = (await submitMark(proctor, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '60' },
    })) as MarkReject;
    expect(r).toMatchObject({
      code: 'mark/stale',
      current: { values: { 'theory-score': 90_000 } },
    });
    expect((await standings()).rows.find((x) => x.contestantId === c.id)!.modules.theory).toBe(
      '90.00',
    );
    proctor.close();
  });
});

describe('asking for a re-score', () => {
  it('tells the judges of that sheet, with the reason, and records it', async () => {
    const panel = await Promise.all(
      ['J08', 'J09'].map((c) => connectJudge(server.ws, tokenOf(server.fixture, c))),
    );
    const other = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const c = panel[0]!.welcome.contestants[4]!;
    const head = {
      authorization: `Bearer ${tokenOf(server.fixture, 'H01')}`,
      'content-type': 'application/json',
    };
    const r = await fetch(`${server.url}/api/competitions/gaoxin-2024/rescore`, {
      method: 'POST',
      headers: head,
      body: JSON.stringify({
        contestantId: c.id,
        sheetId: 'packaging',
        reason: '三位裁判分歧过大',
      }),
    });
    expect(await r.json()).toEqual({ ok: true, id: expect.any(Number), tabletsTold: 2 });
    for (const j of panel)
      expect(await j.next((m) => m.type === 'judge.rescore')).toMatchObject({
        bib: c.bib,
        sheetId: 'packaging',
        reason: '三位裁判分歧过大',
      });
    // The route tells the tablets before it answers: the other judge's pong comes after any
    // notice it was sent.
    await other.barrier();
    expect(other.received.some((m) => m.type === 'judge.rescore')).toBe(false);
    const audit = (await listAudit(server.app.store, server.app.live.get(slug)!.id))
      .filter((e) => e.action === 'mark.rescore')
      .map((e) => ({ reason: e.reason }));
    expect(audit).toEqual([{ reason: '三位裁判分歧过大' }]);
    [...panel, other].forEach((j) => j.close());
  });
});
