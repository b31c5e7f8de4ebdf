import type { MarkAck, StandingsResponse } from '#protocol';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../db/pg/throwaway.ts';
import { connectJudge, tokenOf, type JudgeSocket } from './test-support.ts';
import { children, dirs, endProcesses, startProcess } from './support/server-process.ts';
import { readFixture } from './plugins/seed.ts';
import { CloseCode } from './protocol/constants.ts';

const fixture = readFixture();
afterEach(endProcesses);

describe('the server process', () => {
  it('on SIGTERM flushes what it acknowledged, closes sockets with a reason, exits 0, and comes back with every acknowledged mark', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-proc-'));
    dirs.push(dataDir);
    const first = await startProcess(dataDir);
    const ws = first.url.replace('http', 'ws');
    const judges: JudgeSocket[] = await Promise.all(
      ['J02', 'J03', 'J04'].map((c) => connectJudge(ws, tokenOf(fixture, c))),
    );
    const sheets = ['s-bend', 'bridge', 'traffic-lights'];
    const values = [
      { 's-bend-faults': { 'cone-touched': 1 } },
      { 'bridge-faults': {}, 'bridge-fell': false },
      { 'lights-faults': {}, 'red-light-run': false },
    ];
    const acked: MarkAck[] = [];
    // Marks in flight while SIGTERM arrives: whatever was acknowledged must survive.
    for (const c of judges[0]!.welcome.contestants)
      judges.forEach((j, i) => {
        const clientId = randomUUID();
        j.send({
          type: 'mark.submit',
          clientId,
          contestantId: c.id,
          sheetId: sheets[i],
          values: values[i],
        });
        void j
          .next<MarkAck>((m) => m.type === 'mark.ack' && m.clientId === clientId, 10_000)
          .then(
            (a) => acked.push(a),
            () => undefined,
          );
      });
    await judges[0]!.next((m) => m.type === 'mark.ack');
    first.child.kill('SIGTERM');
    const closes = await Promise.all(judges.map((j) => j.closed));
    expect(await first.exited).toBe(0);
    await first.closed;
    // The person who stopped it is told so, at the default log level too.
    expect(first.output()).toMatch(/正在停止（SIGTERM）[\s\S]*匠星已停止。已确认的评分都保存在 /);
    expect(closes.every((c) => c.code === CloseCode.serverShutdown || c.code === 1006)).toBe(true);
    expect(closes.some((c) => c.code === CloseCode.serverShutdown)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);

    // Every acknowledged mark is in the file, exactly once.
    const db = new Database(join(dataDir, 'jiangxing.db'), { readonly: true });
    const stored = new Set(
      (db.prepare('select client_id from marks').all() as { client_id: string }[]).map(
        (r) => r.client_id,
      ),
    );
    db.close();
    for (const a of acked) expect(stored.has(a.clientId)).toBe(true);

    const second = await startProcess(dataDir);
    const after = (await (
      await fetch(`${second.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    expect(after.revision).toBe(stored.size);
    expect(after.rows.filter((r) => r.stations.riding!.status !== 'empty').length).toBeGreaterThan(
      0,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});

/** The processes whose parent is `pid` (from /proc, Linux). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').flatMap((d) => {
    if (!/^\d+$/.test(d)) return [];
    try {
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
    } catch {
      return []; // ended meanwhile
    }
  });
}

/** A process's command line, its arguments joined by spaces. */
const commandOf = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();

describe('npm start', () => {
  it('stops the server when npm is told to stop (SIGTERM), as a supervisor or `kill` does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-npm-'));
    dirs.push(dataDir);
    // The pages are current (e2e/global-setup.ts built and stamped them): no build here.
    const p = await startProcess(dataDir, { LOG_LEVEL: 'warn', HTTPS: 'off' }, [
      'npm',
      'start',
      '--silent',
    ]);
    expect((await fetch(`${p.url}/healthz`)).ok).toBe(true);
    // The signal goes to the server itself: npm's one child is the server, with no wrapper in
    // between. tsx's CLI was one: it gives the server 30 ms to say it got the signal and then
    // SIGKILLs it, which a busy machine missed (the server died without its stop).
    const [server, ...others] = childrenOf(p.child.pid!);
    expect(others).toEqual([]);
    expect(commandOf(server!)).toMatch(/server\/main\.ts/);
    const inner = childrenOf(server!).map(commandOf);
    expect(inner.filter((c) => /server\/main\.ts/.test(c))).toEqual([]);
    p.child.kill('SIGTERM');
    await p.exited;
    await p.printed(/匠星已停止/);
    // Nothing left serving (or holding the data folder) once npm has gone.
    await expect(fetch(`${p.url}/healthz`)).rejects.toThrow();
  }, 60_000);
});

describe('crashes', () => {
  it('after SIGKILL at random moments, every acknowledged mark is stored exactly once and the standings equal a full recompute', async () => {
    const { computeStandings, indexScheme, resolveLog } = await import('#engine');
    const { toLogEntry } = await import('./services/live-competition.ts');
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-crash-'));
    dirs.push(dataDir);
    const sent = new Map<string, { code: string; msg: Record<string, unknown> }>();
    const acked = new Set<string>();
    const codes = ['J02', 'J03', 'J04', 'J05'];
    const sheetOf: Record<string, [string, Record<string, unknown>]> = {
      J02: ['s-bend', { 's-bend-faults': { 'cone-touched': 1 } }],
      J03: ['bridge', { 'bridge-faults': {}, 'bridge-fell': false }],
      J04: ['traffic-lights', { 'lights-faults': {}, 'red-light-run': true }],
      J05: ['smoothness', { 'smoothness-faults': {}, 'course-time': 50_000 }],
    };
    let proc = await startProcess(dataDir);
    for (let round = 0; round < 3; round++) {
      const ws = proc.url.replace('http', 'ws');
      const judges = await Promise.all(codes.map((c) => connectJudge(ws, tokenOf(fixture, c))));
      // First resend what was never acknowledged, with the same client ids.
      for (const [id, { code, msg }] of sent)
        if (!acked.has(id)) judges[codes.indexOf(code)]!.send(msg);
      let n = 0;
      // The kill comes at a random moment of the stream: after 20 to 100 more acks.
      const target = acked.size + 20 + Math.floor(Math.random() * 80);
      let reached = () => {};
      const killNow = new Promise<void>((resolve) => (reached = resolve));
      judges.forEach((j, k) => {
        j.ws.on('message', (d) => {
          const m = JSON.parse(d.toString()) as MarkAck;
          if (m.type === 'mark.ack') acked.add(m.clientId);
          if (acked.size >= target) reached();
        });
        const next = () => {
          if (j.ws.readyState !== j.ws.OPEN) return;
          const c = j.welcome.contestants[n++ % 35]!;
          const [sheetId, values] = sheetOf[codes[k]!]!;
          const msg = {
            type: 'mark.submit',
            clientId: randomUUID(),
            contestantId: c.id,
            sheetId,
            values,
            reason: '复核',
          };
          sent.set(msg.clientId, { code: codes[k]!, msg });
          j.send(msg);
          setTimeout(next, 2);
        };
        next();
      });
      await killNow;
      proc.child.kill('SIGKILL');
      await proc.exited;
      proc = await startProcess(dataDir);
    }
    const ws = proc.url.replace('http', 'ws');
    const judges = await Promise.all(codes.map((c) => connectJudge(ws, tokenOf(fixture, c))));
    const resend = [...sent].filter(([id]) => !acked.has(id));
    await Promise.all(
      resend.map(([id, { code, msg }]) => {
        const j = judges[codes.indexOf(code)]!;
        j.send(msg);
        return j
          .next(
            (m) => (m.type === 'mark.ack' || m.type === 'mark.reject') && m.clientId === id,
            10_000,
          )
          .then((m) => {
            if (m.type === 'mark.ack') acked.add(id);
          });
      }),
    );
    const standings = (await (
      await fetch(`${proc.url}/api/competitions/gaoxin-2024/standings`)
    ).json()) as StandingsResponse;
    proc.child.kill('SIGTERM');
    await proc.exited;

    expect(acked.size).toBeGreaterThan(20);
    const db = new Database(join(dataDir, 'jiangxing.db'), { readonly: true });
    const rows = db
      .prepare('select client_id as id, count(*) as n from marks group by client_id')
      .all() as { id: string; n: number }[];
    const stored = new Map(rows.map((r) => [r.id, r.n]));
    for (const id of acked) expect(stored.get(id)).toBe(1);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const comp = db.prepare('select * from competitions').get() as {
      id: number;
      scheme_json: string;
    };
    const log = db.prepare('select * from marks order by id').all() as Record<string, unknown>[];
    const contestants = db.prepare('select * from contestants').all() as {
      id: number;
      bib: string;
      draw_order: number;
      name: string;
      organisation: string;
      status: 'active';
    }[];
    db.close();
    const entries = log.map((m) =>
      toLogEntry({
        id: m.id,
        clientId: m.client_id,
        kind: m.kind,
        competitionId: m.competition_id,
        contestantId: m.contestant_id,
        sheetId: m.sheet_id,
        stationId: m.station_id,
        attempt: m.attempt,
        officialId: m.official_id,
        valuesJson: m.values_json,
        supersedesId: m.supersedes_id,
        targetMarkId: m.target_mark_id,
        reason: m.reason,
        revision: m.revision,
        createdAt: m.created_at,
        rules: m.rules,
        ownerId: m.owner_id,
        measures: m.measures === 1,
      } as never),
    );
    const full = computeStandings(
      indexScheme(JSON.parse(comp.scheme_json)),
      contestants.map((c) => ({
        id: c.id,
        bib: c.bib,
        drawOrder: c.draw_order,
        name: c.name,
        organisation: c.organisation,
        status: c.status,
      })),
      resolveLog(entries),
      new Set(),
    );
    expect(standings.rows).toEqual(full);
  }, 90_000);
});

/** Runs `server/main.ts` expecting it to refuse to start: its exit code and what it said. */
const run = (dataDir: string, port: string, env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: port,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, which afterEach ends whole
    });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, err }));
  });

describe('a wrong setting', () => {
  it('says in one line what is wrong with DATA_DIR or FIXTURE, and makes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jx-wrong-'));
    dirs.push(dir);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const refusals = await Promise.all([
      run(file, '0'),
      run(join(dir, 'data'), '0', { FIXTURE: join(dir, 'missing.json') }),
      run(join(dir, 'data'), '0', { FIXTURE: file }),
      run(join(dir, 'data'), '0', { FIXTURE: dir }),
    ]);
    for (const r of refusals) {
      expect(r.code).not.toBe(0);
      // One line for a person, no stack trace.
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\s+at /);
    }
    const [dataDirIsFile, missing, notJson, folder] = refusals.map((r) => r.err);
    expect(dataDirIsFile).toContain(`无法使用数据目录 ${file}`);
    expect(missing).toContain('文件不存在');
    expect(notJson).toContain('不是有效的 JSON');
    expect(folder).toContain('不是比赛文件');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  }, 60_000);

  it('says in one line that the PostgreSQL of DATABASE_URL cannot be reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jx-wrong-db-'));
    dirs.push(dir);
    const closed = await freePort(); // nobody listens there
    const r = await run(join(dir, 'data'), '0', {
      DATABASE_URL: `postgres://jiangxing@127.0.0.1:${closed}/festival`,
    });
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('配置错误 DATABASE_URL');
    expect(r.err).toContain('连接被拒绝');
  }, 60_000);
});

describe('starting twice', () => {
  it('refuses a second server on the same data folder, and explains a taken port', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-twice-'));
    dirs.push(dataDir);
    const first = await startProcess(dataDir);
    const second = await run(dataDir, '0');
    expect(second.code).toBe(1);
    expect(second.err).toContain('正被另一个匠星服务器使用');
    const port = new URL(first.url).port;
    const other = mkdtempSync(join(tmpdir(), 'jx-twice-'));
    dirs.push(other);
    const third = await run(other, port);
    expect(third.code).toBe(1);
    expect(third.err).toContain(`端口 ${port} 已被占用`);
    // That first start never printed the password it made: the next start on that folder makes
    // one and shows it, and it opens the console.
    const fourth = await startProcess(other);
    const shown = /组委会控制台密码（首次启动生成[^:]*: (\S+)/.exec(
      await fourth.printed(/组委会控制台密码.*\n/),
    );
    expect(shown).not.toBeNull();
    const session = await fetch(`${fourth.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'gaoxin-2024', password: shown![1] }),
    });
    expect(session.status).toBe(200);
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // A clean stop releases the folder.
    const again = await startProcess(dataDir);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 60_000);
});

describe('the start', () => {
  /** The output once the banner's last line (the organiser's password) has been printed. */
  const banner = (p: Awaited<ReturnType<typeof startProcess>>) => p.printed(/组委会控制台密码.*\n/);
  const login = (url: string, password: string) =>
    fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'gaoxin-2024', password }),
    });

  it('says so when FIXTURE names a file it does not load (the data folder already holds competitions)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-start-'));
    dirs.push(dataDir);
    const festival = join(import.meta.dirname, '../fixtures/festival-2025/festival.json');
    const first = await startProcess(dataDir, { FIXTURE: festival });
    expect(await banner(first)).not.toContain('未载入');
    const loaded = await (await fetch(`${first.url}/api/competitions`)).json();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The default contest named now: not loaded, and said so; the festival's competitions stay.
    const again = await startProcess(dataDir, {
      FIXTURE: join(import.meta.dirname, '../fixtures/gaoxin-2024/fixture.json'),
    });
    const printed = await banner(again);
    expect(printed).toContain(`注意：FIXTURE=`);
    expect(printed).toContain(`未载入：数据目录 ${dataDir} 里已有比赛`);
    expect(await (await fetch(`${again.url}/api/competitions`)).json()).toEqual(loaded);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('behind a load balancer (PUBLIC_URL) hands out the public address: links, scoreboard and QR code', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-start-'));
    dirs.push(dataDir);
    const pub = 'https://jx.example.org';
    const p = await startProcess(dataDir, { PUBLIC_URL: `${pub}/` });
    const printed = await banner(p);
    for (const code of ['O01', 'H01'])
      expect(printed).toContain(`${pub}/console/#token=${tokenOf(fixture, code)}`);
    expect(printed).toContain(`${pub}/judge-tablet/#token=${tokenOf(fixture, 'J01')}`);
    expect(printed).not.toContain(`${p.url}/console/`);
    // The public scoreboard address is listed first, this instance's own after it.
    const listed = [...printed.matchAll(/(https?:\/\/\S+\/scoreboard\/)/g)].map((m) => m[1]);
    expect(listed[0]).toBe(`${pub}/scoreboard/`);
    expect(listed).toContain(`${p.url}/scoreboard/`);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('prints the console links of the organiser and head judge last, keeps request logs quiet, and ORGANISER_PASSWORD at any start replaces the password', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jx-start-'));
    dirs.push(dataDir);
    // No LOG_LEVEL: the default is quiet.
    const first = await startProcess(dataDir, {
      LOG_LEVEL: undefined,
      ORGANISER_PASSWORD: 'first-password-2024',
    });
    const printed = await banner(first);
    for (const code of ['O01', 'H01'])
      expect(printed).toContain(`${first.url}/console/#token=${tokenOf(fixture, code)}`);
    expect(printed).toContain(
      `登录码 AJ40N-4G7AS  ${first.url}/judge-tablet/#token=${tokenOf(fixture, 'J01')}`,
    );
    expect(printed).toContain('已按 ORGANISER_PASSWORD 设置');
    // The link's token is what the console signs in with.
    const me = await fetch(`${first.url}/api/me`, {
      headers: { authorization: `Bearer ${tokenOf(fixture, 'H01')}` },
    });
    expect(await me.json()).toMatchObject({ role: 'head-judge' });
    expect((await login(first.url, 'first-password-2024')).status).toBe(200);
    const oldSession = (
      (await (await login(first.url, 'first-password-2024')).json()) as {
        token: string;
      }
    ).token;
    for (let i = 0; i < 5; i++) await fetch(`${first.url}/api/competitions/gaoxin-2024/standings`);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Requests are not logged: after the stop (all it printed is read), the banner is still
    // the last thing on the screen before the two lines of the stop itself.
    await first.closed;
    const said = first.output();
    expect(said).not.toContain('incoming request');
    const stop = said.lastIndexOf('正在停止（SIGTERM）');
    expect(stop).toBeGreaterThan(0);
    expect(said.slice(0, stop).trimEnd().split('\n').at(-1)).toContain('组委会控制台密码');
    expect(said.slice(stop).trimEnd().split('\n')).toEqual([
      '正在停止（SIGTERM）：写完已确认的评分，关闭连接…',
      `匠星已停止。已确认的评分都保存在 ${dataDir}。`,
    ]);

    const second = await startProcess(dataDir, {
      LOG_LEVEL: undefined,
      ORGANISER_PASSWORD: 'second-password-2024',
    });
    expect(await banner(second)).toContain('已按 ORGANISER_PASSWORD 更换');
    expect((await login(second.url, 'second-password-2024')).status).toBe(200);
    expect((await login(second.url, 'first-password-2024')).status).toBe(401);
    // The old password's sessions end with it.
    expect(
      (
        await fetch(`${second.url}/api/me`, {
          headers: { authorization: `Bearer ${oldSession}` },
        })
      ).status,
    ).toBe(401);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // The same password again changes nothing; LOG_LEVEL=info logs requests.
    const third = await startProcess(dataDir, {
      LOG_LEVEL: 'info',
      ORGANISER_PASSWORD: 'second-password-2024',
    });
    expect(await banner(third)).toContain('与 ORGANISER_PASSWORD 相同，未更改');
    expect((await login(third.url, 'second-password-2024')).status).toBe(200);
    expect(await third.printed(/incoming request/)).toContain('incoming request');
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 90_000);
});
