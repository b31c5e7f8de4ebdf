import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import pg from 'pg';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { buildApp, type AppOptions } from './app.ts';
import { readFestival, readFixture } from './plugins/seed.ts';
import { PROTOCOL_VERSION } from './protocol/constants.ts';
import type {
  BoardServerMessage,
  JudgeServerMessage,
  JudgeWelcome,
  MarkAck,
  MarkReject,
} from './protocol/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The run's throwaway PostgreSQL cluster (`postgres://…/postgres`) when the server suite runs
     * on PostgreSQL (vitest.pg.config.ts, server/support/pg-global-setup.ts); absent in the
     * SQLite run.
     */
    pgUrl?: string;
  }
}

/**
 * The PostgreSQL database of a data folder when the suite runs on PostgreSQL
 * (vitest.pg.config.ts): one per folder in the run's throwaway cluster, made on first use, so a
 * test that restarts its server on the same folder finds the same data. Undefined in the
 * SQLite run.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const cluster = inject('pgUrl');
  if (!cluster) return undefined;
  const name = `jx_${createHash('sha256').update(dataDir).digest('hex').slice(0, 20)}`;
  const admin = new pg.Client({ connectionString: cluster });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.replace(/\/[^/]*$/, `/${name}`);
}

/** Rows in one of the app's tables, on either engine. */
export async function countRows(
  app: { store: { db: import('../db/client.ts').Db; t: typeof import('../db/schema.ts') } },
  table: 'marks' | 'auditLog' | 'contestants' | 'officials' | 'sessions',
): Promise<number> {
  const [row] = await app.store.db.select({ n: count() }).from(app.store.t[table]);
  return Number(row!.n);
}

/**
 * Test support: the real app on a real SQLite file in a temp folder (or, in the PostgreSQL run,
 * on a database of its own in a real throwaway cluster), listening on a free loopback port, and
 * real websocket clients. No mocks.
 */
export async function startTestServer(
  dataDir = mkdtempSync(join(tmpdir(), 'jx-test-')),
  fixture?: string,
  options: Partial<AppOptions> = {},
) {
  const databaseUrl = await testDatabaseUrl(dataDir);
  const app = await buildApp({ dataDir, fixture, databaseUrl, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    dataDir,
    ws: url.replace('http', 'ws'),
    /** The loaded file as a festival, and its first competition. */
    festival: readFestival(fixture),
    fixture: readFestival(fixture).competitions[0]!,
    /** Stops the server; keeps the data folder unless `remove`. */
    async close(remove = true) {
      await closeApp(app);
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Closes `app` as a test's end must: a test's fetch may leave a keep-alive connection
 * mid-response (a large export), and a browser may hold one the server cannot tell is idle;
 * after `graceMs` every connection is ended, so the close never hangs the suite.
 */
export async function closeApp(
  app: { close(): PromiseLike<unknown>; server: { closeAllConnections(): void } },
  graceMs = 2_000,
): Promise<void> {
  const closing = app.close();
  const force = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await closing;
  } finally {
    clearTimeout(force);
  }
}

/** A websocket that queues every frame it receives, so tests can await the next one. */
export class TestSocket<M extends { type: string }> {
  readonly ws: WebSocket;
  readonly received: M[] = [];
  #waiters: { pred: (m: M) => boolean; resolve: (m: M) => void; reject: (e: Error) => void }[] = [];
  #pings = 0;
  closed: Promise<{ code: number; reason: string }>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as M;
      this.received.push(m);
      this.#waiters = this.#waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The first frame (already received or future) matching `pred`, after index `from`. */
  next<T extends M>(pred: (m: M) => boolean, timeoutMs = 10_000, from = 0): Promise<T> {
    const have = this.received.slice(from).find(pred);
    if (have) return Promise.resolve(have as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject,
      });
    });
  }

  /**
   * A barrier: sends a protocol `ping` (board and judge sockets answer it) and resolves with the
   * `pong` that answers it. The server writes a socket's frames in order, so every frame it
   * wrote to this socket before it read the ping is in `received` by then. To show that no
   * frame came of something, pass the barrier after the server has sent that something's frames
   * to another socket (a staff board's delta, a judge's ack): a throttle that held a frame back
   * would have held the other socket's too.
   */
  async barrier(timeoutMs = 10_000): Promise<void> {
    const t = ++this.#pings;
    const answered = this.next(
      (m) => m.type === 'pong' && (m as { t?: number }).t === t,
      timeoutMs,
    );
    this.send({ type: 'ping', t });
    await answered;
  }

  /** The frames received so far other than the pongs of `barrier()`. */
  get frames(): M[] {
    return this.received.filter((m) => m.type !== 'pong');
  }

  close(): void {
    this.ws.close();
  }
}

export type JudgeSocket = TestSocket<JudgeServerMessage> & { welcome: JudgeWelcome };

/** Connects a judge tablet and logs in with the token. */
export async function connectJudge(wsBase: string, token: string): Promise<JudgeSocket> {
  const s = new TestSocket<JudgeServerMessage>(`${wsBase}/ws/judge`) as JudgeSocket;
  await s.opened();
  s.send({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token });
  s.welcome = await s.next<JudgeWelcome>((m) => m.type === 'judge.welcome' || m.type === 'error');
  return s;
}

/** Submits a mark and awaits its ack or reject. */
export async function submitMark(
  judge: JudgeSocket,
  mark: {
    contestantId: number;
    sheetId: string;
    values: Record<string, unknown>;
    clientId?: string;
    reason?: string;
    attempt?: number;
    seen?: number | null;
  },
): Promise<MarkAck | MarkReject> {
  const clientId = mark.clientId ?? randomUUID();
  judge.send({ type: 'mark.submit', ...mark, clientId });
  return judge.next<MarkAck | MarkReject>(
    (m) => (m.type === 'mark.ack' || m.type === 'mark.reject') && m.clientId === clientId,
  );
}

export function connectBoard(wsBase: string, slug: string, since?: number) {
  return new TestSocket<BoardServerMessage>(
    `${wsBase}/ws/board?competition=${slug}${since === undefined ? '' : `&since=${since}`}`,
  );
}

/**
 * A barrier behind every board frame of what happened so far, for "no frame reached the board":
 * the organiser (O01 of `fixture`) freezes the competition `slug`, and this resolves with the
 * frames `board` had received before the freeze reached it. The server sends a change of course
 * at once, after any frames its pacing still held back (server/plugins/live.ts; a public board
 * gets those too, as they were committed while live), in order on every board socket, so
 * nothing sent for earlier marks can come later. Frames may coalesce several revisions
 * (`from`…`revision`): count revisions, not frames. The competition stays frozen: call it last
 * in a test.
 */
export async function framesBeforeFreeze(
  server: { url: string; fixture: ReturnType<typeof readFixture> },
  slug: string,
  board: TestSocket<BoardServerMessage>,
): Promise<BoardServerMessage[]> {
  const r = await fetch(`${server.url}/api/competitions/${slug}/course`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
    },
    body: JSON.stringify({ action: 'competition.freeze' }),
  });
  if (r.status !== 200) throw new Error(`freeze answered ${r.status}: ${await r.text()}`);
  return framesBeforeFrozen(board);
}

/**
 * The frames `board` received before the freeze reached it (a freeze made otherwise, e.g. by
 * {@link framesBeforeFreeze} through another board).
 */
export async function framesBeforeFrozen(
  board: TestSocket<BoardServerMessage>,
): Promise<BoardServerMessage[]> {
  const frozen = await board.next(
    (m) =>
      (m.type === 'board.snapshot' || m.type === 'board.delta') &&
      m.competition?.state === 'frozen',
  );
  return board.received.slice(0, board.received.indexOf(frozen));
}

/** Token of a fixture official by code (J01…). */
export function tokenOf(fixture: ReturnType<typeof readFixture>, code: string): string {
  return fixture.officials.find((o) => o.code === code)!.token;
}

/**
 * The default contest as the panel-owner tests need it (docs/scheme.md, "Whose line a mark
 * is"): the emergency panel (J08, J09, J10) counts missed steps besides judging, J08 records
 * them; with `packagingByOne`, the packaging sheet is filled by one judge. Written as
 * `fixture.json` in `dir`; returns its path.
 */
export function writeOwnersFixture(
  dir = mkdtempSync(join(tmpdir(), 'jx-owners-')),
  { packagingByOne = true } = {},
): string {
  const f = JSON.parse(
    readFileSync(new URL('../fixtures/gaoxin-2024/fixture.json', import.meta.url), 'utf8'),
  );
  for (const m of f.scheme.modules)
    for (const st of m.stations) {
      if (st.id === 'packaging' && packagingByOne) st.judges = 1;
      if (st.id === 'emergency') {
        st.criteria[0].points = 10;
        st.criteria.push({
          id: 'emergency-steps',
          kind: 'faults',
          label: { zh: '漏做步骤', en: 'Missed steps' },
          points: 5,
          floor: 0,
          faults: [
            { id: 'missed-step', label: { zh: '漏做一步', en: 'Missed a step' }, deduction: 1 },
          ],
        });
      }
    }
  f.officials.find((o: { code: string }) => o.code === 'J08').records = ['emergency'];
  const file = join(dir, 'fixture.json');
  writeFileSync(file, JSON.stringify(f));
  return file;
}

/**
 * The scheme of a round scored by one imported value, 0–100 (`score` on the station
 * `score-station`, module `m`): version 1 (weight 100, two decimals) or version 2 (the points
 * basis), the value in steps of `step`; `extra` adds top-level fields (`advancement`, `carry`).
 * The rounds of the carry-over and cut tests (server/festival.test.ts, running-total.test.ts).
 */
export function importedScoreScheme(
  id: string,
  { version, step }: { version: 1 | 2; step: number },
  extra: object = {},
) {
  const label = { zh: '成绩', en: 'Score' };
  const station = {
    id: 'score-station',
    label,
    points: 100,
    criteria: [{ kind: 'imported', id: 'score', label, points: 100, step }],
  };
  return {
    schemaVersion: version,
    id,
    label: { zh: id, en: id },
    ...(version === 1 ? { decimals: 2 } : { basis: 'points' }),
    modules: [
      {
        id: 'm',
        label,
        ...(version === 1 ? { weight: 100 } : {}),
        points: 100,
        stations: [station],
      },
    ],
    ...extra,
  };
}

/**
 * One round of a festival file: competition `slug` (titled `label`), round `order` of
 * `event`, `contestants` bibs 1…n named 选手1…, and one organiser O01 with `organiserToken`.
 */
export function roundOf(r: {
  slug: string;
  order: number;
  label?: string;
  event: { id: string; label: { zh: string; en: string } };
  scheme: object;
  contestants: number;
  organiserToken: string;
}) {
  const label = r.label ?? r.slug;
  return {
    competition: { slug: r.slug, title: { zh: label, en: label }, date: '2025-11-15' },
    event: r.event,
    round: { id: r.slug, label: { zh: label, en: label }, order: r.order },
    scheme: r.scheme,
    contestants: Array.from({ length: r.contestants }, (_, i) => ({
      bib: String(i + 1),
      drawOrder: i + 1,
      name: `选手${i + 1}`,
      organisation: '',
    })),
    officials: [
      { code: 'O01', name: '组委会', role: 'organiser', sheets: [], token: r.organiserToken },
    ],
  };
}

/** Writes a festival file (`slug`, `title`) of `competitions` to a temp folder; its path. */
export function writeFestivalFile(
  festival: { slug: string; title: { zh: string; en: string } },
  competitions: object[],
): string {
  const file = join(mkdtempSync(join(tmpdir(), 'jx-rounds-')), 'festival.json');
  writeFileSync(
    file,
    JSON.stringify({ festival: { ...festival, date: '2025-11-15' }, competitions }),
  );
  return file;
}

/**
 * As the round's organiser (`token`), imports `lines` ("bib,score") into the competition
 * `slug` of the server at `url`, locks `score-station` and publishes the results as official;
 * throws with the server's answer when any step is refused.
 */
export async function importLockPublish(
  url: string,
  slug: string,
  token: string,
  lines: string[],
): Promise<void> {
  const post = (path: string, body: string, type: string) =>
    fetch(`${url}/api/competitions/${slug}/${path}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body,
    });
  const steps: [string, string, string][] = [
    ['imports/score', lines.join('\n'), 'text/csv'],
    [
      'course',
      JSON.stringify({ action: 'station.lock', stationId: 'score-station' }),
      'application/json',
    ],
    ['course', JSON.stringify({ action: 'competition.publish' }), 'application/json'],
  ];
  for (const [path, body, type] of steps) {
    const r = await post(path, body, type);
    if (r.status !== 200) throw new Error(`${slug} ${path}: ${r.status} ${await r.text()}`);
  }
}
