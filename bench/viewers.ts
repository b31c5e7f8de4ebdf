/**
 * The board viewers of the live benchmark (bench/live.ts): opening their sockets, and checking
 * per viewer that every revision arrived exactly once and in order (`Deliveries`). The
 * product's and the relay's viewers run in a worker thread (bench/viewer-worker.ts, driven from
 * here by `ViewerThread`), so their frame parsing never delays the judges' acks in the load
 * generator; NodeCG's socket.io viewers (bench/nodecg.ts) use `Deliveries` in-process.
 */
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';

/**
 * Now, in ms, comparable across threads: each thread's `performance.now()` counts from its own
 * start, so viewers' times (and the send times they are held against) are taken on this clock.
 */
export const clock = () => performance.timeOrigin + performance.now();

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

/**
 * What `summarise` (bench/live.ts) makes the viewers' figures of, once the run has settled.
 */
export interface ViewerReport {
  /** Per revision: how many viewers received it, and when the last of them did (`clock`). */
  byRev: Map<number, { count: number; last: number }>;
  /** Marks delivered to viewers, frames and bytes that carried them, while measuring. */
  deliveries: number;
  frames: number;
  bytes: number;
  delivery: DeliveryCounts | null;
}

/** The viewers of a run: in this thread (`Deliveries`) or in a worker (`ViewerThread`). */
export interface Viewers {
  /** Whether every one of the first `viewers` has everything up to `last`. */
  reached(viewers: number, last: number): boolean | Promise<boolean>;
  /** Revisions received so far, over all viewers: settles wait while this still moves. */
  progress(): number | Promise<number>;
  report(viewers: number, last: number): ViewerReport | Promise<ViewerReport>;
}

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
export class Deliveries implements Viewers {
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
  frame(i: number, from: number, revision: number, bytes: number, now = clock()): void {
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

  report(viewers: number, last: number): ViewerReport {
    const { byRev, deliveries, frames, bytes } = this;
    return { byRev, deliveries, frames, bytes, delivery: this.counts(viewers, last) };
  }
}

/** A request to the viewer worker (bench/viewer-worker.ts); all but `measure` are answered. */
export type ViewerRequest =
  | { op: 'measure' }
  | { id: number; op: 'open'; urls: string[]; viewers: number; start?: number }
  | { id: number; op: 'reached' | 'report'; viewers: number; last: number }
  | { id: number; op: 'progress' | 'close' };

/** The worker's answer to request `id`. */
export type ViewerAnswer = { id: number; value: unknown } | { id: number; error: string };

/**
 * Viewers in a worker thread (bench/viewer-worker.ts), with their own event loop: they open
 * and check their sockets there, and answer here only what the run asks. The worker loads
 * TypeScript through tsx's API (`register`): on Node 20 a `--import tsx` in a worker's
 * `execArgv` does not reach the worker's own entry module.
 */
export class ViewerThread implements Viewers {
  readonly #worker: Worker;
  readonly #calls = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #id = 0;
  #failed: Error | null = null;

  constructor() {
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(new URL('./viewer-worker.ts', import.meta.url).href);
    this.#worker = new Worker(
      `import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`,
      { eval: true, execArgv: [] },
    );
    this.#worker.on('message', (m: ViewerAnswer) => {
      const call = this.#calls.get(m.id);
      if (!call) return;
      this.#calls.delete(m.id);
      if ('error' in m) call.reject(new Error(`viewer worker: ${m.error}`));
      else call.resolve(m.value);
    });
    const fail = (err: Error) => {
      this.#failed ??= err;
      for (const call of this.#calls.values()) call.reject(err);
      this.#calls.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`viewer worker exited (${code})`)));
  }

  #call<T>(request: DistributiveOmit<Exclude<ViewerRequest, { op: 'measure' }>, 'id'>): Promise<T> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = ++this.#id;
    return new Promise<T>((resolve, reject) => {
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  /**
   * Opens `viewers` sockets to `url` (to a list of addresses: as evenly as they go, in turn),
   * in waves as `openMany`; with `start`, each viewer starts there (the relay's viewers, which
   * get no snapshot).
   */
  open(url: string | string[], viewers: number, start?: number): Promise<void> {
    const urls = typeof url === 'string' ? [url] : url;
    return this.#call({ op: 'open', urls, viewers, ...(start === undefined ? {} : { start }) });
  }

  /** From now on the worker counts frames, bytes and deliveries. */
  measure(): void {
    this.#worker.postMessage({ op: 'measure' } satisfies ViewerRequest);
  }

  reached(viewers: number, last: number): Promise<boolean> {
    return this.#call({ op: 'reached', viewers, last });
  }

  progress(): Promise<number> {
    return this.#call({ op: 'progress' });
  }

  report(viewers: number, last: number): Promise<ViewerReport> {
    return this.#call({ op: 'report', viewers, last });
  }

  /** Terminates the viewers' sockets, then the worker. */
  async close(): Promise<void> {
    await this.#call({ op: 'close' }).catch(() => undefined);
    await this.#worker.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
