/**
 * Processes the benchmarks drive: the real server (`server/main.ts`) and the bare `ws` relay,
 * each in its own process, plus a generated competition file of any size.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixture } from '../server/plugins/seed.ts';
import { limitCpu } from './cpu-budget.ts';
import type { CompetitionFixture } from '../server/protocol/fixture.ts';

export const ROOT = join(import.meta.dirname, '..');

/** Sheets one judge fills alone (the bench gives each judge its own contestants, so no two write one line). */
export const SOLO_SHEETS = [
  's-bend',
  'bridge',
  'traffic-lights',
  'smoothness',
  'cleaning',
  'order-acceptance',
  'route-planning',
];

/**
 * A competition with the default scheme, `contestants` riders and `judges` judges, each
 * assigned every solo sheet; returns the file and the judges' tokens.
 */
export function makeFixture(
  contestants: number,
  judges: number,
): { file: string; tokens: string[] } {
  const base = readFixture();
  const tokens = Array.from({ length: judges }, () => randomBytes(16).toString('hex'));
  const f: CompetitionFixture = {
    ...base,
    contestants: Array.from({ length: contestants }, (_, i) => ({
      bib: String(i + 1),
      drawOrder: i + 1,
      name: `选手${i + 1}`,
      organisation: ['美团外卖', '饿了么', '顺丰同城'][i % 3]!,
      status: 'active',
    })),
    officials: tokens.map((token, i) => ({
      code: `B${String(i + 1).padStart(3, '0')}`,
      name: `裁判${i + 1}`,
      role: 'judge' as const,
      sheets: SOLO_SHEETS,
      records: [],
      token,
    })),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'jx-bench-fx-')), 'fixture.json');
  writeFileSync(file, JSON.stringify(f));
  return { file, tokens };
}

export interface Proc {
  child: ChildProcess;
  url: string;
  /**
   * Where board viewers connect, when not `url`: the capacity bench (bench/engines.ts) sends
   * them straight to the instances, as a balancer on a machine of its own would.
   */
  boardUrls?: string[];
  pid: number;
  /** CPU seconds (user + system) the process has used. */
  cpuSeconds(): number;
  /** Resident memory, MiB. */
  rssMiB(): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function procStats(pid: number) {
  return {
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    rssMiB() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
    },
  };
}

export function track(child: ChildProcess, url: string): Proc {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    url,
    pid: child.pid!,
    ...procStats(child.pid!),
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

export function waitForLine(child: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${out}`)), 60_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`process exited ${code}:\n${out}`)));
  });
}

/** Starts the real server on a free port with its own data folder; resolves once it listens. */
export async function startServer(
  opts: {
    fixture?: string;
    dataDir?: string;
    env?: Record<string, string>;
    /** Node flags for the server (e.g. `--cpu-prof` to profile it). */
    execArgv?: string[];
    /** At most this many cores for the server, e.g. 0.5 (bench/cpu-budget.ts); none: no limit. */
    cpuBudget?: number;
  } = {},
): Promise<Proc & { dataDir: string; startMs: number }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'jx-bench-data-'));
  const t0 = performance.now();
  const args = [...(opts.execArgv ?? []), '--import', 'tsx', 'server/main.ts'];
  // `npm run bench -- --pin`: the server on its own CPUs (taskset execs node: same pid).
  const cpus = process.env.BENCH_SERVER_CPUS;
  const child = spawn(
    cpus ? 'taskset' : process.execPath,
    cpus ? ['-c', cpus, process.execPath, ...args] : args,
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...(opts.fixture ? { FIXTURE: opts.fixture } : {}),
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Limited from its first moments (loading the contest included), as a small machine would be.
  let release: (() => void) | null = null;
  try {
    release = opts.cpuBudget === undefined ? null : limitCpu(child.pid!, opts.cpuBudget);
  } catch (err) {
    child.kill('SIGKILL'); // never left running unbudgeted, nor at all
    throw err;
  }
  if (release) child.on('exit', release);
  const m = await waitForLine(child, /http:\/\/localhost:(\d+)\//);
  const url = `http://127.0.0.1:${m[1]}`;
  // Listening is printed after listen(); /healthz answering is what a user waits for (a
  // database that never answers ends the wait after 60 s, saying so).
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${url}/healthz did not answer ok within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { ...track(child, url), dataDir, startMs: Math.round(performance.now() - t0) };
}

/** Starts the bare relay (bench/relay.ts) in its own process. */
export async function startRelay(): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/relay.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = await waitForLine(child, /relay listening (\d+)/);
  return track(child, `http://127.0.0.1:${m[1]}`);
}
