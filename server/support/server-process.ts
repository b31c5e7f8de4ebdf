/**
 * The real server as a child process, for tests of what only a process shows (signals, the
 * start banner, exit codes, a SIGKILL): `node --import tsx server/main.ts` with its own
 * environment, in its own process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Processes to end when the test ends ({@link endProcesses}). */
export const children: ChildProcess[] = [];
/** Folders to remove when the test ends. */
export const dirs: string[] = [];
/** Ends every process {@link startProcess} started and removes the folders in `dirs`. */
export function endProcesses(): void {
  // The whole process group: `npm start`'s server is npm's child, and a test that failed before
  // stopping it would leave it serving, holding its port and folder.
  for (const c of children.splice(0))
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      c.kill('SIGKILL'); // already gone, or not a group leader
    }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * How long a start may take to print, ms: about 2 s on a quiet machine, but a child compiles
 * and loads the whole server, and the browser files run beside this file; the tests' own
 * timeouts (60–90 s) still bound the whole.
 */
export const START_MS = 45_000;

/**
 * Starts `server/main.ts` as the real process (or `command`, e.g. `npm start`) and waits until
 * it prints its address.
 */
export async function startProcess(
  dataDir: string,
  env: Record<string, string | undefined> = { LOG_LEVEL: 'warn' },
  command = [process.execPath, '--import', 'tsx', 'server/main.ts'],
): Promise<{
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Resolves once the process has exited and everything it printed has been read. */
  closed: Promise<void>;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves with the output once it matches `pattern` (what was printed, not a wait). */
  printed: (pattern: RegExp) => Promise<string>;
}> {
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, which afterEach ends whole
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let out = '';
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return;
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        clearTimeout(timer);
        resolve(out);
      };
      const timer = setTimeout(
        () => reject(new Error(`${pattern} never printed:\n${out}`)),
        START_MS,
      );
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      check();
    });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed:\n${out}`)), START_MS);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/localhost:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    // A start that fails says why at once, not after START_MS.
    void closed.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited with ${child.exitCode} before printing an address:\n${out}`));
    });
  });
  return { child, url, exited, closed, output: () => out, printed };
}
