import type { MarkAck, StandingsResponse } from '#protocol';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectJudge, tokenOf, type JudgeSocket } from './test-support.ts';
import { readFixture } from './plugins/seed.ts';
import { CloseCode } from './protocol/constants.ts';

const fixture = readFixture();
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `server/main.ts` as the real process and waits until it prints its address. */
async function startProcess(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no address printed:\n${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/localhost:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
  return { child, url, exited };
}

describe('the server process', () => {
  it('on SIGTERM flushes what it acknowledged, closes sockets with a reason, exits 0, and comes back with every acknowledged mark', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-proc-'));
    dirs.push(dataDir);
    const first = await startProcess(dataDir);
    const ws = first.url.replace('http', 'ws');
    const judges: JudgeSocket[] = await Promise.all(
      ['J02', 'J03', 'J04'].map((c) => connectJudge(ws, tokenOf(fixture, c))),
    );
    const sheets = ['s-bend', 'bridge', 'traffic-lights'];
    const values = [
      { 's-bend-faults': { 'cone-touched': 1 } },
      { 'bridge-faults': {}, 'bridge-fell': false },
      { 'lights-faults': {}, 'red-light-run': false },
    ];
    const acked: MarkAck[] = [];
    // Marks in flight while SIGTERM arrives: whatever was acknowledged must survive.
    for (const c of judges[0]!.welcome.contestants)
      judges.forEach((j, i) => {
        const clientId = randomUUID();
        j.send({
          type: 'mark.submit',
          clientId,
          contestantId: c.id,
          sheetId: sheets[i],
          values: values[i],
        });
        void j
          .next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === clientId, 10_000)
          .then(
            (a) => acked.push(a),
            () => undefined,
          );
      });
    await judges[0]!.next((m) => m.type === 'mark.ack');
    first.child.kill('SIGTERM');
    const closes = await Promise.all(judges.map((j) => j.closed));
    expect(await first.exited).toBe(0);
    expect(closes.every((c) => c.code === CloseCode.serverShutdown || c.code === 1006)).toBe(true);
    expect(closes.some((c) => c.code === CloseCode.serverShutdown)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);

    // Every acknowledged mark is in the file, exactly once.
    const db = new Database(join(dataDir, 'jiangxing.db'), { readonly: true });
    const stored = new Set(
      (db.prepare('select client_id from marks').all() as { client_id: string }[]).map(
        (r) => r.client_id,
      ),
    );
    db.close();
    for (const a of acked) expect(stored.has(a.clientId)).toBe(true);

    const second = await startProcess(dataDir);
    const after = (await (
      await fetch(`${second.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    expect(after.revision).toBe(stored.size);
    expect(after.rows.filter((r) => r.stations.riding!.status !== 'empty').length).toBeGreaterThan(
      0,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
