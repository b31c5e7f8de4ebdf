import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { isBrowserFile } from './e2e/support/kind.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const alias = {
  '#engine': here('./server/engine/index.ts'),
  '#protocol': here('./server/protocol/index.ts'),
};

/**
 * Test files run at once: one less than the cores, and at least two, so that on a 2-core
 * machine the unit files run beside the browser files instead of after them (a browser file
 * mostly waits on its page). Browser files still take turns (e2e/support/turn.ts).
 * TEST_WORKERS sets another number.
 */
export const WORKERS = Number(process.env.TEST_WORKERS) || Math.max(2, availableParallelism() - 1);

/**
 * The order files are handed to the workers (first come, first served): browser files as vitest
 * sorts them (failed first, then longest), each followed by its share of the unit files — the
 * unit files' time spread over the browser files in proportion to theirs, by the durations
 * vitest kept from the last run (a browser file 30 s, a unit file 2 s when none is known). The
 * browser files, run one after another, are what the suite's time is: a worker freed by one
 * must find the next one first in line, not unit files (that paused the browser files for
 * 90 s on a loaded machine when all unit files came after the first); a worker that takes a
 * browser file early only waits for its turn. Thinly spread, the unit files also leave the
 * browser file that runs beside them most of the second core.
 */
class BrowserTurnsSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const estimate = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(
        `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`,
      )?.duration ?? (isBrowserFile(f.moduleId) ? 30_000 : 2_000);
    const browser = sorted.filter((f) => isBrowserFile(f.moduleId));
    const unit = sorted.filter((f) => !isBrowserFile(f.moduleId));
    const total = (fs: TestSpecification[]) => fs.reduce((t, f) => t + estimate(f), 0);
    const share = browser.length ? total(unit) / total(browser) : 0;
    const out: TestSpecification[] = [];
    for (const b of browser) {
      out.push(b);
      let budget = estimate(b) * share;
      while (unit.length && budget > 0) {
        const u = unit.shift()!;
        budget -= estimate(u);
        out.push(u);
      }
    }
    return [...out, ...unit];
  }
}

/**
 * One set of test files, run by `npm test`: unit files (engine, protocol, database, server on a
 * real SQLite file with real websocket clients, client modules) and browser files under e2e/
 * (Debian's Chromium driven by playwright-core against the built SPAs, which
 * e2e/global-setup.ts builds first). They are one project on purpose: vitest hands a worker
 * the next file without restarting it only when both files belong to the same project, so with
 * two projects a worker that finished a browser file and found a unit file next ended, and its
 * Chromium and its pool of contexts (e2e/support/pool.ts) with it (eight browser workers in a
 * run instead of two). The timeouts of each kind of file are set by e2e/support/turn.ts.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    reporters: [
      'default',
      './scripts/summary-reporter.ts',
      // VITEST_JSON=file also writes vitest's JSON report (each file's start and end) there.
      ...(process.env.VITEST_JSON
        ? [['json', { outputFile: process.env.VITEST_JSON }] as ['json', object]]
        : []),
    ],
    sequence: { sequencer: BrowserTurnsSequencer },
    include: [
      'server/**/*.test.ts',
      'db/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
      'fixtures/**/*.test.ts',
      'web/**/*.test.ts',
      'judge-tablet/**/*.test.ts',
      'scoreboard/**/*.test.ts',
      'console/**/*.test.ts',
      'setup/**/*.test.ts',
      'e2e/**/*.test.ts',
    ],
    environment: 'node',
    maxWorkers: WORKERS,
    // Files share a worker's module cache (each still starts its own server on its own
    // database file): importing the server and playwright afresh for each of ~120 files cost
    // a second of CPU a file.
    isolate: false,
    globalSetup: ['e2e/global-setup.ts'],
    // Browser files take turns and have longer timeouts than unit files.
    setupFiles: ['e2e/support/turn.ts'],
  },
});
