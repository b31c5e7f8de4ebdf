import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from 'vite';
import { sourceDigest, stampBuild } from '../scripts/ensure-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's browser turns (e2e/support/turn.ts). */
    turnDir: string;
    /** How many browser files may run at once (E2E_BROWSERS, default 1). */
    browserTurns: number;
  }
}

/**
 * Builds the SPAs once before the browser tests, exactly as `npm run build` does: with
 * NODE_ENV=production (vitest sets `test`, which would build Svelte's dev checks in), so the
 * pages under test are the ones a venue gets, and the tablet's first-load budget
 * (e2e/judge-tablet-offline.test.ts) is measured on this dist/ instead of a second build.
 * Also makes the run's own temporary folder, removed when the run ends: the workers and every
 * process they start inherit it as TMPDIR, so the data folders, fixtures and CA folders of the
 * tests and the profiles of the Chromiums (which end with their worker, unclosed) go with it,
 * instead of piling up in /tmp run after run. The browser files take turns in a folder there.
 */
export default async function setup(project: TestProject) {
  const outerTmp = process.env.TMPDIR;
  const runDir = mkdtempSync(join(tmpdir(), 'jx-test-run-'));
  // Open to other users as /tmp is (not writable): a throwaway PostgreSQL cluster runs as its
  // own user and must reach its folder in here (db/pg/throwaway.ts).
  chmodSync(runDir, 0o755);
  process.env.TMPDIR = runDir;
  const turnDir = join(runDir, 'turns');
  mkdirSync(turnDir);
  project.provide('turnDir', turnDir);
  project.provide('browserTurns', Math.max(1, Number(process.env.E2E_BROWSERS) || 1));
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const digest = sourceDigest();
    await build({ logLevel: 'warn' });
    // `npm start` (also the one server/main.test.ts starts) finds these pages current.
    stampBuild(digest);
  } finally {
    process.env.NODE_ENV = env;
  }
  return () => {
    if (outerTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outerTmp;
    rmSync(runDir, { recursive: true, force: true });
  };
}
