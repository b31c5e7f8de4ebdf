import { OutboxDb } from './outbox-db.ts';
import { countDrafts, mayTakeOver, SW_SCOPE, SW_URL, type PendingWork } from './sw-core.ts';

/**
 * Whether this page reloads without a network:
 * - `unavailable`: no service worker here — plain HTTP on a LAN address is not a secure
 *   context (the venue CA is not installed, or the page was opened over HTTP);
 * - `installing`: the worker is storing the page;
 * - `ready`: a worker controls the page, so a reload with no network opens it;
 * - `failed`: registering failed (storage refused, the worker could not fetch the files).
 */
export type OfflineState = 'unavailable' | 'installing' | 'ready' | 'failed';

/** What is on this device that a new build must not be swapped under (sw-core mayTakeOver). */
export async function pendingWork(store = new OutboxDb()): Promise<PendingWork> {
  const outbox = await store.count().catch(() => 0);
  let drafts = 0;
  try {
    drafts = countDrafts(localStorage);
  } catch {
    // Storage refused: no drafts are kept either.
  }
  return { outbox, drafts };
}

/**
 * The judge tablet as an offline app (issue 20, point 4): registers `/judge-tablet/sw.js`
 * (scope `/judge-tablet/`), asks for persistent storage, and lets a newer worker take over
 * only when the takeover guard allows it (no outbox entry, no draft), then reloads into the
 * new build. The page itself keeps the outbox and retries on its own (Safari has no
 * Background Sync); the worker only makes the page open offline.
 */
export class OfflineApp {
  #state = $state<OfflineState>('installing');
  /** `navigator.storage.persist()`'s answer: null before it or where there is none. */
  #persisted = $state<boolean | null>(null);
  #reg: ServiceWorkerRegistration | null = null;
  /** A worker controlled the page when it loaded: a later controller is a new build. */
  #hadController = false;
  readonly #work: () => Promise<PendingWork>;

  constructor(work: () => Promise<PendingWork> = () => pendingWork()) {
    this.#work = work;
  }

  get state() {
    return this.#state;
  }
  get persisted() {
    return this.#persisted;
  }

  /** Registers the worker where the page is a secure context; else says offline is unavailable. */
  start(): void {
    const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (!window.isSecureContext || !sw) {
      this.#state = 'unavailable';
      return;
    }
    this.#hadController = sw.controller !== null;
    if (this.#hadController) this.#state = 'ready';
    sw.addEventListener('controllerchange', () => {
      // The first install claims the page: it is offline-ready now. A controller replacing
      // another is a new build the guard let in: reload into it.
      if (this.#hadController) location.reload();
      this.#hadController = true;
      this.#state = 'ready';
    });
    // `updateViaCache: 'none'`: the update check always asks the server for sw.js.
    sw.register(SW_URL, { scope: SW_SCOPE, updateViaCache: 'none' }).then(
      (reg) => {
        this.#reg = reg;
        if (!this.#hadController && reg.active && !reg.installing && !reg.waiting) {
          // Active but not controlling (a hard reload): the next load is served by it.
          this.#state = 'ready';
        }
        reg.addEventListener('updatefound', () => this.#watch(reg.installing));
        this.#watch(reg.installing ?? reg.waiting);
      },
      () => (this.#state = 'failed'),
    );
    // Best effort: Chrome grants it to an installed or much-used site, Safari decides itself.
    void navigator.storage?.persist?.().then(
      (p) => (this.#persisted = p),
      () => (this.#persisted = false),
    );
  }

  /**
   * A good moment for a waiting worker (the outbox and the drafts may just have emptied):
   * lets it take over when the guard allows. `protocolMismatch`: the page cannot talk to the
   * server at all, so the newer build takes over whatever waits (it reads the same storage).
   */
  async tryUpdate(opts: { protocolMismatch?: boolean } = {}): Promise<boolean> {
    const waiting = this.#reg?.waiting;
    if (!waiting) return false;
    if (!mayTakeOver(await this.#work(), opts)) return false;
    waiting.postMessage({ type: 'skip-waiting' });
    return true;
  }

  /**
   * The reload of the "page and server differ" screen: asks the server for a newer worker,
   * lets it take over (its controllerchange reloads the page), else reloads as it is.
   */
  async reloadForUpdate(): Promise<void> {
    const reg = this.#reg;
    if (reg) {
      await reg.update().catch(() => undefined);
      const next = reg.installing ?? reg.waiting;
      if (next && (await installed(next)) && (await this.tryUpdate({ protocolMismatch: true })))
        return;
    }
    location.reload();
  }

  #watch(worker: ServiceWorker | null): void {
    if (!worker) return;
    const settle = () => {
      if (worker.state === 'installed') void this.tryUpdate();
      if (worker.state === 'redundant' && !this.#hadController) this.#state = 'failed';
    };
    worker.addEventListener('statechange', settle);
    settle();
  }
}

/** Resolves true once the worker is installed (waiting or active), false if it failed. */
function installed(worker: ServiceWorker): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      if (worker.state === 'redundant') resolve(false);
      else if (worker.state !== 'installing' && worker.state !== 'parsed') resolve(true);
      else return;
      worker.removeEventListener('statechange', check);
    };
    worker.addEventListener('statechange', check);
    check();
  });
}
