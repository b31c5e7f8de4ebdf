import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from 'vite';

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
 * Also makes the folder in which the browser files take turns (removed at the end of the run).
 */
export default async function setup(project: TestProject) {
  const turnDir = mkdtempSync(join(tmpdir(), 'jx-e2e-turns-'));
  project.provide('turnDir', turnDir);
  project.provide('browserTurns', Math.max(1, Number(process.env.E2E_BROWSERS) || 1));
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = env;
  }
  return () => rmSync(turnDir, { recursive: true, force: true });
}
