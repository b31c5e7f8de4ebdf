/**
 * Stopwatch time that survives a reload, and the device-clock jumps that make it unreliable.
 *
 * While the page lives a stopwatch runs on the monotonic clock (`performance.now`), which a
 * wall-clock change cannot bend. A reload restarts that clock at 0, so the draft keeps a run
 * on the wall clock instead: the reading `ms` at wall time `at` (Date.now). A restore is then
 * `ms + (now − at)` — right unless the wall clock moved meanwhile. Two checks catch that:
 *
 * - on restore, a start in the future (the clock went back) or a reading beyond a sane bound
 *   (the criterion's maxMs, at most {@link MAX_RUN_MS}: the clock leapt, or the tablet lay
 *   in a drawer) is not believed;
 * - while the page lives, {@link ClockWatch} compares how far the wall clock and the monotonic
 *   clock moved between two checks: they disagree when the wall clock is set (NTP, a time-zone
 *   change by hand) or when the device slept (the monotonic clock of Android stops in sleep).
 *
 * Either way the tablet says the time is uncertain and asks the judge to type it.
 */

/** The longest run a restored stopwatch is believed to have lasted. */
export const MAX_RUN_MS = 2 * 60 * 60 * 1000;

/**
 * How far the wall and the monotonic clock may drift apart between two checks (a second or
 * so apart) before it counts as a jump. NTP slews by at most 0.5 ms/s; a jump is a step.
 */
export const JUMP_TOLERANCE_MS = 1_000;

/** A restored start this far in the future is still taken (sub-second clock corrections). */
export const FUTURE_TOLERANCE_MS = 1_000;

/** A stopwatch as a draft keeps it: the reading `ms` at wall time `at` (null: stopped). */
export interface ClockDraft {
  /** Elapsed whole milliseconds at `at` (or when stopped). */
  ms: number;
  /** Wall clock (Date.now) of the reading while running; null while stopped. */
  at: number | null;
  /** The device clock jumped during the run: the judge must type the time. */
  uncertain: boolean;
  /** The reading was typed by the judge (the face shows it; start continues from it). */
  typed: boolean;
}

export type RestoredRun =
  | { kind: 'stopped'; ms: number }
  | { kind: 'running'; ms: number }
  | { kind: 'uncertain'; why: 'backwards' | 'too-long' };

/** The bound a restored reading must stay within: the criterion's maxMs, at most 2 h. */
export function runBound(maxMs: number | undefined): number {
  return Math.min(maxMs ?? MAX_RUN_MS, MAX_RUN_MS);
}

/**
 * What a stored stopwatch reads now (`now`: Date.now()). A run whose start lies in the future
 * or whose reading exceeds `boundMs` is uncertain; a stopped one reads what it read.
 */
export function restoreRun(saved: ClockDraft, now: number, boundMs: number): RestoredRun {
  if (saved.at === null) return { kind: 'stopped', ms: saved.ms };
  if (now < saved.at - FUTURE_TOLERANCE_MS) return { kind: 'uncertain', why: 'backwards' };
  const ms = saved.ms + Math.max(0, now - saved.at);
  if (ms > boundMs) return { kind: 'uncertain', why: 'too-long' };
  return { kind: 'running', ms };
}

/**
 * Notices wall-clock jumps while the page lives: each {@link check} compares how far the wall
 * clock and the monotonic clock moved since the previous one. Returns the difference (ms, wall
 * minus monotonic; negative: the wall clock went back) when it exceeds the tolerance, else
 * null. Either way the next check measures from now.
 */
export class ClockWatch {
  readonly #wall: () => number;
  readonly #mono: () => number;
  readonly #tolerance: number;
  #lastWall: number;
  #lastMono: number;

  constructor(opts: { wall?: () => number; mono?: () => number; toleranceMs?: number } = {}) {
    this.#wall = opts.wall ?? (() => Date.now());
    this.#mono = opts.mono ?? (() => performance.now());
    this.#tolerance = opts.toleranceMs ?? JUMP_TOLERANCE_MS;
    this.#lastWall = this.#wall();
    this.#lastMono = this.#mono();
  }

  check(): number | null {
    const wall = this.#wall();
    const mono = this.#mono();
    const skew = wall - this.#lastWall - (mono - this.#lastMono);
    this.#lastWall = wall;
    this.#lastMono = mono;
    return Math.abs(skew) > this.#tolerance ? Math.round(skew) : null;
  }
}
