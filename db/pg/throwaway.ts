import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/pg-cluster.sh');
const run = promisify(execFile);

/** A throwaway cluster started by scripts/pg-cluster.sh: its URL and how to remove it. */
export interface ThrowawayCluster {
  /** `postgres://jiangxing@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** Stops the cluster (fast shutdown: open connections are cut), keeping its files. */
  stop(): Promise<void>;
  /** Starts the stopped cluster again on the same port. */
  start(): Promise<void>;
  /** Stops the cluster (fast shutdown) and deletes its files. */
  destroy(): Promise<void>;
}

/** A TCP port nobody listens on now (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Creates and starts a fresh PostgreSQL cluster in a new temporary folder, for development and
 * tests (Debian's `postgresql`; as root the cluster runs as the package's `postgres` user).
 * @throws Error with the script's output when PostgreSQL is missing or fails to start.
 */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const parent = mkdtempSync(join(tmpdir(), 'jx-pg-'));
  // The cluster's own user must be able to reach its folder.
  chmodSync(parent, 0o755);
  const dir = join(parent, 'cluster');
  const port = await freePort();
  const { stdout } = await run('bash', [SCRIPT, 'start', dir, String(port)]);
  return {
    url: stdout.trim(),
    port,
    async stop() {
      await run('bash', [SCRIPT, 'stop', dir]);
    },
    async start() {
      await run('bash', [SCRIPT, 'start', dir, String(port)]);
    },
    async destroy() {
      await run('bash', [SCRIPT, 'destroy', dir]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
