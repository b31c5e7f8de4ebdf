/**
 * Load over real websockets on loopback, from this process, against a server in another
 * process: J judges submit marks (at a set rate, or closed-loop as fast as acks come back)
 * while V board viewers receive the deltas. The same load runs against the bare relay (and,
 * with `--peer`, NodeCG: bench/nodecg.ts). Every viewer checks that it received every revision
 * exactly once and in order.
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
  /**
   * `even` (default): one mark every 1/rate s, the judges in turn. `random`: judges marking
   * independently (a Poisson process at `rate`, each mark by a random judge), the same
   * schedule (from `seed`) for the product, the relay and the peer.
   */
  arrivals?: 'even' | 'random';
  seed?: number;
  /** A name for the scenario in the results (e.g. `venue`). */
  name?: string;
}

/**
 * What the viewers received, against what was committed (revisions, or the relay's sequence):
 * each viewer starts at its snapshot (the relay's and NodeCG's viewers: at their start) and
 * must then receive every revision up to the last one exactly once, in order; a merged frame
 * delivers its whole range `from`…`revision`.
 */
export interface DeliveryCounts {
  viewers: number;
  /** Revisions the viewers had to receive (summed over viewers). */
  expected: number;
  /** Revisions received for the first time (in order or late). */
  delivered: number;
  /** Never received. */
  lost: number;
  /** Received again. */
  duplicated: number;
  /** Received after a later revision (filling a gap). */
  reordered: number;
  /** Frames that skipped past the next revision expected. */
  gaps: number;
  /** Snapshots after the first (a board that fell behind and was sent the whole table). */
  resyncs: number;
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

/** Opens a socket; `onMessage` is attached before it opens, so no frame is missed. */
export function open(url: string, onMessage?: (data: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    if (onMessage) ws.on('message', onMessage);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export async function openMany(
  url: string,
  n: number,
  onMessage?: (i: number) => (data: Buffer) => void,
): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  // In waves, so 2,000 handshakes do not overrun the listen backlog.
  for (let i = 0; i < n; i += 100)
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, (_, j) => open(url, onMessage?.(i + j))),
      )),
    );
  return out;
}

const REVISION = /"(?:revision|rev)":(\d+)/;
const FROM = /"from":(\d+)/;

interface ViewerState {
  /** The next revision due; 0 until the viewer has its start. */
  next: number;
  start: number;
  holes: Set<number>;
  delivered: number;
  duplicated: number;
  reordered: number;
  gaps: number;
  resyncs: number;
}

/**
 * Viewers' deliveries: when each revision (or relay sequence number) reached the last of them,
 * and, per viewer, whether every revision arrived exactly once and in order. A coalesced frame
 * (`from`…`revision`) delivers every mark in its range: `deliveries` counts marks delivered to
 * viewers, `frames` the websocket frames that carried them.
 */
export class Deliveries {
  readonly byRev = new Map<number, { count: number; last: number }>();
  deliveries = 0;
  frames = 0;
  bytes = 0;
  readonly #viewers: ViewerState[] = [];
  readonly #measuring: () => boolean;

  constructor(measuring: () => boolean) {
    this.#measuring = measuring;
  }

  #viewer(i: number): ViewerState {
    return (this.#viewers[i] ??= {
      next: 0,
      start: 0,
      holes: new Set(),
      delivered: 0,
      duplicated: 0,
      reordered: 0,
      gaps: 0,
      resyncs: 0,
    });
  }

  /** Viewer `i` starts at `revision` (its snapshot, or what the peer had when it joined). */
  start(i: number, revision: number): void {
    const v = this.#viewer(i);
    if (v.next === 0) {
      v.next = revision + 1;
      v.start = revision;
      return;
    }
    // A later snapshot covers what it had missed; counted, never hidden.
    v.resyncs++;
    for (const r of v.holes) if (r <= revision) v.holes.delete(r);
    v.next = Math.max(v.next, revision + 1);
  }

  /** Viewer `i` received a frame carrying revisions `from`…`revision`. */
  frame(i: number, from: number, revision: number, bytes: number, now = performance.now()): void {
    const v = this.#viewer(i);
    if (v.next === 0) {
      // A frame before any start: nothing to hold it against.
      v.gaps++;
      v.next = from;
      v.start = from - 1;
    }
    if (from > v.next) {
      v.gaps++;
      for (let r = v.next; r < from; r++) v.holes.add(r);
    }
    for (let r = from; r <= revision; r++) {
      if (r >= v.next) v.delivered++;
      else if (v.holes.delete(r)) {
        v.delivered++;
        v.reordered++;
      } else v.duplicated++;
      const seen = this.byRev.get(r);
      if (seen) {
        seen.count++;
        seen.last = now;
      } else this.byRev.set(r, { count: 1, last: now });
    }
    v.next = Math.max(v.next, revision + 1);
    if (this.#measuring()) {
      this.frames++;
      this.deliveries += revision - from + 1;
      this.bytes += bytes;
    }
  }

  /** Parses a board frame of the product (snapshot or delta) or a relay frame, by its head. */
  board(i: number, data: Buffer): void {
    const head = data.toString('latin1', 0, 120);
    const m = REVISION.exec(head);
    if (!m) return;
    const revision = Number(m[1]);
    if (head.startsWith('{"type":"board.snapshot"')) return this.start(i, revision);
    // A delta cut for a board that joined mid-frame carries `from` last.
    const from =
      FROM.exec(head)?.[1] ??
      FROM.exec(data.toString('latin1', Math.max(0, data.length - 24)))?.[1];
    this.frame(i, from === undefined ? revision : Number(from), revision, data.length);
  }

  /** Whether every viewer has everything up to `last`. */
  reached(viewers: number, last: number): boolean {
    for (let i = 0; i < viewers; i++) {
      const v = this.#viewers[i];
      if (!v || v.next <= last || v.holes.size) return false;
    }
    return true;
  }

  /** Revisions received so far, over all viewers: settles wait while this still moves. */
  progress(): number {
    return this.#viewers.reduce((n, v) => n + v.delivered + v.duplicated, 0);
  }

  /** The counts once `last` is the last revision there is. */
  counts(viewers: number, last: number): DeliveryCounts | null {
    if (!viewers) return null;
    const c: DeliveryCounts = {
      viewers,
      expected: 0,
      delivered: 0,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      gaps: 0,
      resyncs: 0,
    };
    for (let i = 0; i < viewers; i++) {
      const v = this.#viewers[i];
      if (!v) {
        c.gaps++; // received nothing at all, not even its start
        continue;
      }
      c.expected += last - v.start;
      c.delivered += v.delivered;
      c.lost += v.holes.size + Math.max(0, last - v.next + 1);
      c.duplicated += v.duplicated;
      c.reordered += v.reordered;
      c.gaps += v.gaps;
      c.resyncs += v.resyncs;
    }
    return c;
  }
}

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
  /** Send time of each revision (product, peer) or relay sequence number. */
  sentAt: Map<number, number>;
  measureFrom: number;
  seconds: number;
  seen: Deliveries;
  /** The last revision there is: every viewer must have received up to it. */
  last: number;
  cpu: number;
  proc: Proc;
  rssBefore: number;
  rssViewers: number;
}

/** One scenario's figures, the same way for the product, the relay and the peer. */
export function summarise(o: LoadOptions, m: LoadResultInput): LoadResult {
  const viewerMs: number[] = [];
  for (const [rev, t] of m.sentAt) {
    const r = m.seen.byRev.get(rev);
    if (t >= m.measureFrom && r && r.count >= o.viewers) viewerMs.push(r.last - t);
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
    delivery: m.seen.counts(o.viewers, m.last),
  };
}

/**
 * Waits until `done`, for as long as `progress` keeps moving (an overloaded server still
 * draining its backlog is waited for; one that stopped is not): gives up after `idleMs`
 * without progress, or `maxMs` in all.
 */
export async function settle(
  done: () => boolean,
  progress: () => number = () => 0,
  idleMs = 5_000,
  maxMs = 120_000,
) {
  const t0 = performance.now();
  let moved = t0;
  let last = progress();
  while (!done()) {
    const now = performance.now();
    const p = progress();
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
  seen: Deliveries,
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
    seen,
    last: side.last(),
    cpu,
    proc,
    rssBefore: side.rssBefore,
    rssViewers: side.rssViewers,
  });
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
  let measuring = false;
  let measureAt = Infinity;
  const seen = new Deliveries(() => measuring);
  const viewers = await openMany(
    `${ws}/ws/board?competition=${slug}`,
    o.viewers,
    (i) => (d) => seen.board(i, d),
  );
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
    },
    stop: () => (running = false),
    unanswered: () => sentAt.size,
    last: () => lastRev,
    figures: () => ({ sent, acked, rejected, ackMs, sentAt: revSentAt }),
    rssBefore,
    rssViewers,
  });

  for (const v of viewers) v.terminate();
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
export async function loadRelay(relay: Proc, o: LoadOptions): Promise<LoadResult> {
  const ws = relay.url.replace('http', 'ws');
  const rssBefore = relay.rssMiB();
  let measuring = false;
  const seen = new Deliveries(() => measuring);
  const viewers = await openMany(ws, o.viewers, (i) => (d) => seen.board(i, d));
  for (let i = 0; i < o.viewers; i++) seen.start(i, 0);
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
      measuring = true;
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

  for (const v of [...viewers, ...judges]) v.terminate();
  return result;
}
