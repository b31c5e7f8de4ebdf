/** Payload size, start time, bundle sizes, and the long kill-and-restart run. */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import type { JudgeWelcome, MarkAck } from '../server/protocol/judge.ts';
import { makeFixture, ROOT, startServer } from './procs.ts';

function judgeSocket(url: string, token: string): Promise<{ s: WebSocket; welcome: JudgeWelcome }> {
  return new Promise((resolve, reject) => {
    const s = new WebSocket(`${url.replace('http', 'ws')}/ws/judge`);
    s.once('open', () =>
      s.send(JSON.stringify({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token })),
    );
    s.once('message', (d) => resolve({ s, welcome: JSON.parse(d.toString()) }));
    s.once('error', reject);
  });
}

/** Bytes of one board delta for one mark, at a given field size (should not grow with it). */
export async function payload(contestants: number) {
  const { file, tokens } = makeFixture(contestants, 1);
  const server = await startServer({ fixture: file });
  const board = new WebSocket(
    `${server.url.replace('http', 'ws')}/ws/board?competition=gaoxin-2024`,
  );
  const sizes: number[] = [];
  let snapshotBytes = 0;
  board.on('message', (d: Buffer) =>
    d.toString('latin1', 0, 30).includes('board.snapshot')
      ? (snapshotBytes = d.length)
      : sizes.push(d.length),
  );
  await new Promise((r) => board.once('open', r));
  const { s, welcome } = await judgeSocket(server.url, tokens[0]!);
  const waiting = new Map<string, () => void>();
  s.on('message', (d) => waiting.get((JSON.parse(d.toString()) as MarkAck).clientId)?.());
  for (let i = 0; i < 20; i++) {
    const clientId = randomUUID();
    const acked = new Promise<void>((r) => waiting.set(clientId, r));
    s.send(
      JSON.stringify({
        type: 'mark.submit',
        clientId,
        contestantId: welcome.contestants[i * Math.floor(contestants / 20)]!.id,
        sheetId: 's-bend',
        values: { 's-bend-faults': { 'cone-touched': i % 3 } },
      }),
    );
    await acked;
    // Board frames coalesce marks closer than BOARD_FRAME_MS; spaced out, each delta goes alone.
    await new Promise((r) => setTimeout(r, 150));
  }
  const deadline = performance.now() + 10_000;
  while (sizes.length < 20 && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  s.terminate();
  board.terminate();
  await server.stop();
  return {
    contestants,
    deltaBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    snapshotBytes,
  };
}

/** Process start to /healthz answering, on an empty data folder (migrate + load) and again on a full one. */
export async function start() {
  const first = await startServer();
  await first.stop();
  const again = await startServer({ dataDir: first.dataDir });
  await again.stop();
  return { emptyDatabaseMs: first.startMs, existingDatabaseMs: again.startMs };
}

/** Gzipped JavaScript and CSS each page loads (from dist/, built by `npm start`/`npm run build`). */
export function bundles() {
  const out: Record<string, { jsGzipBytes: number; cssGzipBytes: number }> = {};
  const dist = join(ROOT, 'dist');
  for (const page of readdirSync(dist).filter((p) => !p.startsWith('.') && p !== 'assets')) {
    const html = readFileSync(join(dist, page, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    let js = 0;
    let css = 0;
    for (const ref of refs) {
      const size = gzipSync(readFileSync(join(dist, ref.replace(/^\//, '')))).length;
      if (ref.endsWith('.js')) js += size;
      else css += size;
    }
    out[page] = { jsGzipBytes: js, cssGzipBytes: css };
  }
  return out;
}

/**
 * Kill -9 the server while judges write; restart; resend everything not acknowledged with the
 * same client ids; count acknowledged marks lost (must be 0) and marks stored twice (must be 0).
 */
export async function crash(rounds: number, secondsPerRound: number) {
  const { file, tokens } = makeFixture(200, 10);
  let server = await startServer({ fixture: file });
  const dataDir = server.dataDir;
  const acked = new Set<string>();
  const sent = new Map<string, { judge: number; msg: object }>();
  for (let round = 0; round < rounds; round++) {
    const judges = await Promise.all(tokens.map((t) => judgeSocket(server.url, t)));
    // Resend what a previous round never saw acknowledged: same client ids.
    const unacked = [...sent.entries()].filter(([id]) => !acked.has(id));
    let running = true;
    judges.forEach(({ s, welcome }, k) => {
      const mine = welcome.contestants.filter((_, i) => i % tokens.length === k);
      let n = round * 1000;
      const next = () => {
        if (!running) return;
        const c = mine[n % mine.length]!;
        const sheetId = ['s-bend', 'bridge', 'traffic-lights'][Math.floor(n / mine.length) % 3]!;
        n++;
        const msg = {
          type: 'mark.submit',
          clientId: randomUUID(),
          contestantId: c.id,
          sheetId,
          values:
            sheetId === 's-bend'
              ? { 's-bend-faults': { 'cone-touched': n % 3 } }
              : sheetId === 'bridge'
                ? { 'bridge-faults': {}, 'bridge-fell': false }
                : { 'lights-faults': {}, 'red-light-run': false },
          reason: '压测',
          seen: undefined,
        };
        sent.set(msg.clientId, { judge: k, msg });
        s.send(JSON.stringify(msg));
      };
      s.on('message', (d) => {
        const m = JSON.parse(d.toString()) as MarkAck;
        if (m.type === 'mark.ack') acked.add(m.clientId);
        next();
      });
      s.on('error', () => undefined);
      next();
    });
    for (const [, { judge, msg }] of unacked) judges[judge]!.s.send(JSON.stringify(msg));
    await new Promise((r) => setTimeout(r, secondsPerRound * 1000));
    running = false;
    await server.stop('SIGKILL');
    server = await startServer({ fixture: file, dataDir });
  }
  // Final resend of anything unacknowledged, then count.
  const judges = await Promise.all(tokens.map((t) => judgeSocket(server.url, t)));
  for (const [id, { judge, msg }] of sent)
    if (!acked.has(id)) judges[judge]!.s.send(JSON.stringify(msg));
  await new Promise((r) => setTimeout(r, 1000));
  for (const j of judges) j.s.terminate();
  await server.stop();
  const db = new Database(join(dataDir, 'jiangxing.db'), { readonly: true });
  const rows = db
    .prepare('select client_id as id, count(*) as n from marks group by client_id')
    .all() as { id: string; n: number }[];
  db.close();
  const stored = new Map(rows.map((r) => [r.id, r.n]));
  return {
    rounds,
    acknowledged: acked.size,
    lostAcknowledged: [...acked].filter((id) => !stored.has(id)).length,
    storedTwice: rows.filter((r) => r.n > 1).length,
    stored: rows.length,
  };
}
