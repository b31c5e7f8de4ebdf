/**
 * Builds the SPAs when dist/ is missing or older than their sources (`npm start` runs this
 * first). The check hashes every source file the bundles are made of, so a `git pull` that
 * changes a page is rebuilt, and an unchanged tree starts at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = [
  'scoreboard',
  'judge-tablet',
  'console',
  'setup',
  'web',
  'server/engine',
  'server/protocol',
  'vite.config.ts',
  'scripts/judge-tablet-worker.ts',
  'svelte.config.js',
  'package-lock.json',
];
const stamp = join(root, 'dist', '.source-hash');

function* files(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) return yield path;
  for (const name of readdirSync(path).sort())
    if (!name.endsWith('.test.ts')) yield* files(join(path, name));
}

/** SHA-256 (hex) of every source file the bundles are made of, with its path. */
export function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const s of SOURCES)
    for (const f of files(join(root, s))) hash.update(relative(root, f)).update(readFileSync(f));
  return hash.digest('hex');
}

/** Records that dist/ was just built from the sources as they are (e2e/global-setup.ts too). */
export function stampBuild(digest = sourceDigest()): void {
  writeFileSync(stamp, digest);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const digest = sourceDigest();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) {
    console.log('页面已是最新构建 (dist/)');
  } else {
    console.log('正在构建页面 (vite build)…');
    await build({ root, logLevel: 'warn' });
    stampBuild(digest);
  }
}
