/**
 * The optional peer of `npm run bench -- --peer`: NodeCG (https://nodecg.dev), the framework
 * behind many esports and speedrun scoreboards, where state lives in a "replicant" synced to
 * every page over socket.io. Installed on demand (bench/nodecg/package.json and its lock, into
 * node_modules/.cache/jx-nodecg-peer; never by the project's `npm ci`), run in its own process
 * like the product, and driven through its own client protocol: every judge and viewer is a
 * socket.io client that joins the replicant's room and declares it, as NodeCG's browser client
 * does; a judge's write is a `replicant:proposeOperations` (one row of a 35-row standings table,
 * and the judge's write counter), which NodeCG applies, numbers (the replicant's revision) and
 * broadcasts as `replicant:operations` to the room, the writer included (its only
 * acknowledgement: NodeCG answers a proposal only to reject it). Its durability: acknowledged
 * writes that survive a SIGKILL (NodeCG persists a replicant at most every 100 ms, after the
 * change is broadcast).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { readFixture } from '../server/plugins/seed.ts';
import { Deliveries, measureRun } from './live.ts';
import type { LoadOptions, LoadResult } from './live.ts';
import { ROOT, track, waitForLine, type Proc } from './procs.ts';

const MANIFEST = join(ROOT, 'bench', 'nodecg');
const INSTALL = join(ROOT, 'node_modules', '.cache', 'jx-nodecg-peer');
const NAMESPACE = 'jx-standings'; // the bundle: bench/nodecg/package.json's name
const REPLICANT = 'standings';

export type Peer = { peer: 'nodecg'; skipped: string } | { peer: 'nodecg'; version: string };

const want = () =>
  (
    JSON.parse(readFileSync(join(MANIFEST, 'package.json'), 'utf8')) as {
      dependencies: { nodecg: string };
    }
  ).dependencies.nodecg;

/** The installed NodeCG's version, or null when it is not installed (or not as pinned). */
function installed(): string | null {
  const pkg = join(INSTALL, 'node_modules', 'nodecg', 'package.json');
  const sqlite = join(INSTALL, 'node_modules', 'better-sqlite3', 'build', 'Release');
  if (!existsSync(pkg) || !existsSync(join(sqlite, 'better_sqlite3.node'))) return null;
  const lock = (dir: string) => readFileSync(join(dir, 'package-lock.json'), 'utf8');
  if (!existsSync(join(INSTALL, 'package-lock.json')) || lock(INSTALL) !== lock(MANIFEST))
    return null;
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * Installs the pinned NodeCG with `npm ci` from its lock (a few minutes the first time: 650
 * packages, and better-sqlite3 built from source when no prebuilt binary can be fetched), or
 * says why it cannot.
 */
export function ensureNodecg(log: (s: string) => void): Peer {
  let version = installed();
  if (!version) {
    log(`installing NodeCG ${want()} into ${INSTALL} (npm ci; a few minutes the first time)`);
    try {
      mkdirSync(INSTALL, { recursive: true });
      for (const f of ['package.json', 'package-lock.json'])
        copyFileSync(join(MANIFEST, f), join(INSTALL, f));
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: INSTALL,
        stdio: ['ignore', process.stderr, process.stderr],
        timeout: 20 * 60_000,
      });
    } catch (err) {
      return { peer: 'nodecg', skipped: `npm ci of nodecg@${want()} failed: ${String(err)}` };
    }
    version = installed();
    if (!version)
      return { peer: 'nodecg', skipped: `nodecg@${want()} did not install (no native sqlite)` };
  }
  return { peer: 'nodecg', version };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts NodeCG in its own process on a free port with its own runtime folder (config and
 * database), `root`, kept across a restart when given.
 */
export async function startNodecg(root = mkdtempSync(join(tmpdir(), 'jx-bench-nodecg-'))) {
  const port = await freePort();
  mkdirSync(join(root, 'cfg'), { recursive: true });
  writeFileSync(
    join(root, 'cfg', 'nodecg.json'),
    JSON.stringify({ host: '127.0.0.1', port, logging: { console: { level: 'info' } } }),
  );
  const child = spawn(process.execPath, [join('node_modules', 'nodecg', 'index.js')], {
    cwd: INSTALL,
    env: { ...process.env, NODECG_ROOT: root },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(child, /NodeCG running on/);
  return { ...track(child, `http://127.0.0.1:${port}`), root };
}

/**
 * A socket.io client over a bare websocket (Engine.IO 4): what NodeCG's browser client speaks,
 * without socket.io-client's decoding in the load generator (viewers read a frame's head,
 * as the product's viewers do).
 */
class Sio {
  readonly ws: WebSocket;
  /** Ack callbacks by id, given the ack's arguments unparsed (`[…]`). */
  #acks = new Map<number, (args: string) => void>();
  #id = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
  }

  /** Connects to the root namespace; `onEvent` gets every event frame (`42[…]`) as it came. */
  static connect(url: string, onEvent?: (data: Buffer) => void): Promise<Sio> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    const sio = new Sio(ws);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const c = data[0];
        if (c === 0x32 && data.length === 1)
          ws.send('3'); // ping → pong
        else if (c === 0x30)
          ws.send('40'); // open → connect to "/"
        else if (c !== 0x34) return;
        else if (data[1] === 0x30)
          resolve(sio); // connected
        else if (data[1] === 0x32) onEvent?.(data);
        else if (data[1] === 0x33) {
          // Parsed only by who needs the arguments: a rejected proposal carries the whole value.
          const bracket = data.indexOf(0x5b);
          const id = Number(data.toString('latin1', 2, bracket));
          sio.#acks.get(id)?.(data.toString('utf8', bracket));
          sio.#acks.delete(id);
        }
      });
    });
  }

  emit(event: string, data: unknown, ack?: (args: string) => void): void {
    if (!ack) return this.ws.send(`42${JSON.stringify([event, data])}`);
    const id = this.#id++;
    this.#acks.set(id, ack);
    this.ws.send(`42${id}${JSON.stringify([event, data])}`);
  }

  call(event: string, data: unknown): Promise<unknown[]> {
    return new Promise((resolve) =>
      this.emit(event, data, (args) => resolve(JSON.parse(args) as unknown[])),
    );
  }

  /** Joins the replicant's room and declares it, as the browser client does: its revision and value. */
  async declare(opts: object = {}): Promise<{ revision: number; value: Standings }> {
    await this.call('joinRoom', `replicant:${NAMESPACE}:${REPLICANT}`);
    const [err, data] = await this.call('replicant:declare', {
      name: REPLICANT,
      namespace: NAMESPACE,
      opts,
    });
    if (err) throw new Error(String(err));
    return data as { revision: number; value: Standings };
  }
}

interface Standings {
  rows: object[];
  /** Per writer, the count of its writes applied: what a restart is checked against. */
  writes: Record<string, number>;
}

/** A 35-row standings table shaped like the product's rows (the default contest's riders). */
function standingsTable(): Standings {
  const f = readFixture();
  const stations = f.scheme.modules.flatMap((m) => m.stations.map((s) => s.id));
  return {
    rows: f.contestants.map((c, i) => row(i, c, stations, 0)),
    writes: {},
  };
}

function row(
  i: number,
  c: { bib: string; name: string; organisation: string; drawOrder: number },
  stations: string[],
  n: number,
) {
  const score = ((n * 37 + i * 11) % 1000) / 100;
  return {
    contestantId: i + 1,
    bib: c.bib,
    drawOrder: c.drawOrder,
    name: c.name,
    organisation: c.organisation,
    status: 'active',
    rank: 1 + ((i + n) % 35),
    total: (score * 7).toFixed(2),
    totalUnits: Math.round(score * 700),
    modules: { theory: score.toFixed(2), practical: (score * 6).toFixed(2) },
    stations: Object.fromEntries(
      stations.map((s) => [s, { score: score.toFixed(2), status: 'scored', locked: false }]),
    ),
    keys: [Math.round(score * 600), Math.round(score * 100)],
    provisional: true,
  };
}

const OPS =
  /"revision":(\d+),"operations":\[\{"path":"\/writes","method":"update","args":\{"prop":"w(\d+)","newValue":(\d+)/;

/**
 * The product's load against NodeCG: J writers and V viewers, all socket.io clients of the
 * standings replicant. A write replaces one row and bumps the writer's counter, in one
 * proposal (one revision).
 */
export async function loadNodecg(peer: Proc, o: LoadOptions): Promise<LoadResult> {
  const table = standingsTable();
  const f = readFixture();
  const stations = f.scheme.modules.flatMap((m) => m.stations.map((s) => s.id));
  const rssBefore = peer.rssMiB();
  // The first client declares it with the table (a dashboard panel declaring a default).
  const setup = await Sio.connect(peer.url);
  const start = (await setup.declare({ defaultValue: table })).revision;
  let measuring = false;
  const seen = new Deliveries(() => measuring);
  const viewers: Sio[] = [];
  for (let i = 0; i < o.viewers; i += 100)
    viewers.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, o.viewers - i) }, async (_, j) => {
          const v = await Sio.connect(peer.url, (d) => {
            const m = /"revision":(\d+)/.exec(d.toString('latin1', 0, 120));
            if (m) seen.frame(i + j, Number(m[1]), Number(m[1]), d.length);
          });
          seen.start(i + j, (await v.declare()).revision);
          return v;
        }),
      )),
    );
  const rssViewers = peer.rssMiB();
  let firstMeasured = Infinity;
  const sentAt: Map<number, number>[] = [];
  const revSentAt = new Map<number, number>();
  const ackMs: number[] = [];
  const heads: number[] = [];
  const counts: number[] = [];
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  let running = true;
  let lastRev = start;
  const writers: Sio[] = await Promise.all(
    Array.from({ length: o.judges }, async (_, k) => {
      sentAt[k] = new Map();
      counts[k] = 0;
      const w = await Sio.connect(peer.url, (d) => {
        const m = OPS.exec(d.toString('latin1', 0, 200));
        if (!m) return;
        const rev = Number(m[1]);
        heads[k] = Math.max(heads[k]!, rev); // what the client knows: its next proposal's base
        lastRev = Math.max(lastRev, rev);
        if (Number(m[2]) !== k) return;
        const n = Number(m[3]);
        const t0 = sentAt[k]!.get(n);
        if (t0 === undefined) return;
        sentAt[k]!.delete(n);
        revSentAt.set(rev, t0);
        if (t0 >= firstMeasured) {
          acked++;
          ackMs.push(performance.now() - t0);
        }
        if (o.rate === 0 && running) send(k);
      });
      heads[k] = (await w.declare()).revision;
      return w;
    }),
  );
  const send = (k: number) => {
    const n = ++counts[k]!;
    const i = (k + n * o.judges) % table.rows.length;
    const t0 = performance.now();
    sentAt[k]!.set(n, t0);
    if (measuring) sent++;
    writers[k]!.emit(
      'replicant:proposeOperations',
      {
        name: REPLICANT,
        namespace: NAMESPACE,
        operations: [
          { path: '/writes', method: 'update', args: { prop: `w${k}`, newValue: n } },
          {
            path: '/rows',
            method: 'update',
            args: { prop: String(i), newValue: row(i, f.contestants[i]!, stations, n) },
          },
        ],
        revision: heads[k],
        opts: {},
      },
      // NodeCG answers only to reject (a proposal on an old revision), and applies it anyway.
      () => {
        if (t0 >= firstMeasured) rejected++;
      },
    );
  };
  const result = await measureRun(o, peer, seen, send, {
    onMeasure: () => {
      measuring = true;
      firstMeasured = performance.now();
    },
    stop: () => (running = false),
    unanswered: () => sentAt.reduce((n, m) => n + m.size, 0),
    // Every write applied: the revision the last of them made.
    last: () => start + counts.reduce((a, b) => a + b, 0),
    figures: () => ({ sent, acked, rejected, ackMs, sentAt: revSentAt }),
    rssBefore,
    rssViewers,
  });
  for (const c of [setup, ...viewers, ...writers]) c.ws.terminate();
  return result;
}

/**
 * Durability: `rounds` times, 10 writers write as fast as NodeCG echoes them for `seconds`,
 * NodeCG is killed (SIGKILL) and restarted on the same folder; each writer's acknowledged
 * writes (echoed to it) are then held against its counter in the persisted replicant. Writes
 * of one writer apply in order, so counter m persisted means its first m writes survived.
 */
export async function nodecgCrash(rounds: number, seconds: number) {
  const judges = 10;
  let peer = await startNodecg();
  const root = peer.root;
  let acknowledged = 0;
  let survived = 0;
  for (let round = 0; round < rounds; round++) {
    const acked = new Array<number>(judges).fill(0);
    let running = true;
    const heads: number[] = [];
    const writers: Sio[] = [];
    const send = (k: number) => {
      if (!running) return;
      writers[k]!.emit(
        'replicant:proposeOperations',
        {
          name: REPLICANT,
          namespace: NAMESPACE,
          operations: [
            {
              path: '/writes',
              method: 'update',
              args: { prop: `w${round * judges + k}`, newValue: acked[k]! + 1 },
            },
          ],
          revision: heads[k],
          opts: {},
        },
        // As NodeCG's client always does: without a callback, a proposal on an old revision
        // throws in NodeCG's handler and is dropped.
        () => undefined,
      );
    };
    const first = await Sio.connect(peer.url);
    await first.declare({ defaultValue: standingsTable() });
    for (let k = 0; k < judges; k++) {
      const w = await Sio.connect(peer.url, (d) => {
        const m = OPS.exec(d.toString('latin1', 0, 200));
        if (!m) return;
        heads[k] = Math.max(heads[k] ?? 0, Number(m[1]));
        if (Number(m[2]) !== round * judges + k) return;
        acked[k] = Math.max(acked[k]!, Number(m[3]));
        send(k);
      });
      heads[k] = (await w.declare()).revision;
      writers.push(w);
    }
    writers.forEach((_, k) => send(k));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    running = false;
    await peer.stop('SIGKILL');
    for (const c of [first, ...writers]) c.ws.terminate();
    peer = await startNodecg(root);
    const reader = await Sio.connect(peer.url);
    const { value } = await reader.declare();
    reader.ws.terminate();
    for (let k = 0; k < judges; k++) {
      acknowledged += acked[k]!;
      survived += Math.min(acked[k]!, value?.writes?.[`w${round * judges + k}`] ?? 0);
    }
  }
  await peer.stop();
  rmSync(root, { recursive: true, force: true });
  return { rounds, acknowledged, survived, lostAcknowledged: acknowledged - survived };
}

/** NodeCG's scenarios of this run, beside the product's (same options, same schedule). */
export async function nodecgScenarios(
  scenarios: LoadOptions[],
  log: (s: string) => void,
): Promise<LoadResult[]> {
  const out: LoadResult[] = [];
  for (const sc of scenarios) {
    log(`nodecg J=${sc.judges} V=${sc.viewers} rate=${sc.rate} ${sc.arrivals ?? 'even'}`);
    const peer = await startNodecg();
    try {
      out.push(await loadNodecg(peer, sc));
    } finally {
      await peer.stop();
      rmSync(peer.root, { recursive: true, force: true });
    }
  }
  return out;
}
