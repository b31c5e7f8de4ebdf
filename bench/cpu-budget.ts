/**
 * A CPU budget for one process: the kernel's CFS bandwidth control (a cgroup's quota per
 * period) lets it run at most `cores` of a core, however idle the machine is. The capacity
 * bench (bench/engines.ts, `--budget`) gives every server instance the same budget, so that two
 * instances on a 2-core machine stand for two small machines, and one instance for one of them:
 * what several instances hold more than one is then measured, not assumed.
 *
 * Works with cgroup v1 (a `cpu` hierarchy at /sys/fs/cgroup/cpu, `cpu.cfs_quota_us`) and
 * cgroup v2 (`cpu.max` in /sys/fs/cgroup), as root; anything else throws, saying so.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';
/** The scheduling period, µs (the kernel's default). */
const PERIOD_US = 100_000;

/** Where this machine keeps CPU budgets, or null when it cannot make them (not root, no controller). */
function budgetRoot(): { dir: string; v1: boolean } | null {
  if (existsSync(join(V1, 'cpu.cfs_quota_us'))) return { dir: V1, v1: true };
  try {
    // Enabled for child groups (subtree_control), not only available (controllers).
    const enabled = readFileSync(join(V2, 'cgroup.subtree_control'), 'utf8');
    if (enabled.split(/\s+/).includes('cpu')) return { dir: V2, v1: false };
  } catch {
    // No cgroup v2 at /sys/fs/cgroup.
  }
  return null;
}

/** Whether budgets can be made here: a group can be created and removed (no process moved). */
export function cpuBudgetsHere(): boolean {
  const root = budgetRoot();
  if (!root) return false;
  const probe = join(root.dir, `jx-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves process `pid` (all its threads) into a new cgroup limited to `cores` CPU (e.g. 0.5:
 * 50 ms of every 100 ms). Returns what removes the group once the process has exited.
 * @throws when no cgroup CPU controller can be written here, or `cores` is not in (0, 64].
 */
export function limitCpu(pid: number, cores: number): () => void {
  if (!(cores > 0 && cores <= 64)) throw new Error(`a CPU budget is 0 < cores ≤ 64, not ${cores}`);
  const quota = Math.round(cores * PERIOD_US);
  const root = budgetRoot();
  if (!root)
    throw new Error('no cgroup CPU controller here (a CPU budget needs cgroup v1 cpu or v2)');
  const dir = join(root.dir, `jx-bench-${pid}`);
  mkdirSync(dir);
  try {
    if (root.v1) {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
    } else writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  } catch (err) {
    rmdirSync(dir);
    throw err;
  }
  return () => {
    try {
      rmdirSync(dir);
    } catch {
      // Still busy (the process has not quite gone): the kernel keeps an empty group harmlessly.
    }
  };
}

/** How often the processes of a budget were held back, from its `cpu.stat` (v1 and v2). */
export function throttled(pid: number): { periods: number; throttled: number } | null {
  for (const root of [V1, V2]) {
    const file = join(root, `jx-bench-${pid}`, 'cpu.stat');
    if (!existsSync(file)) continue;
    const stat = Object.fromEntries(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    return { periods: Number(stat.nr_periods ?? 0), throttled: Number(stat.nr_throttled ?? 0) };
  }
  return null;
}
