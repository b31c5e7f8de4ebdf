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
/**
 * Frames a board socket may send: a board only ever says hello once and pings every 5 s
 * (HEARTBEAT.pingMs), so a handful a second is already a flood.
 */
export const BOARD_FRAMES = { perSecond: 2, burst: 10 } as const;
/** Longest frame a board may send, bytes: a hello with a token is under 300. */
export const MAX_BOARD_FRAME_BYTES = 1024;
/** Malformed frames a board may send before it is closed (4008). */
export const MAX_BOARD_BAD_FRAMES = 5;
/**
 * Board sockets one remote address may hold open (a phone needs one per competition it
 * shows). Loopback (the server's own projector, the benchmarks) is not counted.
 */
export const BOARD_SOCKETS_PER_ADDRESS = 20;

/** The answer of {@link LoginGuard.check}: who it is, refused, or not checked (past the budget). */
export type LoginCheck<W> =
  { status: 'ok'; who: W } | { status: 'refused' } | { status: 'wait'; waitMs: number };

/** Failed logins allowed per remote address per minute. */
export const LOGIN_FAILURES_PER_MINUTE = 10;

/**
 * Past the budget an address still gets one credential checked every this many ms, correct or
 * not: a judge behind the same venue NAT as a guesser gets in after a short wait, while the
 * guesser gets ten guesses a minute; the requests in between are refused unchecked, so the
 * refusal says nothing about the credential (no oracle).
 */
export const THROTTLED_CHECK_MS = 6_000;

/**
 * Counts failed logins per address in a sliding minute: one budget for every credential path,
 * and, with several instances, for every instance (each tells the others its failures:
 * `onFail`, `failedElsewhere`).
 */
export class LoginGuard {
  readonly #failures = new Map<string, number[]>();
  readonly #lastThrottledCheck = new Map<string, number>();

  /** @param onFail each failure counted here, to tell the other instances (PostgreSQL). */
  constructor(private readonly onFail: (address: string, at: number) => void = () => {}) {}

  /**
   * Whether a credential from `address` is checked now: always within the budget; past it,
   * once per {@link THROTTLED_CHECK_MS} (else `wait` ms, to say in Retry-After).
   */
  admit(address: string, now: number): { check: true } | { check: false; waitMs: number } {
    if (this.allowed(address, now)) return { check: true };
    const last = this.#lastThrottledCheck.get(address) ?? -Infinity;
    if (now - last >= THROTTLED_CHECK_MS) {
      this.#lastThrottledCheck.set(address, now);
      if (this.#lastThrottledCheck.size > 10_000) this.#lastThrottledCheck.clear();
      return { check: true };
    }
    return { check: false, waitMs: THROTTLED_CHECK_MS - (now - last) };
  }

  /** True while the address may still try. */
  allowed(address: string, now: number): boolean {
    const recent = (this.#failures.get(address) ?? []).filter((t) => now - t < 60_000);
    this.#failures.set(address, recent);
    return recent.length < LOGIN_FAILURES_PER_MINUTE;
  }

  readonly #turns = new Map<string, Promise<void>>();

  /**
   * Waits until no other credential from `address` is being checked, and holds the turn until
   * `release()`: checks from one address run one after another, each seeing the failures of
   * the one before, so checks at once (each awaiting the database) cannot pass the budget
   * together, and tablets logging in at once are not counted against it.
   */
  async turn(address: string): Promise<() => void> {
    const before = this.#turns.get(address) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.#turns.set(address, tail);
    await before;
    return () => {
      release();
      if (this.#turns.get(address) === tail) this.#turns.delete(address);
    };
  }

  /**
   * One login check from `address`, the one way every credential path checks (the judge
   * socket's hello, a Bearer header, `POST /api/session`): in the address's {@link turn}; past
   * the budget refused unchecked (`wait`; with `throttled`, one check per
   * {@link THROTTLED_CHECK_MS} still goes through, see {@link admit}); else `lookup`'s answer,
   * where null (no one) counts as a failure of the address. A `lookup` that throws (the
   * database cannot answer) counts nothing and throws.
   */
  async check<W>(
    address: string,
    lookup: () => Promise<W | null>,
    opts: { throttled?: boolean; now?: () => number } = {},
  ): Promise<LoginCheck<W>> {
    const now = opts.now ?? Date.now;
    const release = await this.turn(address);
    try {
      const admitted = opts.throttled
        ? this.admit(address, now())
        : this.allowed(address, now())
          ? ({ check: true } as const)
          : ({ check: false, waitMs: 0 } as const);
      if (!admitted.check) return { status: 'wait', waitMs: admitted.waitMs };
      const who = await lookup();
      if (who !== null) return { status: 'ok', who };
      this.fail(address, now());
      return { status: 'refused' };
    } finally {
      release();
    }
  }

  /** Counts a failed login of `address` here, and tells the other instances. */
  fail(address: string, now: number): void {
    this.failedElsewhere(address, now);
    this.onFail(address, now);
  }

  /** Counts a failed login another instance saw (it is not told on). */
  failedElsewhere(address: string, at: number): void {
    this.#failures.set(address, [
      ...(this.#failures.get(address) ?? []).filter((t) => at - t < 60_000),
      at,
    ]);
    if (this.#failures.size > 10_000) this.#failures.clear();
  }
}
