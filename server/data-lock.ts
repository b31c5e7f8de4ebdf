import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One server per data folder: two servers writing one contest would each believe their own
 * state. Takes `DATA_DIR/jiangxing.lock` (holding the pid) or explains who holds it; a lock
 * left by a process that no longer runs is taken over.
 * @returns a release function, or an error message for a person (also when the folder cannot
 *   be made or written: a file of that name, no permission, a read-only disk).
 */
export function lockDataDir(
  dataDir: string,
): { ok: true; release: () => void } | { ok: false; message: string } {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    return { ok: false, message: unusable(dataDir, err) };
  }
  const file = join(dataDir, 'jiangxing.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { ok: true, release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        return { ok: false, message: unusable(dataDir, err) };
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

/** Why `dataDir` cannot hold the data, for a person: a file of that name, no permission… */
function unusable(dataDir: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? '这个路径（或它的上级）是一个文件，不是文件夹'
      : code === 'EACCES' || code === 'EPERM'
        ? '没有写入权限'
        : code === 'EROFS'
          ? '磁盘是只读的'
          : (err as Error).message;
  return `无法使用数据目录 ${dataDir}：${why}。请把 DATA_DIR 设为一个可写的文件夹。`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
