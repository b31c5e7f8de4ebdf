import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../db/pg/throwaway.ts';

/**
 * The nginx configuration docs/deployment.md gives (its ```nginx block), with the two example
 * upstreams (127.0.0.1:3001, :3002) and `listen 80` replaced by these ports.
 * @throws Error when the guide no longer has the block or its example upstreams.
 */
export function deploymentNginxConfig(upstreams: [number, number], listen: number): string {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/deployment.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block?.includes('server 127.0.0.1:3001') || !block.includes('listen 80;'))
    throw new Error('docs/deployment.md has no nginx block with the example upstreams');
  return block
    .replace('127.0.0.1:3001', `127.0.0.1:${upstreams[0]}`)
    .replace('127.0.0.1:3002', `127.0.0.1:${upstreams[1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${listen};`);
}

/**
 * Starts Debian's nginx (`/usr/sbin/nginx`, in the foreground, its files in a temporary folder)
 * with the deployment guide's configuration in front of two instances, and waits until it
 * answers `/healthz`, on `port` (default: a free one). For tests and benchmarks.
 * @returns its URL and a stop function.
 */
export async function startBalancer(
  upstreams: [number, number],
  port?: number,
): Promise<{ url: string; pid: number; stop(): void }> {
  port ??= await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'jx-nginx-'));
  chmodSync(prefix, 0o777); // its workers write their temporary files there
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    [
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log warn;`,
      'daemon off;',
      'worker_processes 1;',
      'events { worker_connections 8192; }',
      `http { access_log off; ${deploymentNginxConfig(upstreams, port)} }`,
    ].join('\n'),
  );
  // Its own process group: the master and its workers end together (a SIGKILLed master alone
  // leaves its workers serving the port).
  const nginx = spawn('/usr/sbin/nginx', ['-p', `${prefix}/`, '-c', conf], {
    stdio: 'ignore',
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-nginx.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 10_000;
  while (
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > end) {
      stop();
      throw new Error(
        `nginx did not answer on ${url}:\n${readFileSync(`${prefix}/error.log`, 'utf8')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, pid: nginx.pid!, stop };
}
