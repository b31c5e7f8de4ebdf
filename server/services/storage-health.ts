/**
 * Whether the database answers, as `/healthz` reports it. `/healthz` is anonymous, so its cost
 * is bounded: at most one ping every `maxAgeMs` whatever the number of requests (the others
 * share the pending ping or reuse the last answer), and a ping that does not answer within
 * `timeoutMs` counts as unavailable (an unreachable PostgreSQL must not hold the request). A
 * ping still unanswered is never joined by another: each would hold a pooled connection that
 * writes need, so until it settles the answer stays unavailable.
 */
export class StorageHealth {
  #checkedAt = -Infinity;
  #ok = true;
  #pending: Promise<boolean> | null = null;
  /** The last ping, until it settles (it may outlive its timeout). */
  #unanswered: Promise<void> | null = null;

  /**
   * `ping`: the store's `SELECT 1` (db/store.ts). `now`: a clock in ms (tests may step it).
   */
  constructor(
    private readonly ping: () => Promise<void>,
    private readonly opts: { maxAgeMs: number; timeoutMs: number } = {
      maxAgeMs: 1000,
      timeoutMs: 1000,
    },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when the database answered its last ping, made at most `maxAgeMs` ago. */
  async available(): Promise<boolean> {
    if (this.now() - this.#checkedAt < this.opts.maxAgeMs) return this.#ok;
    this.#pending ??= this.#check().finally(() => (this.#pending = null));
    return this.#pending;
  }

  async #check(): Promise<boolean> {
    if (this.#unanswered) {
      this.#ok = false;
      this.#checkedAt = this.now();
      return false;
    }
    const ping = this.ping().finally(() => {
      if (this.#unanswered === ping) this.#unanswered = null;
    });
    this.#unanswered = ping;
    ping.catch(() => {}); // settled here or below; a late refusal is nobody's error
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer')), this.opts.timeoutMs);
    });
    try {
      await Promise.race([ping, late]);
      this.#ok = true;
    } catch {
      this.#ok = false;
    } finally {
      clearTimeout(timer);
      this.#checkedAt = this.now();
    }
    return this.#ok;
  }
}
