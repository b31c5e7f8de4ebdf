import { parseOutbox, type OutboxEntry } from './storage.ts';

/** IndexedDB database of the judge tablet (one object store). */
export const OUTBOX_DB = 'jx-judge';
/** Object store of unacknowledged marks, keyed by clientId (a resend can never store twice). */
export const OUTBOX_STORE = 'outbox';

/** A stored entry: the outbox entry plus whose outbox it is (the token fingerprint). */
type Row = OutboxEntry & { owner: string };

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });

/** Resolves when the transaction has committed (`complete`), rejects when it aborted. */
const committed = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

/**
 * The outbox in IndexedDB: a tiny promise wrapper over the raw API (no library). IndexedDB
 * rather than localStorage because it survives the browser killing the tab, is not limited to
 * a few MB shared with everything else, and commits asynchronously. Every outbox of every
 * token on this tablet shares the one store; `owner` tells them apart, because the outbox must
 * be readable before the server has said who the judge is (a reload while the Wi-Fi is down).
 *
 * Every method rejects when IndexedDB is missing or refuses (private mode, quota); the caller
 * keeps the outbox in memory and warns the judge.
 */
export class OutboxDb {
  readonly #name: string;
  readonly #factory: IDBFactory | undefined;
  #db: Promise<IDBDatabase> | null = null;

  constructor(name = OUTBOX_DB, factory: IDBFactory | undefined = globalThis.indexedDB) {
    this.#name = name;
    this.#factory = factory;
  }

  /** The owner's entries, oldest first (the order they were confirmed and must be sent). */
  async load(owner: string): Promise<OutboxEntry[]> {
    const tx = (await this.#open()).transaction(OUTBOX_STORE, 'readonly');
    const rows = (await request(tx.objectStore(OUTBOX_STORE).getAll())) as Row[];
    const mine = rows.filter((r) => r.owner === owner);
    return parseOutbox(mine.map(({ owner: _, ...e }) => e)).sort((a, b) => a.queuedAt - b.queuedAt);
  }

  /** Stores (or overwrites, by clientId) entries in one transaction; resolves once committed. */
  async put(owner: string, entries: readonly OutboxEntry[]): Promise<void> {
    const tx = (await this.#open()).transaction(OUTBOX_STORE, 'readwrite');
    const store = tx.objectStore(OUTBOX_STORE);
    for (const e of entries) store.put({ ...e, owner } satisfies Row);
    await committed(tx);
  }

  /**
   * How many entries wait in the outbox, every judge of this device (the service worker's
   * takeover guard: a new build never takes over while one does).
   */
  async count(): Promise<number> {
    const tx = (await this.#open()).transaction(OUTBOX_STORE, 'readonly');
    return request(tx.objectStore(OUTBOX_STORE).count());
  }

  /** Removes an entry (acknowledged or finally rejected); resolves once committed. */
  async delete(clientId: string): Promise<void> {
    const tx = (await this.#open()).transaction(OUTBOX_STORE, 'readwrite');
    tx.objectStore(OUTBOX_STORE).delete(clientId);
    await committed(tx);
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= this.#connect().catch((err: unknown) => {
      // A failed open is retried on the next call (the browser may allow it later).
      this.#db = null;
      throw err;
    });
    return this.#db;
  }

  /**
   * Opens the database, creating the store on first use. A database that exists without the
   * store (made by something else at version 1) is upgraded one version to add it.
   */
  #connect(version?: number): Promise<IDBDatabase> {
    const factory = this.#factory;
    return new Promise<IDBDatabase>((resolve, reject) => {
      if (!factory) throw new Error('IndexedDB is not available');
      const r = version ? factory.open(this.#name, version) : factory.open(this.#name);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(OUTBOX_STORE))
          r.result.createObjectStore(OUTBOX_STORE, { keyPath: 'clientId' });
      };
      r.onsuccess = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains(OUTBOX_STORE)) {
          db.close();
          resolve(this.#connect(db.version + 1));
          return;
        }
        // Another tab upgrading the database: step aside rather than block it.
        db.onversionchange = () => {
          db.close();
          this.#db = null;
        };
        resolve(db);
      };
      r.onerror = () => reject(r.error ?? new Error('IndexedDB refused to open'));
    });
  }
}
