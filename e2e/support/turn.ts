import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, vi } from 'vitest';
import { isBrowserFile } from './kind.ts';

/**
 * The setup file of every test file (vitest.config.ts): it gives unit and browser files their
 * timeouts, and browser files take turns. The unit files run beside them in the other workers,
 * but at most `browserTurns` browser files at a time (one by default) start their server and
 * drive Chromium. One browser file already loads a 2-core machine; two at once made the
 * "within a second" and stopwatch tests race the machine, not the code.
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

/** True when the process that wrote a turn's holder file has ended (a crashed worker). */
function abandoned(turn: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(turn, 'holder'), 'utf8').split(' ')[0]);
  } catch {
    return false; // just made, its holder not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Waits for a free turn (checking every 50 ms), takes it and records who holds it; a turn whose
 * holder's process has ended is free again. Throws after `timeoutMs`, naming the holders.
 */
async function takeTurn(timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (let i = 0; i < turns; i++) {
      const turn = join(dir, `turn-${i}`);
      if (abandoned(turn)) rmSync(turn, { recursive: true, force: true });
      try {
        mkdirSync(turn);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      writeFileSync(join(turn, 'holder'), `${process.pid} ${expect.getState().testPath}\n`);
      return turn;
    }
    if (Date.now() > end) {
      const holders = Array.from({ length: turns }, (_, i) => {
        try {
          return readFileSync(join(dir, `turn-${i}`, 'holder'), 'utf8').trim();
        } catch {
          return '?';
        }
      });
      throw new Error(`no browser turn in ${timeoutMs / 1000} s; held by ${holders.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A turn may take as long as the browser files before it: half an hour, not the hook timeout.
const TURN_WAIT_MS = 30 * 60_000;
const browserFile = isBrowserFile(expect.getState().testPath ?? '');

// Server tests start real servers and child processes, and browser tests a page each; a loaded
// CI machine is slow.
vi.setConfig(
  browserFile
    ? { testTimeout: 60_000, hookTimeout: 120_000 }
    : { testTimeout: 20_000, hookTimeout: 60_000 },
);

beforeAll(async () => {
  if (!browserFile) return;
  held = await takeTurn(TURN_WAIT_MS);
}, TURN_WAIT_MS + 10_000);

afterAll(() => {
  if (!held) return;
  rmSync(held, { recursive: true, force: true });
  held = null;
});
