/**
 * Hardening benchmark: a judge's ack p50/p99 with and without an anonymous flood beside it, in
 * the same run (issue "Hardening": the flood may cost the judges at most 2× their quiet p99).
 * The judges are the ordinary load (bench/live.ts); the flood is bench/flood-worker.ts in its
 * own process: 10 MB bodies to staff routes, junk board frames, Bearer guessing.
 */
import { spawn } from 'node:child_process';
import { loadProduct, type LoadOptions, type LoadResult } from './live.ts';
import { makeFixture, ROOT, startServer } from './procs.ts';

export interface FloodResult {
  scenario: LoadOptions;
  quiet: LoadResult['ackMs'];
  flooded: LoadResult['ackMs'];
  /** flooded p99 / quiet p99: the target is at most 2. */
  p99Ratio: number;
  flood: Record<string, unknown>;
}

function flood(url: string, seconds: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/flood-worker.ts', url, String(seconds)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
      } catch (e) {
        reject(e);
      }
    });
  });
}

export async function floodBench(seconds: number): Promise<FloodResult> {
  const { file, tokens } = makeFixture(1000, 10);
  const scenario: LoadOptions = { judges: 10, viewers: 10, rate: 50, seconds, warmup: 1 };
  const quietServer = await startServer({ fixture: file });
  const quiet = await loadProduct(quietServer, tokens, 'gaoxin-2024', scenario);
  await quietServer.stop();
  const server = await startServer({ fixture: file });
  const floodDone = flood(server.url, seconds + 2);
  await new Promise((r) => setTimeout(r, 500)); // the flood is running before the judges start
  const flooded = await loadProduct(server, tokens, 'gaoxin-2024', scenario);
  const floodCounts = await floodDone;
  await server.stop();
  return {
    scenario,
    quiet: quiet.ackMs,
    flooded: flooded.ackMs,
    p99Ratio: Math.round((flooded.ackMs.p99 / Math.max(0.01, quiet.ackMs.p99)) * 100) / 100,
    flood: floodCounts,
  };
}
