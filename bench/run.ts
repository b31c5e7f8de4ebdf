/**
 * `npm run bench [-- --quick]`: runs the benchmarks, prints one JSON document on stdout and
 * writes it to bench/results/<timestamp>.json. Every live figure is measured in the same run
 * as its baseline (a bare ws relay; raw better-sqlite3 commits) and reported beside it as a
 * ratio. The load runs in this process; the server and the relay each in their own.
 * Tests never time anything; this is where speed is measured. See docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchEngine } from './engine.ts';
import { bundles, crash, payload, start } from './extras.ts';
import { festivalScale } from './festival.ts';
import { floodBench } from './flood.ts';
import { loadProduct, loadRelay, type LoadOptions, type LoadResult } from './live.ts';
import { makeFixture, ROOT, startRelay, startServer } from './procs.ts';
import { sqliteBaseline } from './sqlite-baseline.ts';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = args.quick;
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const started = new Date();

execFileSync(process.execPath, ['--import', 'tsx', 'scripts/ensure-build.ts'], {
  cwd: ROOT,
  stdio: 'ignore',
});

log('engine');
const engine = (quick ? [100, 1_000, 10_000] : [100, 1_000, 10_000, 100_000]).map((n) =>
  benchEngine(n, quick ? 500 : 2000),
);

log('sqlite baseline');
const sqlite = sqliteBaseline(quick ? 500 : 2000);

const seconds = quick ? 3 : 6;
const scenarios: LoadOptions[] = quick
  ? [
      { judges: 10, viewers: 0, rate: 200, seconds },
      { judges: 10, viewers: 100, rate: 200, seconds },
      { judges: 100, viewers: 100, rate: 500, seconds },
      { judges: 100, viewers: 0, rate: 2000, seconds },
      { judges: 100, viewers: 0, rate: 0, seconds },
    ]
  : [
      { judges: 10, viewers: 0, rate: 200, seconds },
      { judges: 10, viewers: 100, rate: 200, seconds },
      { judges: 10, viewers: 2000, rate: 50, seconds },
      { judges: 100, viewers: 2000, rate: 500, seconds },
      { judges: 100, viewers: 0, rate: 500, seconds },
      { judges: 100, viewers: 0, rate: 2000, seconds },
      { judges: 100, viewers: 100, rate: 500, seconds },
      { judges: 100, viewers: 2000, rate: 50, seconds },
      { judges: 100, viewers: 0, rate: 0, seconds },
    ];

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
const marks: {
  scenario: LoadOptions;
  product: LoadResult;
  baseline: LoadResult;
  ratios: Record<string, number | null>;
  targetAckP99Ms: number;
}[] = [];
const { file, tokens } = makeFixture(1000, 100);
for (const sc of scenarios) {
  log(`marks J=${sc.judges} V=${sc.viewers} rate=${sc.rate || 'closed-loop'}`);
  // A fresh server and relay per scenario, so one's backlog never leaks into the next.
  const server = await startServer({ fixture: file });
  const product = await loadProduct(server, tokens, 'gaoxin-2024', sc);
  await server.stop();
  const relay = await startRelay();
  const baseline = await loadRelay(relay, sc);
  await relay.stop();
  marks.push({
    scenario: sc,
    product,
    baseline,
    ratios: {
      ackP50: ratio(product.ackMs.p50, baseline.ackMs.p50),
      ackP99: ratio(product.ackMs.p99, baseline.ackMs.p99),
      lastViewerP99:
        product.lastViewerMs && baseline.lastViewerMs
          ? ratio(product.lastViewerMs.p99, baseline.lastViewerMs.p99)
          : null,
      ackedPerSecond: ratio(product.ackedPerSecond, baseline.ackedPerSecond),
    },
    // Issue 8's target: p99 within 3× the baseline's single-commit p99 plus 5 ms.
    targetAckP99Ms: Math.round((3 * sqlite.commitMs.p99 + 5) * 100) / 100,
  });
}

log('payload');
const payloads = [await payload(35), await payload(quick ? 1000 : 5000)];
log('start');
const startup = await start();
log('bundles');
const bundleSizes = bundles();
log('festival');
const festival = await festivalScale(quick ? 1000 : 5000, 40);
log('flood');
const floodRun = await floodBench(quick ? 3 : 6);
log('crash');
const crashRun = await crash(quick ? 2 : 5, quick ? 1 : 2);

const result = {
  benchmark: 'jiangxing',
  date: started.toISOString(),
  quick,
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  baseline: { sqliteSingleRowCommit: sqlite },
  marks,
  engine,
  payload: payloads,
  start: startup,
  bundles: bundleSizes,
  festival,
  flood: floodRun,
  crash: crashRun,
  seconds: Math.round((Date.now() - started.getTime()) / 1000),
};
const json = JSON.stringify(result, null, 2);
console.log(json);
const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`), json + '\n');
process.exit(0);
