import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';

/**
 * Browser files take turns (a setup file of the e2e project, vitest.config.ts): the unit files
 * run beside them in the other workers, but at most `browserTurns` browser files at a time
 * (one by default) start their server and Chromium. One Chromium per file already loads a
 * 2-core machine; two at once made the "within a second" and stopwatch tests race the
 * machine, not the code.
 *
 * A turn is a directory `turn-N` made in the run's folder (provided by e2e/global-setup.ts):
 * making a directory either succeeds or fails at once, so two workers never hold the same
 * one. The file takes its turn before its own `beforeAll` (setup files' hooks run first) and
 * gives it back after its own `afterAll`; a file that fails to load never runs either hook,
 * so it never holds a turn.
 */
const dir = inject('turnDir');
const turns = inject('browserTurns');
let held: string | null = null;

/** Waits for a free turn (checking every 50 ms), takes it and records who holds it. */
async function takeTurn(): Promise<string> {
  for (;;) {
    for (let i = 0; i < turns; i++) {
      const turn = join(dir, `turn-${i}`);
      try {
        mkdirSync(turn);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      writeFileSync(join(turn, 'holder'), `${process.pid} ${expect.getState().testPath}\n`);
      return turn;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A turn may take as long as the longest browser file before it: no hook timeout applies.
beforeAll(async () => {
  held = await takeTurn();
}, 0);

afterAll(() => {
  if (!held) return;
  rmSync(held, { recursive: true, force: true });
  held = null;
});
