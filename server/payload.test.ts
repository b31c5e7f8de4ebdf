import type { BoardDelta, MarkAck } from '#protocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFixture } from './plugins/seed.ts';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
} from './test-support.ts';

const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** The default contest with `n` contestants; the first 35 are the fixture's own. */
function fieldOf(n: number): string {
  const f = readFixture();
  for (let i = f.contestants.length; i < n; i++)
    f.contestants.push({
      bib: String(1000 + i),
      drawOrder: i + 1,
      name: `选手${i}`,
      organisation: '美团外卖',
      status: 'active',
    });
  const file = join(mkdtempSync(join(tmpdir(), 'jx-field-')), 'fixture.json');
  writeFileSync(file, JSON.stringify(f));
  return file;
}

describe('board deltas', () => {
  it('have the same byte size for one mark whether 35 or 5,000 contestants are in the field', async () => {
    const sizes: number[] = [];
    for (const n of [35, 5000]) {
      const server = await startTestServer(undefined, fieldOf(n));
      servers.push(server);
      const board = connectBoard(server.ws, 'gaoxin-2024');
      await board.next((m) => m.type === 'board.snapshot');
      const bytes: number[] = [];
      board.ws.on('message', (d: Buffer) => bytes.push(d.length));
      const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J03'));
      const bib3 = judge.welcome.contestants.find((c) => c.bib === '3')!;
      const ack = (await submitMark(judge, {
        contestantId: bib3.id,
        sheetId: 'bridge',
        values: { 'bridge-faults': { 'foot-down': 1 }, 'bridge-fell': false },
      })) as MarkAck;
      const delta = await board.next<BoardDelta>(
        (m) => m.type === 'board.delta' && m.revision === ack.revision,
      );
      expect(delta.rows).toHaveLength(1);
      sizes.push(bytes.at(-1)!);
      judge.close();
      board.close();
    }
    expect(sizes[0]).toBeGreaterThan(200);
    expect(sizes[1]).toBe(sizes[0]);
  });
});
