import { defineConfig } from 'vitest/config';
import { alias, WORKERS } from './vitest.config.ts';

/**
 * The server suite again on PostgreSQL (issue 14: "the server suite — marks, exactly-once,
 * course, exports, festival — runs on both engines, with no mocks of either"): the same test
 * files as in the SQLite run, unchanged. server/test-support.ts starts each test server on a
 * database of its own in one throwaway cluster (server/support/pg-global-setup.ts) instead of a
 * SQLite file. `npm test` runs it after the main run.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    include: [
      // marks, corrections and the live standings against a full recompute
      'server/app.test.ts',
      'server/owners.test.ts',
      'server/head-judge.test.ts',
      // exactly once across restarts
      'server/restart.test.ts',
      // the course: locks, freeze, reveal, publish
      'server/course.test.ts',
      'server/frozen-summary.test.ts',
      'server/hidden.test.ts',
      'server/views.test.ts',
      // exports, the full JSON export and its re-import, settings and officials
      'server/routes/api/exports.test.ts',
      'server/routes/api/manage.test.ts',
      // score imports (one batch for a whole file) and contestant imports
      'server/routes/api/imports.test.ts',
      'server/routes/api/contestant-import.test.ts',
      // festivals, rounds and advancement
      'server/festival.test.ts',
      'server/running-total.test.ts',
      // requests that overlap, and two instances in one test
      'server/races.test.ts',
      // logins and sessions
      'server/routes/api/session.test.ts',
    ],
    environment: 'node',
    // Every test server makes its database and loads its contest over the network.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: WORKERS,
    isolate: false,
    globalSetup: ['server/support/pg-global-setup.ts'],
  },
});
