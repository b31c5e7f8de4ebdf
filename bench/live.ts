/**
 * Load over real websockets on loopback, from this process, against a server in another
 * process: J judges submit marks (at a set rate, or closed-loop as fast as acks come back)
 * while V board viewers receive the deltas. The same load runs against the bare relay (and,
 * with `--peer`, NodeCG: bench/nodecg.ts). Every viewer checks that it received every revision
 * exactly once and in order. The product's and the relay's viewers run in a worker thread
 * (bench/viewers.ts, bench/viewer-worker.ts), so the judges' acks measured here never wait
 * behind their frames in this event loop.
 */
import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import type { JudgeWelcome, MarkAck, MarkReject } from '../server/protocol/judge.ts';
import { SOLO_SHEETS, type Proc } from './procs.ts';
import {
  open,
  openMany,
  ViewerThread,
  type DeliveryCounts,
  type ViewerReport,
  type Viewers,
} from './viewers.ts';

export { Deliveries, open, openMany, type DeliveryCounts } from './viewers.ts';

export interface LoadOptions {
  judges: number;
  viewers: number;
  /** Marks per second over all judges; 0 = closed loop (each judge sends again on its ack). */
  rate: number;
  /** Measured seconds, after `warmup` seconds of the same load that are not counted (JIT, caches). */
  seconds: number;
  warmup?: number;
  /**
   * `even` (default): one mark every 1/rate s, the judges in turn. `random`: judges marking
   * independently (a Poisson process at `rate`, each mark by a random judge), the same
   * schedule (from `seed`) for the product, the relay and the peer.
   */
  arrivals?: 'even' | 'random';
  seed?: number;
  /** A name for the scenario in the results (e.g. `venue`). */
  name?: string;
  /** The product's viewers ask for the top N rows only (`&view=N`: a phone's board). */
  viewRows?: number;
}

export interface LoadResult {
  judges: number;
  viewers: number;
  rate: number | 'closed-loop';
  arrivals: 'even' | 'random';
  sent: number;
  acked: number;
  rejected: number;
  ackMs: { p50: number; p99: number };
  /** Submit until the last viewer has the mark, over `marks` measured marks. */
  lastViewerMs: { p50: number; p99: number; marks: number } | null;
  ackedPerSecond: number;
  deliveriesPerSecond: number;
  bytesPerDelivery: number | null;
  /** Websocket frames per second to viewers (coalescing makes this lower than deliveries). */
  framesPerSecond: number;
  serverCpuPercent: number;
  serverRssMiB: number;
  memoryPerViewerKiB: number | null;
  /** Every revision to every viewer, exactly once and in order (null without viewers). */
  delivery: DeliveryCounts | null;
}

const q = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))]! * 100) / 100;
};

/** A small seeded generator (mulberry32), so every system gets the same random schedule. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** When (ms from the start) each mark is sent and by which judge, for an open-loop scenario. */
function schedule(o: LoadOptions): { at: number; judge: number }[] {
  const total = ((o.warmup ?? 1) + o.seconds) * 1000;
  const out: { at: number; judge: number }[] = [];
  if (o.arrivals === 'random') {
    const next = random(o.seed ?? 1);
    for (let t = -Math.log(1 - next()) * (1000 / o.rate); t < total;) {
      out.push({ at: t, judge: Math.floor(next() * o.judges) });
      t += -Math.log(1 - next()) * (1000 / o.rate);
    }
  } else
    for (let n = 0; (n * 1000) / o.rate < total; n++)
      out.push({ at: (n * 1000) / o.rate, judge: n % o.judges });
  return out;
}

/**
 * Runs the send loop: open loop at `rate` marks/s (evenly spread over the judges, or at random
 * times), or closed loop (each judge's first send here, the next on its ack). Returns when
 * warm-up plus measured time have passed; `measureFrom` is when counting starts.
 */
export async function drive(o: LoadOptions, send: (k: number) => void, onMeasure: () => void) {
  const warmup = o.warmup ?? 1;
  const start = performance.now();
  const measureFrom = start + warmup * 1000;
  const measureTimer = setTimeout(onMeasure, warmup * 1000);
  if (o.rate === 0) for (let k = 0; k < o.judges; k++) send(k);
  let timer: ReturnType<typeof setInterval> | null = null;
  if (o.rate > 0) {
    const plan = schedule(o);
    let due = 0;
    timer = setInterval(() => {
      const now = performance.now() - start;
      for (; due < plan.length && plan[due]!.at <= now; due++) send(plan[due]!.judge);
    }, 1);
  }
  await new Promise((r) => setTimeout(r, (warmup + o.seconds) * 1000));
  if (timer) clearInterval(timer);
  clearTimeout(measureTimer);
  return { measureFrom, measuredSeconds: (performance.now() - measureFrom) / 1000 };
}

/** What `summarise` makes one scenario's figures of. */
export interface LoadResultInput {
  sent: number;
  acked: number;
  rejected: number;
  ackMs: number[];
  /** Send time of each revision (product, peer) or relay sequence number (`performance.now()`). */
  sentAt: Map<number, number>;
  measureFrom: number;
  seconds: number;
  /** What the viewers received; its times on `clock` (bench/viewers.ts), as the worker's. */
  seen: ViewerReport;
  cpu: number;
  proc: Proc;
  rssBefore: number;
  rssViewers: number;
}

/** One scenario's figures, the same way for the product, the relay and the peer. */
export function summarise(o: LoadOptions, m: LoadResultInput): LoadResult {
  const viewerMs: number[] = [];
  // This thread's send times on the viewers' clock (`clock`: timeOrigin + now).
  const origin = performance.timeOrigin;
  for (const [rev, t] of m.sentAt) {
    const r = m.seen.byRev.get(rev);
    if (t >= m.measureFrom && r && r.count >= o.viewers) viewerMs.push(r.last - (origin + t));
  }
  return {
    judges: o.judges,
    viewers: o.viewers,
    rate: o.rate || 'closed-loop',
    arrivals: o.arrivals ?? 'even',
    sent: m.sent,
    acked: m.acked,
    rejected: m.rejected,
    ackMs: { p50: q(m.ackMs, 0.5), p99: q(m.ackMs, 0.99) },
    lastViewerMs: o.viewers
      ? { p50: q(viewerMs, 0.5), p99: q(viewerMs, 0.99), marks: viewerMs.length }
      : null,
    ackedPerSecond: Math.round(m.acked / m.seconds),
    deliveriesPerSecond: Math.round(m.seen.deliveries / m.seconds),
    bytesPerDelivery: m.seen.deliveries ? Math.round(m.seen.bytes / m.seen.deliveries) : null,
    framesPerSecond: Math.round(m.seen.frames / m.seconds),
    serverCpuPercent: Math.round((m.cpu / m.seconds) * 100),
    serverRssMiB: m.proc.rssMiB(),
    memoryPerViewerKiB: o.viewers
      ? Math.round(((m.rssViewers - m.rssBefore) * 1024) / o.viewers)
      : null,
    delivery: m.seen.delivery,
  };
}

/**
 * Waits until `done`, for as long as `progress` keeps moving (an overloaded server still
 * draining its backlog is waited for; one that stopped is not): gives up after `idleMs`
 * without progress, or `maxMs` in all.
 */
export async function settle(
  done: () => boolean | Promise<boolean>,
  progress: () => number | Promise<number> = () => 0,
  idleMs = 5_000,
  maxMs = 120_000,
) {
  const t0 = performance.now();
  let moved = t0;
  let last = await progress();
  while (!(await done())) {
    const now = performance.now();
    const p = await progress();
    if (p !== last) [last, moved] = [p, now];
    if (now - moved > idleMs || now - t0 > maxMs) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * One measured run, the same for the product, the relay and the peer: drives `send` for the
 * warm-up and the measured time (`drive`), taking `proc`'s CPU from the end of the warm-up
 * (`onMeasure` starts the side's own counting there), calls `stop` (a closed loop sends no
 * more), then waits while the writes still `unanswered` drain and until every viewer has
 * `last()`, and summarises the `figures` counted by then.
 */
export async function measureRun(
  o: LoadOptions,
  proc: Proc,
  seen: Viewers,
  send: (k: number) => void,
  side: {
    onMeasure: () => void;
    stop: () => void;
    unanswered: () => number;
    last: () => number;
    figures: () => Pick<LoadResultInput, 'sent' | 'acked' | 'rejected' | 'ackMs' | 'sentAt'>;
    rssBefore: number;
    rssViewers: number;
  },
): Promise<LoadResult> {
  let cpu0 = 0;
  const { measureFrom, measuredSeconds } = await drive(o, send, () => {
    cpu0 = proc.cpuSeconds();
    side.onMeasure();
  });
  side.stop();
  const cpu = proc.cpuSeconds() - cpu0;
  await settle(() => side.unanswered() === 0, side.unanswered);
  await settle(
    () => seen.reached(o.viewers, side.last()),
    () => seen.progress(),
  );
  return summarise(o, {
    ...side.figures(),
    measureFrom,
    seconds: measuredSeconds,
    // Every viewer must have received up to the last revision there is.
    seen: await seen.report(o.viewers, side.last()),
    cpu,
    proc,
    rssBefore: side.rssBefore,
    rssViewers: side.rssViewers,
  });
}

/** Runs `run` with its viewers in a worker thread; closes their sockets and the worker after. */
async function withViewers<T>(run: (seen: ViewerThread) => Promise<T>): Promise<T> {
  const seen = new ViewerThread();
  try {
    return await run(seen);
  } finally {
    await seen.close();
  }
}

/** Drives the product: judges log in with `tokens`, viewers watch `slug`. */
export function loadProduct(
  server: Proc,
  tokens: string[],
  slug: string,
  o: LoadOptions,
): Promise<LoadResult> {
  return withViewers((seen) => productLoad(server, tokens, slug, o, seen));
}

async function productLoad(
  server: Proc,
  tokens: string[],
  slug: string,
  o: LoadOptions,
  seen: ViewerThread,
): Promise<LoadResult> {
  const ws = server.url.replace('http', 'ws');
  const rssBefore = server.rssMiB();
  let measuring = false;
  let measureAt = Infinity;
  const view = o.viewRows === undefined ? '' : `&view=${o.viewRows}`;
  const board = (url: string) => `${url.replace('http', 'ws')}/ws/board?competition=${slug}${view}`;
  await seen.open((server.boardUrls ?? [server.url]).map(board), o.viewers);
  await settle(() => seen.reached(o.viewers, 0)); // every snapshot is in
  const rssViewers = server.rssMiB();
  const judges = await Promise.all(
    tokens.slice(0, o.judges).map(async (token) => {
      const s = await open(`${ws}/ws/judge`);
      s.send(JSON.stringify({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token }));
      const welcome = await new Promise<JudgeWelcome>((resolve) =>
        s.once('message', (d) => resolve(JSON.parse(d.toString()))),
      );
      return { s, welcome };
    }),
  );
  const sentAt = new Map<string, number>();
  const lineOf = new Map<string, string>();
  const revSentAt = new Map<number, number>();
  const ackMs: number[] = [];
  let acked = 0;
  let rejected = 0;
  let sent = 0;
  let lastRev = 0;
  const lines = judges.map((j, k) => {
    const mine = j.welcome.contestants.filter((_, i) => i % o.judges === k);
    return { mine, next: 0, heads: new Map<string, number>() };
  });
  let running = true;
  const send = (k: number) => {
    const { s } = judges[k]!;
    const l = lines[k]!;
    if (!l.mine.length) return;
    const c = l.mine[l.next % l.mine.length]!;
    const sheetId = SOLO_SHEETS[Math.floor(l.next / l.mine.length) % SOLO_SHEETS.length]!;
    l.next++;
    const key = `${c.id}:${sheetId}`;
    const head = l.heads.get(key);
    const clientId = randomUUID();
    sentAt.set(clientId, performance.now());
    lineOf.set(clientId, key);
    if (measuring) sent++;
    s.send(
      JSON.stringify({
        type: 'mark.submit',
        clientId,
        contestantId: c.id,
        sheetId,
        values: valuesFor(sheetId, l.next),
        seen: head ?? null,
        ...(head ? { reason: '压测更正' } : {}),
      }),
    );
  };
  judges.forEach(({ s }, k) =>
    s.on('message', (d) => {
      const m = JSON.parse(d.toString()) as MarkAck | MarkReject;
      if (m.type !== 'mark.ack' && m.type !== 'mark.reject') return;
      const t0 = sentAt.get(m.clientId!);
      if (t0 === undefined) return;
      sentAt.delete(m.clientId!);
      const counted = t0 >= measureAt;
      if (m.type === 'mark.ack') {
        lines[k]!.heads.set(lineOf.get(m.clientId)!, m.markId);
        revSentAt.set(m.revision, t0);
        lastRev = Math.max(lastRev, m.revision);
        if (counted) {
          acked++;
          ackMs.push(performance.now() - t0);
        }
      } else if (counted) rejected++;
      if (o.rate === 0 && running) send(k);
    }),
  );
  // A line is reused only after many others, long after its ack named the head to supersede.
  const result = await measureRun(o, server, seen, send, {
    onMeasure: () => {
      measuring = true;
      measureAt = performance.now();
      seen.measure();
    },
    stop: () => (running = false),
    unanswered: () => sentAt.size,
    last: () => lastRev,
    figures: () => ({ sent, acked, rejected, ackMs, sentAt: revSentAt }),
    rssBefore,
    rssViewers,
  });

  for (const { s } of judges) s.terminate();
  return result;
}

/** Plausible values per solo sheet, varied by n. */
export function valuesFor(sheetId: string, n: number): Record<string, unknown> {
  switch (sheetId) {
    case 's-bend':
      return { 's-bend-faults': { 'cone-touched': n % 3 } };
    case 'bridge':
      return { 'bridge-faults': { 'foot-down': n % 2 }, 'bridge-fell': n % 11 === 0 };
    case 'traffic-lights':
      return { 'lights-faults': {}, 'red-light-run': n % 13 === 0 };
    case 'smoothness':
      return {
        'smoothness-faults': { 'water-spilled': n % 2 },
        'course-time': 40_000 + (n % 20_000),
      };
    case 'cleaning':
      return {
        'cleaning-hands': true,
        'cleaning-box': n % 2 === 0,
        'cleaning-mask': true,
        'cleaning-uniform': true,
      };
    case 'order-acceptance':
      return {
        'order-number': true,
        'order-items': true,
        'order-seal': n % 3 !== 0,
        'order-notes': true,
      };
    default:
      return { 'route-optimal': true, 'route-eta': n % 2 === 0, 'route-restrictions': true };
  }
}

/**
 * The same load against the bare relay: a message of a mark's size in, numbered by the relay
 * (as the product numbers revisions) and broadcast to all.
 */
export function loadRelay(relay: Proc, o: LoadOptions): Promise<LoadResult> {
  return withViewers((seen) => relayLoad(relay, o, seen));
}

async function relayLoad(relay: Proc, o: LoadOptions, seen: ViewerThread): Promise<LoadResult> {
  const ws = relay.url.replace('http', 'ws');
  const rssBefore = relay.rssMiB();
  await seen.open(ws, o.viewers, 0); // each viewer starts at 0
  const rssViewers = relay.rssMiB();
  let firstMeasured = Infinity;
  let warmAcked = 0;
  const sentAt = new Map<number, number>();
  const revSentAt = new Map<number, number>();
  const ackMs: number[] = [];
  let seq = 0;
  let acked = 0;
  let running = true;
  const pad = 'x'.repeat(220); // a mark.submit frame is about this size
  const judges = await openMany(ws, o.judges, (k) => (d) => {
    const m = /"rev":(\d+),"seq":(\d+),"by":(\d+)/.exec(d.toString('latin1', 0, 60));
    if (!m || Number(m[3]) !== k) return;
    const n = Number(m[2]);
    revSentAt.set(Number(m[1]), sentAt.get(n)!);
    if (n >= firstMeasured) {
      acked++;
      ackMs.push(performance.now() - sentAt.get(n)!);
    } else warmAcked++;
    if (o.rate === 0 && running) send(k);
  });
  const send = (k: number) => {
    const n = ++seq;
    sentAt.set(n, performance.now());
    judges[k]!.send(`{"seq":${n},"by":${k},"pad":"${pad}"}`);
  };
  const result = await measureRun(o, relay, seen, send, {
    onMeasure: () => {
      seen.measure();
      firstMeasured = seq + 1;
    },
    stop: () => (running = false),
    unanswered: () => Math.max(0, seq - acked - warmAcked),
    last: () => seq,
    figures: () => ({
      sent: seq - (Number.isFinite(firstMeasured) ? firstMeasured - 1 : 0),
      acked,
      rejected: 0,
      ackMs,
      sentAt: revSentAt,
    }),
    rssBefore,
    rssViewers,
  });

  for (const v of judges) v.terminate();
  return result;
}
