/**
 * Load over real websockets on loopback, from this process, against a server in another
 * process: J judges submit marks (at a set rate, or closed-loop as fast as acks come back)
 * while V board viewers receive the deltas. The same load runs against the bare relay.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import type { JudgeWelcome, MarkAck, MarkReject } from '../server/protocol/judge.ts';
import { SOLO_SHEETS, type Proc } from './procs.ts';

export interface LoadOptions {
  judges: number;
  viewers: number;
  /** Marks per second over all judges; 0 = closed loop (each judge sends again on its ack). */
  rate: number;
  /** Measured seconds, after `warmup` seconds of the same load that are not counted (JIT, caches). */
  seconds: number;
  warmup?: number;
}

export interface LoadResult {
  judges: number;
  viewers: number;
  rate: number | 'closed-loop';
  sent: number;
  acked: number;
  rejected: number;
  ackMs: { p50: number; p99: number };
  lastViewerMs: { p50: number; p99: number } | null;
  ackedPerSecond: number;
  deliveriesPerSecond: number;
  bytesPerDelivery: number | null;
  /** Websocket frames per second to viewers (coalescing makes this lower than deliveries). */
  framesPerSecond: number;
  serverCpuPercent: number;
  serverRssMiB: number;
  memoryPerViewerKiB: number | null;
}

const q = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))]! * 100) / 100;
};

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function openMany(url: string, n: number): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  // In waves, so 2,000 handshakes do not overrun the listen backlog.
  for (let i = 0; i < n; i += 100)
    out.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => open(url)))));
  return out;
}

const REVISION = /"(?:revision|seq)":(\d+)/;
const FROM = /"from":(\d+)/;

/**
 * Viewers that record when each revision (or relay seq) reached each of them. A coalesced
 * frame (`from`…`revision`) delivers every mark in its range: `deliveries` counts marks
 * delivered to viewers, `frames` the websocket frames that carried them.
 */
function watch(viewers: WebSocket[], measuring: () => boolean) {
  const byRev = new Map<number, { count: number; last: number }>();
  let deliveries = 0;
  let frames = 0;
  let bytes = 0;
  for (const v of viewers)
    v.on('message', (data: Buffer) => {
      const now = performance.now();
      const head = data.toString('latin1', 0, 80);
      const m = REVISION.exec(head);
      if (!m) return;
      const last = Number(m[1]);
      const first = Number(FROM.exec(head)?.[1] ?? last);
      if (measuring()) {
        frames++;
        deliveries += last - first + 1;
        bytes += data.length;
      }
      for (let rev = first; rev <= last; rev++) {
        const r = byRev.get(rev);
        if (r) {
          r.count++;
          r.last = now;
        } else byRev.set(rev, { count: 1, last: now });
      }
    });
  return {
    byRev,
    get deliveries() {
      return deliveries;
    },
    get frames() {
      return frames;
    },
    get bytes() {
      return bytes;
    },
  };
}

/**
 * Runs the send loop: open loop at `rate` marks/s spread over the judges, or closed loop
 * (each judge's first send here, the next on its ack). Returns when warm-up plus measured time
 * have passed; `measureFrom` is when counting starts.
 */
async function drive(o: LoadOptions, send: (k: number) => void, onMeasure: () => void) {
  const warmup = o.warmup ?? 1;
  const start = performance.now();
  const measureFrom = start + warmup * 1000;
  const measureTimer = setTimeout(onMeasure, warmup * 1000);
  if (o.rate === 0) for (let k = 0; k < o.judges; k++) send(k);
  let timer: ReturnType<typeof setInterval> | null = null;
  if (o.rate > 0) {
    let due = 0;
    let k = 0;
    timer = setInterval(() => {
      const target = Math.floor(((performance.now() - start) / 1000) * o.rate);
      for (; due < target; due++) send(k++ % o.judges);
    }, 1);
  }
  await new Promise((r) => setTimeout(r, (warmup + o.seconds) * 1000));
  if (timer) clearInterval(timer);
  clearTimeout(measureTimer);
  return { measureFrom, measuredSeconds: (performance.now() - measureFrom) / 1000 };
}

/** One scenario's figures, the same way for the product and the relay. */
function summarise(
  o: LoadOptions,
  m: {
    sent: number;
    acked: number;
    rejected: number;
    ackMs: number[];
    /** Send time of each revision (product) or sequence number (relay). */
    sentAt: Map<number, number>;
    measureFrom: number;
    seconds: number;
    seen: ReturnType<typeof watch>;
    cpu: number;
    proc: Proc;
    rssBefore: number;
    rssViewers: number;
  },
): LoadResult {
  const viewerMs: number[] = [];
  for (const [rev, t] of m.sentAt) {
    const r = m.seen.byRev.get(rev);
    if (t >= m.measureFrom && r && r.count >= o.viewers) viewerMs.push(r.last - t);
  }
  return {
    judges: o.judges,
    viewers: o.viewers,
    rate: o.rate || 'closed-loop',
    sent: m.sent,
    acked: m.acked,
    rejected: m.rejected,
    ackMs: { p50: q(m.ackMs, 0.5), p99: q(m.ackMs, 0.99) },
    lastViewerMs: o.viewers ? { p50: q(viewerMs, 0.5), p99: q(viewerMs, 0.99) } : null,
    ackedPerSecond: Math.round(m.acked / m.seconds),
    deliveriesPerSecond: Math.round(m.seen.deliveries / m.seconds),
    bytesPerDelivery: m.seen.deliveries ? Math.round(m.seen.bytes / m.seen.deliveries) : null,
    framesPerSecond: Math.round(m.seen.frames / m.seconds),
    serverCpuPercent: Math.round((m.cpu / m.seconds) * 100),
    serverRssMiB: m.proc.rssMiB(),
    memoryPerViewerKiB: o.viewers
      ? Math.round(((m.rssViewers - m.rssBefore) * 1024) / o.viewers)
      : null,
  };
}

async function settle(done: () => boolean, ms = 10_000) {
  const t0 = performance.now();
  while (!done() && performance.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
}

/** Drives the product: judges log in with `tokens`, viewers watch `slug`. */
export async function loadProduct(
  server: Proc,
  tokens: string[],
  slug: string,
  o: LoadOptions,
): Promise<LoadResult> {
  const ws = server.url.replace('http', 'ws');
  const rssBefore = server.rssMiB();
  const viewers = await openMany(`${ws}/ws/board?competition=${slug}`, o.viewers);
  await new Promise((r) => setTimeout(r, 300)); // the snapshots arrive first
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
  let measuring = false;
  let measureAt = Infinity;
  const seen = watch(viewers, () => measuring);
  const sentAt = new Map<string, number>();
  const lineOf = new Map<string, string>();
  const revSentAt = new Map<number, number>();
  const ackMs: number[] = [];
  let acked = 0;
  let rejected = 0;
  let sent = 0;
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
        if (counted) {
          acked++;
          ackMs.push(performance.now() - t0);
        }
      } else if (counted) rejected++;
      if (o.rate === 0 && running) send(k);
    }),
  );
  // A line is reused only after many others, long after its ack named the head to supersede.
  let cpu0 = 0;
  const { measureFrom, measuredSeconds } = await drive(o, send, () => {
    cpu0 = server.cpuSeconds();
    measuring = true;
    measureAt = performance.now();
  });
  running = false;
  const cpu = server.cpuSeconds() - cpu0;
  await settle(() => sentAt.size === 0);
  const lastRev = Math.max(0, ...revSentAt.keys());
  await settle(() => !o.viewers || (seen.byRev.get(lastRev)?.count ?? 0) >= o.viewers);
  const result = summarise(o, {
    sent,
    acked,
    rejected,
    ackMs,
    sentAt: revSentAt,
    measureFrom,
    seconds: measuredSeconds,
    seen,
    cpu,
    proc: server,
    rssBefore,
    rssViewers,
  });

  for (const v of viewers) v.terminate();
  for (const { s } of judges) s.terminate();
  return result;
}

/** Plausible values per solo sheet, varied by n. */
function valuesFor(sheetId: string, n: number): Record<string, unknown> {
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

/** The same load against the bare relay: a message of a mark's size in, broadcast to all. */
export async function loadRelay(relay: Proc, o: LoadOptions): Promise<LoadResult> {
  const ws = relay.url.replace('http', 'ws');
  const rssBefore = relay.rssMiB();
  const viewers = await openMany(ws, o.viewers);
  const rssViewers = relay.rssMiB();
  const judges = await openMany(ws, o.judges);
  let measuring = false;
  let firstMeasured = Infinity;
  let warmAcked = 0;
  const seen = watch(viewers, () => measuring);
  const sentAt = new Map<number, number>();
  const ackMs: number[] = [];
  let seq = 0;
  let acked = 0;
  let running = true;
  const pad = 'x'.repeat(220); // a mark.submit frame is about this size
  const send = (k: number) => {
    const n = ++seq;
    sentAt.set(n, performance.now());
    judges[k]!.send(`{"seq":${n},"by":${k},"pad":"${pad}"}`);
  };
  judges.forEach((s, k) =>
    s.on('message', (d: Buffer) => {
      const m = /"seq":(\d+),"by":(\d+)/.exec(d.toString('latin1', 0, 40));
      if (!m || Number(m[2]) !== k) return;
      if (Number(m[1]) >= firstMeasured) {
        acked++;
        ackMs.push(performance.now() - sentAt.get(Number(m[1]))!);
      } else warmAcked++;
      if (o.rate === 0 && running) send(k);
    }),
  );
  let cpu0 = 0;
  const { measureFrom, measuredSeconds } = await drive(o, send, () => {
    cpu0 = relay.cpuSeconds();
    measuring = true;
    firstMeasured = seq + 1;
  });
  running = false;
  const cpu = relay.cpuSeconds() - cpu0;
  await settle(() => acked + warmAcked >= seq);
  await settle(() => !o.viewers || (seen.byRev.get(seq)?.count ?? 0) >= o.viewers);
  const result = summarise(o, {
    sent: seq - (Number.isFinite(firstMeasured) ? firstMeasured - 1 : 0),
    acked,
    rejected: 0,
    ackMs,
    sentAt,
    measureFrom,
    seconds: measuredSeconds,
    seen,
    cpu,
    proc: relay,
    rssBefore,
    rssViewers,
  });

  for (const v of [...viewers, ...judges]) v.terminate();
  return result;
}
