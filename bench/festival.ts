/**
 * Issue 9's scale: a preliminary of 5,000 and a final of 40 on one server, beside the two
 * rider groups of the festival fixture. Measures what organisers and the audience wait for:
 * importing the exam results, a board's first snapshot, every export of the 5,000 and of the
 * whole festival, advancement, and a mark in the final while the preliminary is loaded.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { makeFestival } from '../fixtures/festival-2025/make-festival.ts';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import type { JudgeWelcome, MarkAck, MarkReject } from '../server/protocol/judge.ts';
import { startServer } from './procs.ts';

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor((s.length - 1) * p)] ?? 0) * 100) / 100;
};

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: Math.round((performance.now() - t0) * 10) / 10, value };
}

export async function festivalScale(prelim = 5000, finalists = 40) {
  const fest = makeFestival({ prelim, finalists });
  const file = join(mkdtempSync(join(tmpdir(), 'jx-bench-festival-')), 'festival.json');
  writeFileSync(file, JSON.stringify(fest));
  const server = await startServer({ fixture: file });
  const token = (slug: string, code: string) =>
    fest.competitions
      .find((c) => c.competition.slug === slug)!
      .officials.find((o) => o.code === code)!.token;
  const organiser = token('courier-prelim-2025', 'O01');
  const headers = { authorization: `Bearer ${organiser}` };
  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': type },
      body,
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    });
  const bytesOf = async (path: string) => {
    const r = await fetch(`${server.url}${path}`, { headers });
    return (await r.arrayBuffer()).byteLength;
  };

  // The exam system's two CSVs, 5,000 rows each.
  const csv = (salt: number) =>
    Array.from({ length: prelim }, (_, i) => `${i + 1},${((i * 7919 + salt) % 200) / 2}`).join(
      '\n',
    );
  const log = (m: string) => process.stderr.write(`bench festival: ${m}\n`);
  log('import');
  const importExam = await timed(() =>
    post('/api/competitions/courier-prelim-2025/imports/exam-score', csv(1), 'text/csv'),
  );
  const importQuiz = await timed(() =>
    post('/api/competitions/courier-prelim-2025/imports/safety-score', csv(7), 'text/csv'),
  );

  log('snapshot');
  // A projector's first frame of the 5,000 (socket open to snapshot parsed).
  const snapshot = await timed(
    () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(
          `${server.url.replace('http', 'ws')}/ws/board?competition=courier-prelim-2025`,
        );
        ws.once('message', (d: Buffer) => {
          JSON.parse(d.toString());
          ws.terminate();
          resolve(d.length);
        });
      }),
  );
  const standings = await timed(() => bytesOf('/api/competitions/courier-prelim-2025/standings'));
  const exports: Record<string, { ms: number; bytes: number }> = {};
  for (const path of [
    '/api/competitions/courier-prelim-2025/export.csv',
    '/api/competitions/courier-prelim-2025/export.xlsx',
    '/api/competitions/courier-prelim-2025/results.html',
    '/api/festivals/city-festival-2025/export.csv',
    '/api/festivals/city-festival-2025/export.xlsx',
  ]) {
    const r = await timed(() => bytesOf(path));
    exports[path.replace(/^\/api\//, '')] = { ms: r.ms, bytes: r.value };
  }

  log('advance');
  for (const stationId of ['exam-score-station', 'safety-score-station'])
    await post(
      '/api/competitions/courier-prelim-2025/course',
      JSON.stringify({ action: 'station.lock', stationId, reason: '基准测试' }),
    );
  await post(
    '/api/competitions/courier-prelim-2025/course',
    JSON.stringify({ action: 'competition.publish' }),
  );
  const preview = await timed(() =>
    fetch(`${server.url}/api/competitions/courier-prelim-2025/advancement`, { headers }).then((r) =>
      r.json(),
    ),
  );
  const advance = await timed(() => post('/api/competitions/courier-prelim-2025/advance', '{}'));

  log('final marks');
  // Marks in the final (closed loop, one judge) with a board on the final watching.
  const judge = await new Promise<{ s: WebSocket; welcome: JudgeWelcome }>((resolve, reject) => {
    const s = new WebSocket(`${server.url.replace('http', 'ws')}/ws/judge`);
    s.once('open', () =>
      s.send(
        JSON.stringify({
          type: 'judge.hello',
          protocol: PROTOCOL_VERSION,
          token: token('courier-final-2025', 'J01'),
        }),
      ),
    );
    s.once('message', (d) => resolve({ s, welcome: JSON.parse(d.toString()) }));
    s.once('error', reject);
  });
  const waiting = new Map<string, (m: MarkAck | MarkReject) => void>();
  judge.s.on('message', (d) => {
    const m = JSON.parse(d.toString()) as MarkAck | MarkReject;
    waiting.get(m.clientId ?? '')?.(m);
  });
  // Five passes over the 40 finalists: a first mark, then corrections naming what they
  // supersede (`seen`), paced under the per-socket flood limit like a fast real judge.
  const ackMs: number[] = [];
  const head = new Map<number, number>();
  let rejected = 0;
  for (let round = 0; round < 5; round++)
    for (const c of judge.welcome.contestants) {
      const clientId = randomUUID();
      const reply = new Promise<MarkAck | MarkReject>((r) => waiting.set(clientId, r));
      const t0 = performance.now();
      judge.s.send(
        JSON.stringify({
          type: 'mark.submit',
          clientId,
          contestantId: c.id,
          sheetId: 'sorting',
          seen: head.get(c.id) ?? null,
          values: { 'sorting-faults': { 'wrong-bin': round % 3 }, 'sorting-time': 100_000 + round },
          ...(round ? { reason: '复核' } : {}),
        }),
      );
      const m = await reply;
      ackMs.push(performance.now() - t0);
      if (m.type === 'mark.ack') head.set(c.id, m.markId);
      else rejected++;
      await new Promise((r) => setTimeout(r, 25));
    }
  judge.s.terminate();
  const rssMiB = server.rssMiB();
  await server.stop();
  return {
    contestants: { prelim, final: finalists, riders: 35 },
    importMs: { exam: importExam.ms, quiz: importQuiz.ms },
    boardSnapshot: { ms: snapshot.ms, bytes: snapshot.value },
    standings: { ms: standings.ms, bytes: standings.value },
    exports,
    advancement: { previewMs: preview.ms, advanceMs: advance.ms, advanced: advance.value },
    finalMarks: {
      n: ackMs.length,
      rejected,
      ackP50Ms: quantile(ackMs, 0.5),
      ackP99Ms: quantile(ackMs, 0.99),
    },
    serverRssMiB: rssMiB,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await festivalScale(), null, 2));
  process.exit(0);
}
