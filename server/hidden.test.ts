import { indexScheme, keepView } from '#engine';
import type {
  BoardDelta,
  BoardServerMessage,
  BoardSnapshot,
  MarkAck,
  StandingRow,
  StandingsResponse,
} from '#protocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plausibleValues } from '../fixtures/marks.ts';
import { mergeRows } from '../web/board-sync.ts';
import { readFixture } from './plugins/seed.ts';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
  TestSocket,
  tokenOf,
} from './test-support.ts';

// The default contest with the safe-riding station hidden from the public.
const fixture = readFixture();
fixture.scheme.modules[1]!.stations.find((s) => s.id === 'riding')!.hidden = true;
const file = join(mkdtempSync(join(tmpdir(), 'jx-hidden-')), 'fixture.json');
writeFileSync(file, JSON.stringify(fixture));

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer(undefined, file);
});
afterAll(async () => {
  await server.close();
});

describe('hidden stations', () => {
  it('never send a hidden station to public clients, while it still counts and staff see it', async () => {
    const board = connectBoard(server.ws, 'gaoxin-2024');
    const snap = await board.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    expect(snap.columns.stations.map((s) => s.id)).not.toContain('riding');
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const c = judge.welcome.contestants[0]!;
    const ack = (await submitMark(judge, {
      contestantId: c.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': { 'cone-touched': 1 } },
    })) as MarkAck;
    const delta = await board.next<BoardDelta>(
      (m) => m.type === 'board.delta' && m.revision === ack.revision,
    );
    // Nothing to derive: no event, no row (no total or module that moved with the hidden mark).
    expect(delta.event).toBeNull();
    expect(delta.rows).toEqual([]);
    expect(JSON.stringify(board.received)).not.toMatch(/riding|S弯道|碰桩/);
    const pub = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    expect(JSON.stringify(pub)).not.toContain('riding');
    const pubRow = pub.rows.find((r) => r.contestantId === c.id)!;
    // The public table is scored without the hidden station until the reveal: its total,
    // module subtotal and tie-break keys are those of the visible stations only.
    expect(pubRow).toMatchObject({ total: '0.00', modules: { theory: '0.00', practical: '0.00' } });
    expect(pubRow.keys.every((k) => k === null || k === 0)).toBe(true);
    const csv = await (await fetch(`${server.url}/api/competitions/gaoxin-2024/export.csv`)).text();
    expect(csv).not.toContain('安全骑行');
    expect(csv).not.toContain('7.00');
    const html = await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/results.html`)
    ).text();
    expect(html).not.toContain('7.00');
    const staff = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`, {
        headers: { authorization: `Bearer ${tokenOf(server.fixture, 'O01')}` },
      })
    ).json()) as StandingsResponse;
    const staffRow = staff.rows.find((r) => r.contestantId === c.id)!;
    expect(staffRow.stations.riding!.score).toBe('10.00');
    expect(staffRow.total).toBe('7.00'); // it still counts
    // A visible mark is news as usual: its row goes out, with the visible total.
    const j01 = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const theory = (await submitMark(j01, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '80' },
    })) as MarkAck;
    const visible = await board.next<BoardDelta>(
      (m) => m.type === 'board.delta' && m.revision === theory.revision,
    );
    expect(visible.rows.map((r) => [r.contestantId, r.total])).toEqual([[c.id, '24.00']]);
    j01.close();
    judge.close();
    board.close();
  });

  it('are revealed with the ceremony: from the first revealed row, the public sees them and the true totals', async () => {
    const course = (body: Record<string, unknown>) =>
      fetch(`${server.url}/api/competitions/gaoxin-2024/course`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const pub = async () =>
      (await (
        await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
      ).json()) as StandingsResponse;
    expect((await course({ action: 'competition.freeze' })).status).toBe(200);
    expect(JSON.stringify(await pub())).not.toContain('riding');
    for (let i = 0; i < 35; i++) await course({ action: 'competition.reveal' });
    const revealed = await pub();
    expect(revealed.columns.stations.map((s) => s.id)).toContain('riding');
    expect(revealed.rows.some((r) => r.total === '31.00')).toBe(true); // 24 + 7
  });
  it('give a phone that shows the top rows nothing of a hidden mark, and the public top rows', async () => {
    // A server of its own: the marks here would change what the ceremony below reveals.
    const server = await startTestServer(undefined, file);
    const phone = new TestSocket<BoardServerMessage>(
      `${server.ws}/ws/board?competition=gaoxin-2024&view=20`,
    );
    const snap = await phone.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    expect(snap.view).toBe(20);
    const theory = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const sBend = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const sheet = indexScheme(theory.welcome.scheme).sheets.get('theory-exam')!;
    let last = 0;
    for (const [i, c] of theory.welcome.contestants.entries()) {
      const values = plausibleValues(sheet, c.id * 3, '');
      const a = (await submitMark(theory, {
        contestantId: c.id,
        sheetId: 'theory-exam',
        values,
        seen: null,
      })) as MarkAck;
      expect(a, JSON.stringify(a)).toMatchObject({ type: 'mark.ack' });
      last = a.revision;
      // The hidden station's marks move the true order, never the public one.
      const h = (await submitMark(sBend, {
        contestantId: c.id,
        sheetId: 's-bend',
        values: { 's-bend-faults': { 'cone-touched': i % 4 } },
        seen: null,
      })) as MarkAck;
      expect(h.type).toBe('mark.ack');
      last = h.revision;
    }
    await phone.next((m) => m.type === 'board.delta' && m.revision >= last);
    let rows: StandingRow[] = snap.rows;
    for (const f of phone.received)
      if (f.type === 'board.delta')
        rows = keepView(
          mergeRows(rows, f.rows, (r) => r),
          20,
        );
    const pub = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    const shown = (rs: StandingRow[]) => rs.map((r) => `${r.bib}:${r.total}:${r.rank}`);
    expect(shown(rows)).toEqual(shown(pub.rows.slice(0, 20)));
    expect(JSON.stringify(phone.received)).not.toMatch(/riding|S弯道|碰桩/);
    phone.close();
    await server.close();
  });
});
