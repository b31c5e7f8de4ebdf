/** The parts of `navigator` and `document` the wake lock uses (fakes in unit tests). */
export interface WakeEnv {
  navigator: { wakeLock?: Pick<WakeLock, 'request'> };
  document: Pick<Document, 'visibilityState' | 'addEventListener'>;
}

/**
 * Keeps the tablet's screen on while a judge is scoring (Screen Wake Lock API): a judge
 * watching a run must not find a dark screen when the fault happens. The browser drops the
 * lock whenever the page is hidden, so it is requested again on `visibilitychange`. Where the
 * API is missing (older Android WebView, plain HTTP on some browsers) or refuses (battery
 * saver), nothing happens: the tablet works, its screen just may sleep.
 */
export class ScreenWake {
  readonly #env: WakeEnv;
  #wanted = false;
  #sentinel: WakeLockSentinel | null = null;
  #requesting = false;

  constructor(env: WakeEnv = { navigator, document }) {
    this.#env = env;
    env.document.addEventListener('visibilitychange', () => void this.#sync());
  }

  /** True while the screen is held awake. */
  get held(): boolean {
    return this.#sentinel !== null;
  }

  /** Asks for the screen to stay on (true) or lets it sleep again (false). */
  set(wanted: boolean): Promise<void> {
    this.#wanted = wanted;
    return this.#sync();
  }

  async #sync(): Promise<void> {
    const api = this.#env.navigator.wakeLock;
    if (!api) return;
    if (!this.#wanted) {
      const s = this.#sentinel;
      this.#sentinel = null;
      await s?.release().catch(() => undefined);
      return;
    }
    if (this.#sentinel || this.#requesting || this.#env.document.visibilityState !== 'visible')
      return;
    this.#requesting = true;
    try {
      const s = await api.request('screen');
      s.addEventListener('release', () => {
        if (this.#sentinel === s) this.#sentinel = null;
      });
      if (this.#wanted) this.#sentinel = s;
      else await s.release();
    } catch {
      // Refused (not visible any more, battery saver, permissions policy): try again later.
    } finally {
      this.#requesting = false;
    }
  }
}
