import type { BoardDelta, BoardSnapshot, MarkAck, StandingsResponse } from '#protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexScheme, maskName, type OpenLine, type Sheet } from '#engine';
import type { OpenLinesRefusal, PublishReport } from './services/course.ts';
import {
  connectBoard,
  connectJudge,
  countRows,
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
const token = (code: string) => tokenOf(server.fixture, code);
const course = async (code: string, body: Record<string, unknown>) => {
  const r = await fetch(`${server.url}/api/competitions/${slug}/course`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(code)}` },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    body: (await r.json()) as {
      error?: string;
      message?: string;
      competition?: { state: string; revealed: number | null };
    } & Partial<OpenLinesRefusal> &
      Partial<PublishReport>,
  };
};
const audit = async () =>
  (
    (await (
      await fetch(`${server.url}/api/competitions/${slug}/audit`, {
        headers: { authorization: `Bearer ${token('H01')}` },
      })
    ).json()) as {
      entries: { action: string; reason: string | null; detailJson: string }[];
    }
  ).entries;
const STATIONS = [
  'theory-exam',
  'cleaning',
  'order-acceptance',
  'packaging',
  'route-planning',
  'riding',
  'communication',
  'emergency',
];
/** Complete values for a sheet of the default scheme. */
function valuesOf(sheet: Sheet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of sheet.criteria)
    if (c.kind === 'faults') out[c.id] = {};
    else if (c.kind === 'veto') out[c.id] = false;
    else if (c.kind === 'check') out[c.id] = true;
    else if (c.kind === 'time') out[c.id] = 50_000;
    else if (c.kind === 'judgement') out[c.id] = '2';
    else if (c.kind === 'imported') out[c.id] = '80';
  return out;
}
/** Every judge of the default contest, signed in, with the sheets they mark. */
async function allJudges() {
  const out: { socket: JudgeSocket; sheets: string[] }[] = [];
  for (const o of server.fixture.officials)
    if (o.role === 'judge')
      out.push({ socket: await connectJudge(server.ws, token(o.code)), sheets: o.sheets });
  return out;
}
const standings = async (code?: string) =>
  (await (
    await fetch(
      `${server.url}/api/competitions/${slug}/standings`,
      code ? { headers: { authorization: `Bearer ${token(code)}` } } : {},
    )
  ).json()) as StandingsResponse;
const sBend = (judge: JudgeSocket, i: number, cones = 0) =>
  submitMark(judge, {
    contestantId: judge.welcome.contestants[i]!.id,
    sheetId: 's-bend',
    values: { 's-bend-faults': { 'cone-touched': cones } },
  });

describe('station locks (head judge sign-off)', () => {
  it('locks a station for everyone, tells boards and judges, refuses marks, and re-opens only with a reason', async () => {
    const judge = await connectJudge(server.ws, token('J02'));
    await sBend(judge, 0);
    const board = connectBoard(server.ws, slug);
    await board.next((m) => m.type === 'board.snapshot');

    expect((await course('J02', { action: 'station.lock', stationId: 'riding' })).status).toBe(403);
    expect((await course('H01', { action: 'station.lock', stationId: 'nope' })).status).toBe(404);
    expect(
      (await course('H01', { action: 'station.lock', stationId: 'riding', reason: '核对无误' }))
        .status,
    ).toBe(200);
    const delta = await board.next<BoardDelta>((m) => m.type === 'board.delta');
    expect(delta.rows).toHaveLength(35);
    expect(delta.rows.every((r) => r.stations.riding!.locked)).toBe(true);
    expect(await judge.next((m) => m.type === 'judge.update')).toMatchObject({
      lockedStations: ['riding'],
    });

    expect(await sBend(judge, 1)).toMatchObject({ code: 'mark/station_locked' });
    expect((await course('H01', { action: 'station.lock', stationId: 'riding' })).status).toBe(409);
    expect((await course('H01', { action: 'station.reopen', stationId: 'riding' })).status).toBe(
      400,
    );
    expect(
      (
        await course('H01', {
          action: 'station.reopen',
          stationId: 'riding',
          reason: '选手申诉复核',
        })
      ).status,
    ).toBe(200);
    expect((await sBend(judge, 1)).type).toBe('mark.ack');
    const audit = await (
      await fetch(`${server.url}/api/competitions/${slug}/audit`, {
        headers: { authorization: `Bearer ${token('H01')}` },
      })
    ).json();
    expect(
      (audit as { entries: { action: string; reason: string | null }[] }).entries.map((e) => [
        e.action,
        e.reason,
      ]),
    ).toEqual([
      ['station.lock', '核对无误'],
      ['station.reopen', '选手申诉复核'],
    ]);
    judge.close();
    board.close();
  });
});

describe('freeze, reveal, publish', () => {
  it('freezes the public board: public sockets get no marks at all, staff see everything live', async () => {
    const judge = await connectJudge(server.ws, token('J02'));
    await sBend(judge, 0);
    const pub = connectBoard(server.ws, slug);
    await pub.next((m) => m.type === 'board.snapshot');
    const staff = connectBoard(server.ws, slug);
    await staff.opened();
    staff.send({ type: 'board.hello', token: token('O01') });
    await staff.next((m) => m.type === 'board.snapshot', 3000, 1);

    expect((await course('O01', { action: 'competition.freeze' })).body.competition!.state).toBe(
      'frozen',
    );
    const frozen = await pub.next<BoardSnapshot>(
      (m) => m.type === 'board.snapshot' && m.competition.state === 'frozen',
      3000,
      1,
    );
    expect(frozen.competition.frozenAt).toMatch(/^\d{4}-/);
    const publicFramesBefore = pub.received.length;
    const ack = (await sBend(judge, 1, 2)) as MarkAck;
    expect(ack.type).toBe('mark.ack');
    // The staff board has the mark's frame, so the server has sent it (past any throttle) to
    // every board; the public board's pong then shows what reached it.
    await staff.next((m) => m.type === 'board.delta' && m.revision === ack.revision);
    await pub.barrier();
    // Hidden data never leaves the server: not a single frame reached the public board.
    expect(pub.frames.length).toBe(publicFramesBefore);
    const contestantId = judge.welcome.contestants[1]!.id;
    expect((await standings()).rows.find((r) => r.contestantId === contestantId)!.total).toBe(
      '0.00',
    );
    expect((await standings('O01')).rows.find((r) => r.contestantId === contestantId)!.total).toBe(
      '5.60',
    );
    // A public board opened or reloaded while frozen sees the frozen standings too.
    const late = connectBoard(server.ws, slug, ack.revision - 1);
    const lateSnap = await late.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    expect(lateSnap.rows.find((r) => r.contestantId === contestantId)!.total).toBe('0.00');
    // Its ticker starts from what the public saw: nothing from after the freeze.
    expect(lateSnap.recent.length).toBeGreaterThan(0);
    expect(lateSnap.recent.every((e) => e.revision <= frozen.revision)).toBe(true);
    const staffSnap = connectBoard(server.ws, slug);
    await staffSnap.opened();
    staffSnap.send({ type: 'board.hello', token: token('O01') });
    const live = await staffSnap.next<BoardSnapshot>((m) => m.type === 'board.snapshot', 3000, 1);
    expect(live.recent[0]!.revision).toBe(ack.revision);
    staffSnap.close();
    [judge, pub, staff, late].forEach((s) => s.close());
  });

  it('reveals from last place up, one row at a time, then publishes official results only when every station is locked', async () => {
    const judge = await connectJudge(server.ws, token('J02'));
    for (let i = 0; i < 5; i++) await sBend(judge, i, i % 3);
    expect((await course('O01', { action: 'competition.reveal' })).status).toBe(409);
    await course('O01', { action: 'competition.freeze' });
    const pub = connectBoard(server.ws, slug);
    await pub.next((m) => m.type === 'board.snapshot');
    const live = (await standings('O01')).rows;
    for (let k = 1; k <= 3; k++) {
      expect(
        (await course('O01', { action: 'competition.reveal' })).body.competition!.revealed,
      ).toBe(k);
      const snap = await pub.next<BoardSnapshot>(
        (m) => m.type === 'board.snapshot' && m.competition.revealed === k,
      );
      expect(snap.total).toBe(35);
      expect(snap.rows.map((r) => r.bib)).toEqual(live.slice(35 - k).map((r) => r.bib));
    }
    const publish = await course('O01', { action: 'competition.publish' });
    expect(publish.status).toBe(409);
    expect(publish.body.message).toContain('理论考试');
    for (const stationId of STATIONS)
      expect(
        (await course('H01', { action: 'station.lock', stationId, reason: '其余选手缺考' })).status,
      ).toBe(200);
    expect((await course('O01', { action: 'competition.publish' })).body.competition!.state).toBe(
      'final',
    );
    const official = await pub.next<BoardSnapshot>(
      (m) => m.type === 'board.snapshot' && m.competition.state === 'final',
    );
    expect(official.rows).toHaveLength(35);
    expect(await sBend(judge, 6)).toMatchObject({ code: 'mark/competition_closed' });
    expect((await course('O01', { action: 'competition.unfreeze', reason: '撤回' })).status).toBe(
      409,
    );
    judge.close();
    pub.close();
  });

  it('keeps the frozen view across a restart', async () => {
    const judge = await connectJudge(server.ws, token('J02'));
    await sBend(judge, 0);
    await course('O01', { action: 'competition.freeze' });
    await sBend(judge, 1);
    judge.close();
    const before = await standings();
    await server.close(false);
    server = await startTestServer(server.dataDir);
    expect(await standings()).toEqual(before);
  });
});

describe('privacy', () => {
  it('masks names on public screens and APIs when asked, never for staff', async () => {
    expect(maskName('张志华')).toBe('张*华');
    expect(maskName('张华')).toBe('张*');
    expect(maskName('欧阳志华')).toBe('欧**华');
    expect(
      (await course('O01', { action: 'competition.settings', nameDisplay: 'masked' })).status,
    ).toBe(200);
    const name = server.fixture.contestants[0]!.name;
    const pub = (await standings()).rows.find((r) => r.bib === server.fixture.contestants[0]!.bib)!;
    expect(pub.name).toBe(maskName(name));
    const staffRow = (await standings('O01')).rows.find(
      (r) => r.bib === server.fixture.contestants[0]!.bib,
    )!;
    expect(staffRow.name).toBe(name);
    const board = connectBoard(server.ws, slug);
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    expect(JSON.stringify(snap)).not.toContain(name);
    board.close();
  });

  it('keeps board sockets read-only and refuses judge tokens as staff', async () => {
    const board = connectBoard(server.ws, slug);
    await board.next((m) => m.type === 'board.snapshot');
    board.send({
      type: 'mark.submit',
      clientId: 'abcdefgh12',
      contestantId: 1,
      sheetId: 's-bend',
      values: {},
    });
    expect(await board.next((m) => (m as { type: string }).type === 'error')).toMatchObject({
      code: 'board/read_only',
    });
    board.send({ type: 'board.hello', token: token('J02') });
    expect((await board.closed).code).toBe(4001);
    expect(await countRows(server.app, 'marks')).toBe(0);
  });
});

describe('judge statistics', () => {
  it('reports each judge’s deviation from the panel to the head judge only', async () => {
    const panel = await Promise.all(
      ['J08', 'J09', 'J10'].map((c) => connectJudge(server.ws, token(c))),
    );
    const c = panel[0]!.welcome.contestants[0]!;
    for (const [i, j] of panel.entries())
      await submitMark(j, {
        contestantId: c.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': String([1, 2, 3][i]) },
      });
    const denied = await fetch(`${server.url}/api/competitions/${slug}/judge-stats`, {
      headers: { authorization: `Bearer ${token('J08')}` },
    });
    expect(denied.status).toBe(403);
    const r = (await (
      await fetch(`${server.url}/api/competitions/${slug}/judge-stats`, {
        headers: { authorization: `Bearer ${token('H01')}` },
      })
    ).json()) as {
      judges: { code: string; meanDeviation: string }[];
    };
    expect(r.judges.map((j) => [j.code, j.meanDeviation])).toEqual([
      ['J08', '-1.00'],
      ['J09', '0.00'],
      ['J10', '+1.00'],
    ]);
    panel.forEach((j) => j.close());
  });
});

describe('revoking and rotating logins', () => {
  it('kills a revoked token at once, also on an open socket; a rotated token replaces the old one', async () => {
    const judge = await connectJudge(server.ws, token('J02'));
    const post = (path: string, code = 'O01') =>
      fetch(`${server.url}/api/competitions/${slug}/officials/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token(code)}` },
        body: '{"reason":"平板丢失"}',
      });
    expect((await post('J02/revoke', 'H01')).status).toBe(403);
    expect((await post('J02/revoke')).status).toBe(200);
    expect(await judge.closed).toEqual({ code: 4001, reason: 'token revoked' });
    const again = await connectJudge(server.ws, token('J02'));
    expect(again.welcome).toMatchObject({ type: 'error', code: 'auth/unknown_token' });
    const rotated = (await (await post('J02/rotate')).json()) as {
      token: string;
      loginPath: string;
    };
    expect(rotated.token).toMatch(/^[0-9a-f]{32}$/);
    expect(rotated.loginPath).toBe(`/judge-tablet/#token=${rotated.token}`);
    const fresh = await connectJudge(server.ws, rotated.token);
    expect(fresh.welcome.type).toBe('judge.welcome');
    const list = (await (
      await fetch(`${server.url}/api/competitions/${slug}/officials`, {
        headers: { authorization: `Bearer ${token('O01')}` },
      })
    ).json()) as {
      officials: { code: string; revoked: boolean }[];
    };
    expect(list.officials.find((o) => o.code === 'J02')).toMatchObject({ revoked: false });
    expect(JSON.stringify(list)).not.toContain(rotated.token);
    fresh.close();
  });
});

describe('short login codes', () => {
  it('logs a judge in with the short code typed by hand, in any case and with look-alike letters', async () => {
    const { shortCodeOf } = await import('../db/repositories/competitions.ts');
    const code = shortCodeOf(token('J02'));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const typed = code.toLowerCase().replace('-', ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    const judge = await connectJudge(server.ws, typed);
    expect(judge.welcome).toMatchObject({ type: 'judge.welcome', judge: { code: 'J02' } });
    judge.close();
    const wrong = await connectJudge(server.ws, 'ABCDE-FGHJK');
    expect(wrong.welcome).toMatchObject({ type: 'error', code: 'auth/unknown_token' });
    // A rotated token brings a new short code; the old one stops.
    const rotated = (await (
      await fetch(`${server.url}/api/competitions/${slug}/officials/J02/rotate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token('O01')}` },
        body: '{}',
      })
    ).json()) as { shortCode: string };
    expect(rotated.shortCode).not.toBe(code);
    expect((await connectJudge(server.ws, code)).welcome.type).toBe('error');
    expect((await connectJudge(server.ws, rotated.shortCode)).welcome.type).toBe('judge.welcome');
  });
});

describe('sign-off with open lines', () => {
  it('answers a lock of a station with open lines with 409 and the lines, and locks with a reason kept in the audit log', async () => {
    const panel = await Promise.all(
      ['J08', 'J09', 'J10'].map((c) => connectJudge(server.ws, token(c))),
    );
    const field = panel[0]!.welcome.contestants;
    const [full, short] = [field[0]!, field[1]!];
    for (const [i, j] of panel.entries()) {
      await submitMark(j, {
        contestantId: full.id,
        sheetId: 'packaging',
        values: { 'packaging-quality': '2' },
      });
      if (i < 2)
        await submitMark(j, {
          contestantId: short.id,
          sheetId: 'packaging',
          values: { 'packaging-quality': '3' },
        });
    }
    const refused = await course('H01', { action: 'station.lock', stationId: 'packaging' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'course/open_lines',
      stationId: 'packaging',
      reasonRequired: true,
      count: 34,
      contestants: 34,
    });
    expect(refused.body.message).toContain('34 项评分未完成');
    const lines = refused.body.lines!;
    expect(lines).toHaveLength(34);
    expect(lines.some((l) => l.bib === full.bib)).toBe(false);
    expect(lines.find((l) => l.bib === short.bib)).toEqual<OpenLine>({
      contestantId: short.id,
      bib: short.bib,
      name: short.name,
      sheetId: 'packaging',
      sheet: { zh: '货物打包', en: expect.any(String) as string },
      attempt: null,
      status: 'partial',
      judges: 2,
      required: 3,
    });
    expect(lines.filter((l) => l.status === 'empty')).toHaveLength(33);
    // By bib, 2 before 10.
    const bibs = lines.map((l) => Number(l.bib));
    expect(bibs).toEqual([...bibs].sort((a, b) => a - b));
    expect(lines.every((l) => l.judges === 0 || l.bib === short.bib)).toBe(true);
    // A reason must be a reason: two characters at least, on one line.
    for (const reason of ['好', '核对\n无误', '  '])
      expect(
        (await course('H01', { action: 'station.lock', stationId: 'packaging', reason })).status,
      ).toBe(400);
    const staff = await standings('H01');
    expect(staff.rows.every((r) => !r.stations.packaging!.locked)).toBe(true);

    const locked = await course('H01', {
      action: 'station.lock',
      stationId: 'packaging',
      reason: '缺考选手不再补评',
    });
    expect(locked.status).toBe(200);
    const entry = (await audit()).at(-1)!;
    expect(entry).toMatchObject({ action: 'station.lock', reason: '缺考选手不再补评' });
    const detail = JSON.parse(entry.detailJson) as { openLines: { count: number; bibs: string[] } };
    expect(detail.openLines.count).toBe(34);
    expect(detail.openLines.bibs).toHaveLength(34);
    expect(detail.openLines.bibs).toContain(short.bib);
    expect(detail.openLines.bibs).not.toContain(full.bib);
    panel.forEach((j) => j.close());
  });

  it('names the sub-station of each open line of a station with sub-stations', async () => {
    const judge = await connectJudge(server.ws, token('J02'));
    await sBend(judge, 0);
    const first = judge.welcome.contestants[0]!;
    const refused = await course('H01', { action: 'station.lock', stationId: 'riding' });
    expect(refused.status).toBe(409);
    expect(refused.body.count).toBe(3 + 34 * 4);
    expect(refused.body.contestants).toBe(35);
    expect(
      refused.body.lines!.filter((l) => l.bib === first.bib).map((l) => [l.sheet.zh, l.status]),
    ).toEqual([
      ['单边桥', 'empty'],
      ['红绿灯', 'empty'],
      ['平稳性（水杯）', 'empty'],
    ]);
    judge.close();
  });

  it('locks a station whose every line is complete without a reason', async () => {
    const judge = await connectJudge(server.ws, token('J07'));
    const sheet = indexScheme(judge.welcome.scheme).sheets.get('route-planning')!;
    for (const c of judge.welcome.contestants)
      expect(
        (
          await submitMark(judge, {
            contestantId: c.id,
            sheetId: sheet.id,
            values: valuesOf(sheet),
          })
        ).type,
      ).toBe('mark.ack');
    const r = await course('H01', { action: 'station.lock', stationId: 'route-planning' });
    expect(r.status).toBe(200);
    const entry = (await audit()).at(-1)!;
    expect(entry).toMatchObject({ action: 'station.lock', reason: null });
    expect(JSON.parse(entry.detailJson)).toEqual({ stationId: 'route-planning' });
    judge.close();
  });

  it('publishes with how many rows stay provisional and why', async () => {
    const judges = await allJudges();
    const field = judges[0]!.socket.welcome.contestants;
    const index = indexScheme(judges[0]!.socket.welcome.scheme);
    const [done, short] = [field[0]!, field[1]!];
    for (const { socket, sheets } of judges)
      for (const sheetId of sheets) {
        const values = valuesOf(index.sheets.get(sheetId)!);
        await submitMark(socket, { contestantId: done.id, sheetId, values });
        // One packaging judge never marks the second rider.
        if (!(sheetId === 'packaging' && socket.welcome.judge.code === 'J10'))
          await submitMark(socket, { contestantId: short.id, sheetId, values });
      }
    for (const stationId of STATIONS)
      expect(
        (await course('H01', { action: 'station.lock', stationId, reason: '其余选手缺考' })).status,
      ).toBe(200);
    const published = await course('O01', { action: 'competition.publish' });
    expect(published.status).toBe(200);
    expect(published.body.competition!.state).toBe('final');
    expect(published.body.provisional).toBe(34);
    const reasons = published.body.reasons!;
    expect(reasons.filter((r) => r.bib === done.bib)).toEqual([]);
    expect(reasons.filter((r) => r.bib === short.bib)).toEqual([
      { bib: short.bib, name: short.name, stationId: 'packaging', status: 'partial' },
    ]);
    expect(reasons).toHaveLength(1 + 33 * STATIONS.length);
    expect(reasons.every((r) => r.bib === short.bib || r.status === 'empty')).toBe(true);
    // The published table agrees: the same rows are provisional.
    const official = await standings('O01');
    expect(official.rows.filter((r) => r.provisional).map((r) => r.bib)).toHaveLength(34);
    expect(official.rows.find((r) => r.bib === done.bib)!.provisional).toBe(false);
    const entry = (await audit()).at(-1)!;
    expect(entry.action).toBe('competition.publish');
    expect(
      (JSON.parse(entry.detailJson) as { provisional: { count: number; bibs: string[] } })
        .provisional,
    ).toMatchObject({ count: 34 });
    judges.forEach((j) => j.socket.close());
  });
});

describe('sign-off with disagreements', () => {
  it('refuses to lock a station while a line there is flagged, even with a reason, and accepts once it is resolved', async () => {
    const panel = await Promise.all(
      ['J08', 'J09', 'J10'].map((c) => connectJudge(server.ws, token(c))),
    );
    const c = panel[0]!.welcome.contestants[0]!;
    const acks: MarkAck[] = [];
    for (const [i, j] of panel.entries())
      acks.push(
        (await submitMark(j, {
          contestantId: c.id,
          sheetId: 'packaging',
          values: { 'packaging-quality': String([0, 3, 3][i]) },
        })) as MarkAck,
      );
    const refused = await course('H01', { action: 'station.lock', stationId: 'packaging' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`${c.bib}号`);
    expect(refused.body).toMatchObject({ error: 'course/flagged_lines', reasonRequired: false });
    expect(refused.body.lines!.filter((l) => l.status === 'flagged')).toMatchObject([
      { bib: c.bib, judges: 3, required: 3 },
    ]);
    // A reason does not sign a disagreement off: the head judge resolves it first.
    const anyway = await course('H01', {
      action: 'station.lock',
      stationId: 'packaging',
      reason: '先锁定再说',
    });
    expect(anyway.status).toBe(409);
    expect(anyway.body.error).toBe('course/flagged_lines');
    await submitMark(panel[0]!, {
      contestantId: c.id,
      sheetId: 'packaging',
      values: { 'packaging-quality': '2' },
      reason: '复核后更正',
    });
    // Resolved; the 34 riders nobody marked there are still open lines.
    expect(
      (await course('H01', { action: 'station.lock', stationId: 'packaging' })).body,
    ).toMatchObject({ error: 'course/open_lines', count: 34 });
    expect(
      (
        await course('H01', {
          action: 'station.lock',
          stationId: 'packaging',
          reason: '其余选手缺考',
        })
      ).status,
    ).toBe(200);
    panel.forEach((j) => j.close());
  });

  it('tells phones the LAN address', async () => {
    const info = (await (await fetch(`${server.url}/api/server-info`)).json()) as {
      lanUrls: string[];
    };
    expect(Array.isArray(info.lanUrls)).toBe(true);
    for (const u of info.lanUrls) expect(u).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:\d+$/);
  });

  it('behind a balancer, tells phones the public address first (PUBLIC_URL)', async () => {
    const behind = await startTestServer(undefined, undefined, {
      publicUrls: ['http://festival.example.cn'],
    });
    try {
      const info = (await (await fetch(`${behind.url}/api/server-info`)).json()) as {
        lanUrls: string[];
      };
      expect(info.lanUrls[0]).toBe('http://festival.example.cn');
    } finally {
      await behind.close();
    }
  });
});
