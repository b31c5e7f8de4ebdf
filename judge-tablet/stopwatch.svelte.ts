/** How often the running display refreshes, ms (a tenth of a second is shown). */
const TICK_MS = 50;

/**
 * A start/stop/reset stopwatch on the monotonic clock (`performance.now`), so a wall-clock
 * jump (NTP, a time-zone change) cannot bend a run time. The elapsed time is computed from
 * the clock, not counted by ticks: a tablet that sleeps mid-run still reads right.
 */
export class Stopwatch {
  /** ms accumulated by earlier runs (a stop then a start continues). */
  #base = $state(0);
  #startedAt = $state<number | null>(null);
  /** Last display tick; only drives the re-render. */
  #now = $state(0);
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #clock: () => number;

  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
  }

  get running(): boolean {
    return this.#startedAt !== null;
  }

  /** Elapsed ms as of the last display tick (reactive). */
  get elapsed(): number {
    return this.#startedAt === null
      ? this.#base
      : this.#base + Math.max(0, this.#now - this.#startedAt);
  }

  /** Exact elapsed ms now (use for time stamps, not for display). */
  read(): number {
    return this.#startedAt === null
      ? this.#base
      : this.#base + Math.max(0, this.#clock() - this.#startedAt);
  }

  /** Sets the reading of a stopped stopwatch (a typed time, a restored draft). */
  set(ms: number): void {
    if (this.#startedAt !== null) return;
    this.#base = Math.max(0, ms);
  }

  start(): void {
    if (this.#startedAt !== null) return;
    this.#startedAt = this.#now = this.#clock();
    this.#timer = setInterval(() => (this.#now = this.#clock()), TICK_MS);
  }

  /** Stops and returns the elapsed whole milliseconds. */
  stop(): number {
    if (this.#startedAt !== null) {
      this.#base += Math.max(0, this.#clock() - this.#startedAt);
      this.#startedAt = null;
    }
    this.#clearTimer();
    return Math.round(this.#base);
  }

  reset(): void {
    this.#startedAt = null;
    this.#base = 0;
    this.#clearTimer();
  }

  dispose(): void {
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/** Formats ms as `mm:ss.t` (tenths truncated, as a stopwatch shows them): 65342 → "01:05.3". */
export function formatClock(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = Math.floor((tenths % 600) / 10);
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${tenths % 10}`;
}
