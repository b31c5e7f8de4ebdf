/**
 * Token buckets for the live protocol (written here because no websocket rate limiter fits the
 * per-frame shape): each socket may send `burst` frames at once and `perSecond` sustained; each
 * remote address may fail `maxFailures` logins per minute. Time comes in as an argument.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token; false when the bucket is empty (the frame should be refused). */
  take(now: number): boolean {
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + ((now - this.#last) / 1000) * this.perSecond,
    );
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Frames a judge socket may send: plenty for a person, far too few for a flood. */
export const JUDGE_FRAMES = { perSecond: 50, burst: 200 } as const;
/** Failed logins allowed per remote address per minute. */
export const LOGIN_FAILURES_PER_MINUTE = 10;

/** Counts failed logins per address in a sliding minute. */
export class LoginGuard {
  readonly #failures = new Map<string, number[]>();

  /** True while the address may still try. */
  allowed(address: string, now: number): boolean {
    const recent = (this.#failures.get(address) ?? []).filter((t) => now - t < 60_000);
    this.#failures.set(address, recent);
    return recent.length < LOGIN_FAILURES_PER_MINUTE;
  }

  fail(address: string, now: number): void {
    this.#failures.set(address, [
      ...(this.#failures.get(address) ?? []).filter((t) => now - t < 60_000),
      now,
    ]);
    if (this.#failures.size > 10_000) this.#failures.clear();
  }
}
