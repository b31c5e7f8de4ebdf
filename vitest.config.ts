import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const alias = {
  '#engine': here('./server/engine/index.ts'),
  '#protocol': here('./server/protocol/index.ts'),
};

/**
 * Test files run at once, both projects together: one less than the cores, and at least two,
 * so that on a 2-core machine the unit files run beside the browser files instead of after
 * them (a browser file mostly waits on its page; vitest's default of one worker there ran
 * the two projects one after the other). Browser files still take turns (e2e/support/turn.ts).
 * TEST_WORKERS sets another number.
 */
const WORKERS = Number(process.env.TEST_WORKERS) || Math.max(2, availableParallelism() - 1);

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
      )?.duration ?? (f.project.name === 'e2e' ? 30_000 : 2_000);
    const browser = sorted.filter((f) => f.project.name === 'e2e');
    const unit = sorted.filter((f) => f.project.name !== 'e2e');
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
 * Two projects run by `npm test`: `unit` (engine, protocol, database, server on a real SQLite
 * file with real websocket clients) and `e2e` (Debian's Chromium driven by playwright-core
 * against the built SPAs; e2e/global-setup.ts builds them first). They run together in one
 * pool of WORKERS workers.
 */
export default defineConfig({
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
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'server/**/*.test.ts',
            'db/**/*.test.ts',
            'scripts/**/*.test.ts',
            'fixtures/**/*.test.ts',
            'web/**/*.test.ts',
            'judge-tablet/**/*.test.ts',
            'scoreboard/**/*.test.ts',
            'console/**/*.test.ts',
            'setup/**/*.test.ts',
          ],
          environment: 'node',
          maxWorkers: WORKERS,
          // Files share a worker's module cache (each still starts its own server on its own
          // database file): importing the server afresh for each of ~100 files cost a second of
          // CPU a file.
          isolate: false,
          // Server tests start real servers and child processes; a loaded CI machine is slow.
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['e2e/global-setup.ts'],
          // One browser file at a time (E2E_BROWSERS to allow more), beside the unit files.
          setupFiles: ['e2e/support/turn.ts'],
          maxWorkers: WORKERS,
          // A worker imports the server and playwright once for the browser files it runs,
          // not once a file (each file still starts its own server and Chromium).
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
