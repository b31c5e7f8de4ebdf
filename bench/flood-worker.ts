/**
 * The hostile spectator of the flood benchmark, in its own process so that its work never
 * slows the judges' load generator: `node --import tsx bench/flood-worker.ts URL SECONDS`.
 * Three floods at once, all anonymous: large JSON bodies to staff routes, board sockets that
 * send large junk frames (reconnecting when closed), and Bearer guessing on staff endpoints.
 * Prints one JSON line of what it sent and how it was answered.
 */
import { request } from 'node:http';
import WebSocket from 'ws';

/**
 * The spectator is another device on the venue Wi-Fi: its requests come from 127.0.0.2, not
 * the judges' 127.0.0.1, as a phone's do from its own address (the per-address budgets are
 * per address; on one shared address a guesser would throttle the judges' logins too).
 */
const FROM = '127.0.0.2';
function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<number | 'reset'>((resolve) => {
    const u = new URL(path, url);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: init.method ?? 'GET',
        headers: init.headers,
        localAddress: FROM,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve('reset'));
    req.end(init.body);
  });
}

const [url = '', secondsArg = '6'] = process.argv.slice(2);
const until = Date.now() + Number(secondsArg) * 1000;
const ws = url.replace('http', 'ws');
const counts = {
  bodies: 0,
  bodyStatus: {} as Record<string, number>,
  junkFrames: 0,
  boardsClosed: 0,
  guesses: 0,
  guessStatus: {} as Record<string, number>,
};
const tally = (m: Record<string, number>, k: number | string) => (m[k] = (m[k] ?? 0) + 1);
const body = '[' + '[[[[1]]]],'.repeat(1_000_000) + '1]'; // 10 MB of nested arrays
const junk = 'x'.repeat(60_000);

async function bodies() {
  while (Date.now() < until) {
    const status = await send('/api/competitions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    counts.bodies++;
    tally(counts.bodyStatus, status);
  }
}

async function board() {
  while (Date.now() < until) {
    await new Promise<void>((resolve) => {
      const s = new WebSocket(`${ws}/ws/board?competition=gaoxin-2024`, {
        perMessageDeflate: false,
      });
      const timer = setInterval(() => {
        if (s.readyState !== WebSocket.OPEN) return;
        s.send(junk);
        counts.junkFrames++;
      }, 20);
      const done = () => {
        clearInterval(timer);
        resolve();
      };
      s.on('close', () => {
        counts.boardsClosed++;
        done();
      });
      s.on('error', done);
      setTimeout(() => (s.terminate(), done()), Math.max(0, until - Date.now()));
    });
  }
}

async function guesses() {
  let n = 0;
  while (Date.now() < until) {
    const token = (n++).toString(16).padStart(32, '0');
    const status = await send('/api/competitions/gaoxin-2024/marks', {
      headers: { authorization: `Bearer ${token}` },
    });
    counts.guesses++;
    tally(counts.guessStatus, status);
  }
}

await Promise.all([
  ...Array.from({ length: 4 }, bodies),
  ...Array.from({ length: 20 }, board),
  ...Array.from({ length: 8 }, guesses),
]);
console.log(JSON.stringify(counts));
process.exit(0);
