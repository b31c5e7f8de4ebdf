import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One server per data folder: two servers writing one contest would each believe their own
 * state. Takes `DATA_DIR/jiangxing.lock` (holding the pid) or explains who holds it; a lock
 * left by a process that no longer runs is taken over.
 * @returns a release function, or an error message for a person.
 */
export function lockDataDir(
  dataDir: string,
): { ok: true; release: () => void } | { ok: false; message: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jiangxing.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { ok: true, release: () => rmSync(file, { force: true }) };
    } catch {
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && alive(pid))
        return {
          ok: false,
          message: `数据目录 ${dataDir} 正被另一个匠星服务器使用（进程 ${pid}）。请先停止它，或换一个 DATA_DIR。`,
        };
      rmSync(file, { force: true });
    }
  }
  return { ok: false, message: `无法锁定数据目录 ${dataDir}` };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
