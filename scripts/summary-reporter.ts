import type { Reporter, TestModule } from 'vitest/node';

/**
 * Adds one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own
 * summary, so any CI reader can count the run without parsing vitest's format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules)
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
      }
    for (const m of modules)
      if (m.state() === 'failed' && ![...m.children.allTests()].length) failed++;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
