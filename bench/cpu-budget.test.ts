import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuBudgetsHere, limitCpu, throttled } from './cpu-budget.ts';

/** A child that spins for `ms` of wall time and prints the CPU seconds it got. */
function spinner(ms: number) {
  const child = spawn(process.execPath, [
    '-e',
    `const t = Date.now(); while (Date.now() - t < ${ms}); const u = process.cpuUsage(); console.log((u.user + u.system) / 1e6);`,
  ]);
  const cpu = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out.trim())) : reject(new Error(`exit ${code}`)),
    );
  });
  return { pid: child.pid!, cpu };
}

describe.skipIf(!cpuBudgetsHere())('a CPU budget (the capacity bench)', () => {
  it('holds a busy process to its share of a core, and says it held it back', async () => {
    const limited = spinner(1500);
    const release = limitCpu(limited.pid, 0.2);
    // 1.5 s of wall time at 0.2 of a core is about 0.3 s of CPU (a load on the machine only
    // lowers it); the kernel's count of periods it was held back says the budget did it.
    const stats = await new Promise<ReturnType<typeof throttled>>((resolve) =>
      setTimeout(() => resolve(throttled(limited.pid)), 1000),
    );
    const limitedCpu = await limited.cpu;
    release();
    expect(limitedCpu).toBeLessThan(0.45);
    expect(stats!.throttled).toBeGreaterThan(0);
  });

  it('refuses a budget that is no share of a core', () => {
    expect(() => limitCpu(process.pid, 0)).toThrow(/0 < cores/);
    expect(() => limitCpu(process.pid, Number.NaN)).toThrow(/0 < cores/);
  });
});
