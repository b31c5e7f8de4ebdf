/**
 * The whole product over websockets on each deployment of docs/deployment.md (issue 14), in one
 * run: one instance on the embedded SQLite file, one instance on PostgreSQL, and two instances
 * on PostgreSQL behind nginx with the guide's configuration (judges and viewers connect to the
 * balancer, which spreads them over both). The same seeded contest (1,000 contestants, 100
 * judges) and the same loads everywhere: 100 judges in a closed loop (acks/s) and at 500
 * marks/s (ack p99), and `viewers` boards at 50 and 500 marks/s (last-viewer p99, against
 * the 250 ms a person watching a board allows). Every viewer checks that it got every revision
 * once and in order. `npm run bench` puts the result under `engines`.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startThrowawayCluster, type ThrowawayCluster } from '../db/pg/throwaway.ts';
import { startBalancer } from '../server/support/balancer.ts';
import { loadProduct, type LoadOptions, type LoadResult } from './live.ts';
import { makeFixture, startServer, type Proc } from './procs.ts';

/** One deployment under one load. */
export interface EngineResult {
  deployment: 'sqlite' | 'postgres' | 'postgres ×2 + nginx';
  scenario: LoadOptions;
  result: LoadResult;
}

/** The target of issue 14 for viewers: every viewer within 250 ms, p99. */
export const VIEWER_P99_TARGET_MS = 250;

type Deployment = EngineResult['deployment'];

/**
 * Starts `deployment` on the fixture `file` (a fresh database each time).
 * @returns the address judges and viewers use, a process whose CPU and memory are the servers'
 *   together, and how to stop everything.
 */
async function deploy(
  deployment: Deployment,
  file: string,
  cluster: ThrowawayCluster | null,
  n: number,
  cpuBudget?: number,
  /** Viewers straight to the instances, judges through the balancer (the capacity bench). */
  viewersDirect = false,
): Promise<{ proc: Proc; stop(): Promise<void> }> {
  if (deployment === 'sqlite') {
    const server = await startServer({ fixture: file, cpuBudget });
    return { proc: server, stop: async () => void (await server.stop()) };
  }
  const db = `bench_${n}`;
  const admin = new pg.Client({ connectionString: cluster!.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const env = { DATABASE_URL: cluster!.url.replace(/\/[^/]*$/, `/${db}`), HTTPS: 'off' };
  const first = await startServer({
    fixture: file,
    env: { ...env, TRUST_PROXY: '127.0.0.1' },
    cpuBudget,
  });
  if (deployment === 'postgres')
    return { proc: first, stop: async () => void (await first.stop()) };
  // The second instance shares the first one's server secret (docs/deployment.md).
  const dataDir = mkdtempSync(join(tmpdir(), 'jx-bench-data-'));
  copyFileSync(join(first.dataDir, 'server-secret.key'), join(dataDir, 'server-secret.key'));
  const second = await startServer({
    dataDir,
    env: { ...env, TRUST_PROXY: '127.0.0.1' },
    cpuBudget,
  });
  const port = (p: Proc) => Number(new URL(p.url).port);
  const balancer = await startBalancer([port(first), port(second)]);
  return {
    proc: {
      ...first,
      url: balancer.url,
      ...(viewersDirect ? { boardUrls: [first.url, second.url] } : {}),
      cpuSeconds: () => first.cpuSeconds() + second.cpuSeconds(),
      rssMiB: () => first.rssMiB() + second.rssMiB(),
    },
    async stop() {
      balancer.stop();
      await Promise.all([first.stop(), second.stop()]);
    },
  };
}

/**
 * Runs every deployment under every load, `seconds` measured each (`viewRows`: the viewers
 * watch the top N rows only, `npm run bench -- --view N`).
 * @returns the results, or `{skipped}` (with the SQLite results) when PostgreSQL or nginx
 *   cannot be started.
 */
export async function enginesBench(
  seconds: number,
  viewers: number,
  log: (s: string) => void,
  viewRows?: number,
): Promise<{ results: EngineResult[]; skipped?: string }> {
  const { file, tokens } = makeFixture(1000, 100);
  const view = viewRows === undefined ? {} : { viewRows };
  const loads: LoadOptions[] = [
    { judges: 100, viewers: 0, rate: 0, seconds, warmup: 1 },
    { judges: 100, viewers: 0, rate: 500, seconds, warmup: 1 },
    { judges: 100, viewers, rate: 50, seconds, warmup: 1, ...view },
    { judges: 100, viewers, rate: 500, seconds, warmup: 1, ...view },
  ];
  const results: EngineResult[] = [];
  let cluster: ThrowawayCluster | null = null;
  let n = 0;
  try {
    for (const deployment of ['sqlite', 'postgres', 'postgres ×2 + nginx'] as const) {
      if (deployment !== 'sqlite' && !cluster) cluster = await startThrowawayCluster();
      for (const scenario of loads) {
        log(`engines ${deployment} V=${scenario.viewers} rate=${scenario.rate || 'closed-loop'}`);
        const { proc, stop } = await deploy(deployment, file, cluster, n++);
        try {
          results.push({
            deployment,
            scenario,
            result: await loadProduct(proc, tokens, 'gaoxin-2024', scenario),
          });
        } finally {
          await stop();
        }
      }
    }
    return { results };
  } catch (err) {
    return { results, skipped: String(err).split('\n')[0] };
  } finally {
    await cluster?.destroy();
  }
}

/** One deployment's viewers at one audience size, every instance on the same CPU budget. */
export type CapacityPoint = {
  deployment: 'postgres' | 'postgres ×2 + nginx';
  /** Marks a second from the 100 judges. */
  rate: number;
  viewers: number;
} & (
  | {
      lastViewerP99Ms: number | null;
      ackP99Ms: number;
      ackedPerSecond: number;
      /**
       * Within VIEWER_P99_TARGET_MS, with every revision to every viewer once and in order, no
       * mark refused and the marks acknowledged at the rate they were sent (95 % at least).
       */
      held: boolean;
      result: LoadResult;
    }
  /** The load could not be run at this size (the first line of what failed). */
  | { error: string }
);

/**
 * What several instances hold more than one (issue 14: "more on several"), on a machine with
 * too few cores to give each instance its own: every instance gets the same CPU budget
 * (`cores` of a core, bench/cpu-budget.ts), so one instance stands for one small machine and
 * two for two. At each rate of `rates` (marks a second from 100 judges), each audience size in
 * `audiences` (ascending) watches one instance on PostgreSQL and two behind nginx; a deployment
 * stops at its first size not held within VIEWER_P99_TARGET_MS. The judges go through nginx,
 * the viewers straight to the instances, spread evenly, as a balancer on a machine of its own
 * would spread them: here nginx would share the load generator's core, and its cost is not the
 * instances'. `npm run bench -- --capacity --pin --budget 0.5`.
 * @returns every point measured, and per rate and deployment the largest audience held
 *   (0: not even the first); `{skipped}` when PostgreSQL, nginx or the cgroup budget cannot be
 *   had here.
 */
export async function capacityBench(
  cores: number,
  rates: number[],
  audiences: number[],
  seconds: number,
  log: (s: string) => void,
  viewRows?: number,
): Promise<{
  budgetCores: number;
  points: CapacityPoint[];
  heldUpTo: { rate: number; deployment: CapacityPoint['deployment']; viewers: number }[];
  skipped?: string;
}> {
  const { file, tokens } = makeFixture(1000, 100);
  const view = viewRows === undefined ? {} : { viewRows };
  const points: CapacityPoint[] = [];
  const heldUpTo: { rate: number; deployment: CapacityPoint['deployment']; viewers: number }[] = [];
  let cluster: ThrowawayCluster | null = null;
  let n = 0;
  try {
    cluster = await startThrowawayCluster();
    for (const rate of rates)
      for (const deployment of ['postgres', 'postgres ×2 + nginx'] as const) {
        const largest = { rate, deployment, viewers: 0 };
        heldUpTo.push(largest);
        for (const viewers of audiences) {
          log(`capacity ${deployment} budget=${cores} rate=${rate} V=${viewers}`);
          const scenario = { judges: 100, viewers, rate, seconds, warmup: 1, ...view };
          let result: LoadResult;
          try {
            const { proc, stop } = await deploy(deployment, file, cluster, 1000 + n++, cores, true);
            try {
              result = await loadProduct(proc, tokens, 'gaoxin-2024', scenario);
            } finally {
              await stop();
            }
          } catch (err) {
            // This audience failed (a socket refused, an instance gone): not held, and said.
            points.push({ deployment, rate, viewers, error: String(err).split('\n')[0] ?? '' });
            break;
          }
          const d = result.delivery;
          const exact = !!d && d.lost + d.duplicated + d.reordered + d.gaps === 0;
          const p99 = result.lastViewerMs?.p99 ?? null;
          // Held: every viewer within the target, every revision to each once and in order,
          // and the judges' marks all taken at the rate they came.
          const held =
            exact &&
            p99 !== null &&
            p99 <= VIEWER_P99_TARGET_MS &&
            result.rejected === 0 &&
            result.ackedPerSecond >= 0.95 * rate;
          points.push({
            deployment,
            rate,
            viewers,
            lastViewerP99Ms: p99,
            ackP99Ms: result.ackMs.p99,
            ackedPerSecond: result.ackedPerSecond,
            held,
            result,
          });
          if (!held) break;
          largest.viewers = viewers;
        }
      }
    return { budgetCores: cores, points, heldUpTo };
  } catch (err) {
    return { budgetCores: cores, points, heldUpTo, skipped: String(err).split('\n')[0] };
  } finally {
    await cluster?.destroy();
  }
}
