import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const alias = {
  '#engine': here('./server/engine/index.ts'),
  '#protocol': here('./server/protocol/index.ts'),
};

/**
 * Two projects run by `npm test`: `unit` (engine, protocol, database, server on a real SQLite
 * file with real websocket clients) and `e2e` (Debian's Chromium driven by playwright-core
 * against the built SPAs; e2e/global-setup.ts builds them first).
 */
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
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
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
