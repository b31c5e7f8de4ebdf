import type { BoardDelta, BoardSnapshot, MarkAck, StandingsResponse } from '#protocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from './plugins/seed.ts';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
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
    expect(delta.event).toBeNull();
    expect(delta.rows[0]!.stations.riding).toBeUndefined();
    expect(delta.rows[0]!.total).toBe('7.00'); // it still counts
    expect(JSON.stringify(board.received)).not.toMatch(/riding|S弯道|碰桩/);
    const pub = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    expect(JSON.stringify(pub)).not.toContain('riding');
    const csv = await (await fetch(`${server.url}/api/competitions/gaoxin-2024/export.csv`)).text();
    expect(csv).not.toContain('安全骑行');
    const staff = (await (
      await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`, {
        headers: { authorization: `Bearer ${tokenOf(server.fixture, 'O01')}` },
      })
    ).json()) as StandingsResponse;
    expect(staff.rows.find((r) => r.contestantId === c.id)!.stations.riding!.score).toBe('10.00');
    judge.close();
    board.close();
  });
});
