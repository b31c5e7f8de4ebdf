import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClockWatch, MAX_RUN_MS, restoreRun, runBound, type ClockDraft } from './clock.ts';

const run = (ms: number, at: number | null): ClockDraft => ({
  ms,
  at,
  uncertain: false,
  typed: false,
});

describe('restoreRun', () => {
  const T = Date.UTC(2024, 9, 12, 9, 30);

  it('reads a stopped stopwatch as it was', () => {
    expect(restoreRun(run(65_300, null), T, 600_000)).toEqual({ kind: 'stopped', ms: 65_300 });
  });

  it('continues a running one on the wall clock', () => {
    // 12.5 s on the clock when saved, the page came back 4 s later.
    expect(restoreRun(run(12_500, T), T + 4_000, 600_000)).toEqual({
      kind: 'running',
      ms: 16_500,
    });
  });

  it('does not believe a start in the future (the clock went back)', () => {
    expect(restoreRun(run(0, T), T - 60_000, 600_000)).toEqual({
      kind: 'uncertain',
      why: 'backwards',
    });
    // A sub-second correction is not a jump.
    expect(restoreRun(run(2_000, T), T - 300, 600_000)).toEqual({ kind: 'running', ms: 2_000 });
  });

  it('does not believe a run longer than the bound (the clock leapt, or the tablet lay idle)', () => {
    expect(restoreRun(run(1_000, T), T + 600_000, 600_000)).toEqual({
      kind: 'uncertain',
      why: 'too-long',
    });
    expect(restoreRun(run(1_000, T), T + 599_000, 600_000)).toEqual({
      kind: 'running',
      ms: 600_000,
    });
  });

  it('bounds a run by the criterion, at most 2 h', () => {
    expect(runBound(180_000)).toBe(180_000);
    expect(runBound(3_600_000)).toBe(3_600_000);
    expect(runBound(24 * 3_600_000)).toBe(MAX_RUN_MS);
    expect(runBound(undefined)).toBe(MAX_RUN_MS);
  });
});

describe('ClockWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2024, 9, 12, 9, 30) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Wall and monotonic clocks the test moves apart (the fake timers move both). */
  function clocks() {
    let monoOffset = 0;
    const watch = new ClockWatch({
      wall: () => Date.now(),
      mono: () => performance.now() + monoOffset,
    });
    return {
      watch,
      /** The device slept: the monotonic clock stood still while the wall clock ran on. */
      sleep(ms: number) {
        monoOffset -= ms;
        vi.advanceTimersByTime(ms);
      },
    };
  }

  it('is quiet while both clocks run together', () => {
    const { watch } = clocks();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1_000);
      expect(watch.check()).toBeNull();
    }
  });

  it('sees the wall clock set back, once', () => {
    const { watch } = clocks();
    vi.advanceTimersByTime(1_000);
    vi.setSystemTime(Date.now() - 5 * 60_000);
    vi.advanceTimersByTime(1_000);
    expect(watch.check()).toBe(-5 * 60_000);
    vi.advanceTimersByTime(1_000);
    expect(watch.check()).toBeNull();
  });

  it('sees the wall clock leap forward', () => {
    const { watch } = clocks();
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(watch.check()).toBe(3_600_000);
  });

  it('sees the device sleep (the monotonic clock stood still)', () => {
    const { watch, sleep } = clocks();
    sleep(30_000);
    expect(watch.check()).toBe(30_000);
  });

  it('lets small differences through', () => {
    const { watch } = clocks();
    vi.setSystemTime(Date.now() + 400);
    expect(watch.check()).toBeNull();
  });
});
