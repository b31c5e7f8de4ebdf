/**
 * The board viewers of one live run, in a worker thread of the load generator (started by
 * `ViewerThread`, bench/viewers.ts): they open their sockets and check every frame here, on
 * their own event loop, so the judges' acks in the main thread never wait behind them. Answers
 * the main thread's requests (`ViewerRequest`); times are on `clock`, comparable across threads.
 */
import { parentPort } from 'node:worker_threads';
import type WebSocket from 'ws';
import { Deliveries, openMany, type ViewerAnswer, type ViewerRequest } from './viewers.ts';

const port = parentPort!;
let measuring = false;
const seen = new Deliveries(() => measuring);
let sockets: WebSocket[] = [];

async function answer(m: Exclude<ViewerRequest, { op: 'measure' }>): Promise<unknown> {
  switch (m.op) {
    case 'open': {
      // Viewer numbers run on across the addresses: viewer `base + i` is the i-th on its address.
      let base = 0;
      for (const [k, url] of m.urls.entries()) {
        const count = Math.floor((m.viewers + k) / m.urls.length);
        const first = base;
        sockets.push(...(await openMany(url, count, (i) => (d) => seen.board(first + i, d))));
        base += count;
      }
      if (m.start !== undefined) for (let i = 0; i < m.viewers; i++) seen.start(i, m.start);
      return null;
    }
    case 'reached':
      return seen.reached(m.viewers, m.last);
    case 'progress':
      return seen.progress();
    case 'report':
      return seen.report(m.viewers, m.last);
    case 'close':
      for (const s of sockets) s.terminate();
      sockets = [];
      return null;
  }
}

port.on('message', (m: ViewerRequest) => {
  if (m.op === 'measure') {
    measuring = true;
    return;
  }
  answer(m).then(
    (value) => port.postMessage({ id: m.id, value } satisfies ViewerAnswer),
    (err: unknown) => port.postMessage({ id: m.id, error: String(err) } satisfies ViewerAnswer),
  );
});
