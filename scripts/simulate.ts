/**
 * `npm run simulate -- --url URL [--competition SLUG] [--rate N] [--seed N] [--fixture FILE]`
 *
 * Plays a competition or festival file against a running server, competition by competition
 * in the festival's order (events, groups, rounds). In each, the judges play over real
 * websockets exactly as tablets would: each logs in with its token, then submits a plausible
 * mark for every contestant on every sheet it is assigned, in draw order, at about N marks per
 * second overall; every mark waits for the server's ack, and a dropped socket reconnects and
 * resends the same client id. Imported results no judge enters (an online exam) are uploaded
 * as the exam system's CSV by the organiser. A round with an advancement rule is then signed
 * off, published and advanced, so the next round's field is the one that qualified. Exits 0
 * with a JSON summary once every contestant of every competition played is scored everywhere.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { indexScheme, type Sheet } from '../server/engine/index.ts';
import {
  PROTOCOL_VERSION,
  type JudgeServerMessage,
  type JudgeWelcome,
  type MarkAck,
  type MarkReject,
  type StandingsResponse,
} from '../server/protocol/index.ts';
import type {
  CompetitionFixture,
  FestivalSummary,
  TeamsResponse,
} from '../server/protocol/index.ts';
import { readFestival } from '../server/plugins/seed.ts';
import { plausibleValues } from '../fixtures/marks.ts';

const USAGE =
  '用法: npm run simulate -- --url http://localhost:3000 [--competition SLUG] [--rate 20] [--seed 2024] [--fixture FILE]';
let args: {
  url?: string;
  competition?: string;
  rate: string;
  seed: string;
  fixture?: string;
  help?: boolean;
};
try {
  args = parseArgs({
    options: {
      url: { type: 'string' },
      competition: { type: 'string' },
      rate: { type: 'string', default: '20' },
      seed: { type: 'string', default: '2024' },
      fixture: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help || !args.url) {
  console.error(USAGE);
  process.exit(args.help ? 0 : 2);
}
const httpUrl = args.url.replace(/\/$/, '');
const wsUrl = httpUrl.replace(/^http/, 'ws') + '/ws/judge';
const rate = Math.max(0.1, Number(args.rate));
const festival = readFestival(args.fixture);
const files = new Map(festival.competitions.map((f) => [f.competition.slug, f]));
if (args.competition && !files.has(args.competition)) {
  console.error(`the file holds no competition ${args.competition}: pass --fixture`);
  process.exit(2);
}

/** Plausible values for one judge's sheet (fixtures/marks.ts), seeded by `--seed`. */
const valuesFor = (sheet: Sheet, contestantId: number, judgeCode: string) =>
  plausibleValues(sheet, contestantId, judgeCode, Number(args.seed));

interface Job {
  clientId: string;
  contestantId: number;
  sheetId: string;
  values: Record<string, unknown>;
}

/** One simulated tablet: a socket that logs in, resends on reconnect, and awaits acks. */
class Tablet {
  ws!: WebSocket;
  welcome!: JudgeWelcome;
  waiting = new Map<string, { job: Job; resolve: (m: MarkAck | MarkReject) => void }>();
  reconnects = 0;
  /** Set when the simulation is over: a close is then the end, not a drop. */
  done = false;
  constructor(
    readonly code: string,
    readonly token: string,
  ) {}

  connect(): Promise<JudgeWelcome> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { origin: httpUrl } });
      this.ws = ws;
      ws.on('open', () =>
        ws.send(
          JSON.stringify({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token: this.token }),
        ),
      );
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as JudgeServerMessage;
        if (m.type === 'judge.welcome') {
          this.welcome = m;
          // Resend whatever was in flight when the socket dropped: same client id, harmless.
          for (const w of this.waiting.values()) this.send(w.job);
          resolve(m);
        } else if (m.type === 'mark.ack' || m.type === 'mark.reject') {
          const w = m.clientId ? this.waiting.get(m.clientId) : undefined;
          if (w) {
            this.waiting.delete(m.clientId!);
            w.resolve(m);
          }
        } else if (m.type === 'error') console.error(`${this.code}: ${m.message}`);
      });
      ws.on('error', (e) => reject(e));
      ws.on('close', (code, reason) => {
        if (code === 4001) return reject(new Error(`${this.code}: login refused (${reason})`));
        // Any drop but the end reconnects: a tablet with no mark in flight at that moment will
        // have the next one to send (an instance killed behind a balancer, a server restart).
        if (!this.done) {
          this.reconnects++;
          setTimeout(() => this.connect().catch(() => undefined), 500);
        }
      });
    });
  }

  send(job: Job) {
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(
        JSON.stringify({
          type: 'mark.submit',
          clientId: job.clientId,
          contestantId: job.contestantId,
          sheetId: job.sheetId,
          values: job.values,
        }),
      );
  }

  submit(job: Job): Promise<MarkAck | MarkReject> {
    return new Promise((resolve) => {
      this.waiting.set(job.clientId, { job, resolve });
      this.send(job);
    });
  }
}

/** Every fetch as JSON, with the organiser's Bearer token when given; throws on an error status. */
async function api<T>(
  path: string,
  init: { token?: string; method?: string; body?: string; type?: string } = {},
): Promise<T> {
  const res = await fetch(`${httpUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}),
    },
    body: init.body,
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Plays one competition: imports, judges, and (when it has a rule) advancement. */
async function play(f: CompetitionFixture) {
  const slug = f.competition.slug;
  const index = indexScheme(f.scheme);
  const organiser = f.officials.find((o) => o.role === 'organiser')?.token;
  const started = Date.now();
  const before = await api<StandingsResponse>(`/api/competitions/${slug}/standings`);
  const field = before.rows.filter((r) => r.status === 'active');
  if (!field.length)
    return { competition: slug, contestants: 0, note: '没有选手（等待上一轮晋级）' };

  // Imported results nobody marks on a tablet: the exam system's CSV, uploaded by the organiser.
  const judged = new Set(f.officials.flatMap((o) => (o.role === 'judge' ? o.sheets : [])));
  let importedRows = 0;
  for (const sheet of index.sheets.values()) {
    const c = sheet.criteria[0]!;
    if (judged.has(sheet.id) || c.kind !== 'imported' || !organiser) continue;
    const csv = field
      .map((r) => `${r.bib},${valuesFor(sheet, r.contestantId, 'exam')[c.id]}`)
      .join('\n');
    const out = await api<{ imported: number; unchanged: number }>(
      `/api/competitions/${slug}/imports/${c.id}`,
      { token: organiser, body: csv, type: 'text/csv' },
    );
    importedRows += out.imported + out.unchanged;
  }

  const judges = f.officials.filter((o) => o.role === 'judge' && o.sheets.length);
  const tablets = judges.map((o) => new Tablet(o.code, o.token));
  await Promise.all(tablets.map((t) => t.connect()));
  // The day's order: contestants by draw order; at each contestant every judge scores its sheets.
  const queue: { tablet: Tablet; job: Job }[] = [];
  const order = tablets[0]
    ? [...tablets[0].welcome.contestants]
        .filter((c) => c.status === 'active')
        .sort((a, b) => a.drawOrder - b.drawOrder)
    : [];
  for (const c of order)
    for (const t of tablets)
      for (const sheetId of t.welcome.judge.sheets) {
        if (t.welcome.marks.some((m) => m.contestantId === c.id && m.sheetId === sheetId)) continue;
        queue.push({
          tablet: t,
          job: {
            clientId: randomUUID(),
            contestantId: c.id,
            sheetId,
            values: valuesFor(index.sheets.get(sheetId)!, c.id, t.code),
          },
        });
      }

  let acked = 0;
  let rejected = 0;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  for (const { tablet, job } of queue) {
    const t0 = performance.now();
    pending.push(
      tablet.submit(job).then((m) => {
        latencies.push(performance.now() - t0);
        if (m.type === 'mark.ack') acked++;
        else {
          rejected++;
          console.error(
            `${slug} ${tablet.code} ${job.sheetId} #${job.contestantId}: ${m.code} ${m.message}`,
          );
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  await Promise.all(pending);
  for (const t of tablets) {
    t.done = true;
    t.ws.close(1000, 'simulation done');
  }

  let standings = await api<StandingsResponse>(`/api/competitions/${slug}/standings`);
  const unscored = standings.rows.filter(
    (r) =>
      r.status === 'active' &&
      Object.values(r.stations).some((s) => s.status === 'empty' || s.status === 'partial'),
  );

  // A round that sends contestants on: sign every station off, publish, advance.
  let advanced: { next: string; count: number } | null = null;
  if (f.scheme.advancement && organiser && !unscored.length) {
    for (const st of standings.columns.stations)
      await api(`/api/competitions/${slug}/course`, {
        token: organiser,
        body: JSON.stringify({
          action: 'station.lock',
          stationId: st.id,
          reason: '模拟：评分完毕',
        }),
      });
    await api(`/api/competitions/${slug}/course`, {
      token: organiser,
      body: JSON.stringify({ action: 'competition.publish', reason: '模拟：初赛结束' }),
    });
    advanced = await api(`/api/competitions/${slug}/advance`, { token: organiser, body: '{}' });
    standings = await api<StandingsResponse>(`/api/competitions/${slug}/standings`);
  }
  const teams = f.scheme.teams
    ? (await api<TeamsResponse>(`/api/competitions/${slug}/teams`)).teams
    : null;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round((latencies[Math.floor((latencies.length - 1) * p)] ?? 0) * 10) / 10;
  const awardName = new Map(f.scheme.awards?.rules.map((a) => [a.id, a.label.zh]) ?? []);
  return {
    competition: slug,
    placement: [
      standings.competition.placement.event,
      standings.competition.placement.group,
      standings.competition.placement.round,
    ]
      .map((p) => p.label.zh)
      .join(' · '),
    judges: tablets.length,
    contestants: standings.rows.length,
    importedRows,
    marksSent: queue.length,
    acked,
    rejected,
    reconnects: tablets.reduce((s, t) => s + t.reconnects, 0),
    ackLatencyMs: { p50: q(0.5), p99: q(0.99) },
    seconds: Math.round((Date.now() - started) / 100) / 10,
    revision: standings.revision,
    scoredContestants: standings.rows.length - unscored.length,
    top3: standings.rows
      .slice(0, 3)
      .map(
        (r) =>
          `${r.rank}. ${r.bib}号 ${r.name} ${r.total}${r.awards?.length ? ` ${r.awards.map((a) => awardName.get(a)).join('、')}` : ''}`,
      ),
    ...(teams
      ? { teams: teams.slice(0, 3).map((t) => `${t.rank ?? '-'}. ${t.team} ${t.total}`) }
      : {}),
    ...(advanced ? { advanced } : {}),
    ok: unscored.length === 0 && rejected === 0,
  };
}

const order = args.competition
  ? [args.competition]
  : await api<FestivalSummary>(`/api/festivals/${festival.festival.slug}`)
      .then((s) => s.competitions.map((c) => c.slug).filter((c) => files.has(c)))
      .catch(() => [...files.keys()]);
const results = [];
try {
  for (const slug of order) results.push(await play(files.get(slug)!));
} catch (err) {
  console.error(
    `无法完成模拟（${httpUrl}）：${(err as Error).message}。服务器在运行吗？地址对吗？`,
  );
  process.exit(1);
}
console.log(JSON.stringify({ festival: festival.festival.slug, competitions: results }, null, 2));
process.exit(results.every((r) => !('ok' in r) || r.ok) ? 0 : 1);
