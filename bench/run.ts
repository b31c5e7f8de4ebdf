/**
 * `npm run bench [-- --quick]`: runs the benchmarks, prints one JSON document on stdout and
 * writes it to bench/results/<timestamp>.json. Figures are measurements on this machine, to
 * be read beside their baselines; tests never time anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchEngine } from './engine.ts';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const sizes = args.quick ? [100, 1_000, 10_000] : [100, 1_000, 10_000, 100_000];
const started = new Date();
const engine = sizes.map((n) => benchEngine(n, args.quick ? 500 : 2000));

const result = {
  benchmark: 'jiangxing',
  date: started.toISOString(),
  quick: args.quick,
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  engine,
};
const json = JSON.stringify(result, null, 2);
console.log(json);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`), json + '\n');
