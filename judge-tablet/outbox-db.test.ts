import { describe, expect, it } from 'vitest';
import { OUTBOX_STORE, OutboxDb } from './outbox-db.ts';
import type { OutboxEntry } from './storage.ts';

/**
 * Just enough of IndexedDB for OutboxDb, in memory: databases with versions and stores keyed
 * by a key path; requests and transactions answer asynchronously as the real API does.
 */
function fakeIndexedDb() {
  type Store = { keyPath: string; rows: Map<string, unknown> };
  const dbs = new Map<string, { version: number; stores: Map<string, Store> }>();
  const later = (fn: () => void) => setTimeout(fn, 0);
  const connection = (name: string) => {
    const data = dbs.get(name)!;
    return {
      get version() {
        return data.version;
      },
      objectStoreNames: { contains: (n: string) => data.stores.has(n) },
      createObjectStore(n: string, o: { keyPath: string }) {
        data.stores.set(n, { keyPath: o.keyPath, rows: new Map() });
      },
      close() {},
      onversionchange: null as unknown,
      transaction(n: string) {
        const store = data.stores.get(n);
        if (!store) throw new DOMException('no such store', 'NotFoundError');
        const tx = {
          oncomplete: null as null | (() => void),
          onabort: null as unknown,
          onerror: null as unknown,
          error: null,
          objectStore: () => ({
            getAll() {
              const r = {
                result: [...store.rows.values()],
                onsuccess: null as null | (() => void),
              };
              later(() => r.onsuccess?.());
              return r;
            },
            count() {
              const r = { result: store.rows.size, onsuccess: null as null | (() => void) };
              later(() => r.onsuccess?.());
              return r;
            },
            put(v: Record<string, unknown>) {
              store.rows.set(String(v[store.keyPath]), structuredClone(v));
            },
            delete(k: string) {
              store.rows.delete(k);
            },
          }),
        };
        later(() => later(() => tx.oncomplete?.()));
        return tx;
      },
    };
  };
  const factory = {
    open(name: string, version?: number) {
      const r = {
        result: null as unknown,
        onupgradeneeded: null as null | (() => void),
        onsuccess: null as null | (() => void),
        onerror: null as unknown,
      };
      later(() => {
        const existing = dbs.get(name);
        const target = version ?? existing?.version ?? 1;
        if (!existing) dbs.set(name, { version: target, stores: new Map() });
        r.result = connection(name);
        if (!existing || target > existing.version) {
          dbs.get(name)!.version = target;
          r.onupgradeneeded?.();
        }
        r.onsuccess?.();
      });
      return r;
    },
  };
  return { factory: factory as unknown as IDBFactory, dbs };
}

const entry = (clientId: string, queuedAt: number, extra: Partial<OutboxEntry> = {}) => ({
  clientId,
  contestantId: 1,
  sheetId: 'bridge',
  attempt: 1,
  values: { 'bridge-faults': {} },
  seen: null,
  queuedAt,
  ...extra,
});

describe('OutboxDb', () => {
  it('stores, lists oldest first per owner, overwrites by clientId and deletes', async () => {
    const { factory } = fakeIndexedDb();
    const db = new OutboxDb('t', factory);
    await db.put('aaaa', [entry('c-2', 20), entry('c-1', 10)]);
    await db.put('bbbb', [entry('c-3', 5)]);
    await db.put('aaaa', [entry('c-1', 10, { reason: 'again' })]);
    // Every judge's entries count for the service worker's takeover guard.
    expect(await db.count()).toBe(3);
    const mine = await db.load('aaaa');
    expect(mine.map((e) => e.clientId)).toEqual(['c-1', 'c-2']);
    expect(mine[0]).toEqual(entry('c-1', 10, { reason: 'again' }));
    expect(mine[0]).not.toHaveProperty('owner');
    await db.delete('c-1');
    expect((await db.load('aaaa')).map((e) => e.clientId)).toEqual(['c-2']);
    expect((await db.load('bbbb')).map((e) => e.clientId)).toEqual(['c-3']);
  });

  it('adds its store to a database that exists without it', async () => {
    const { factory, dbs } = fakeIndexedDb();
    dbs.set('t', { version: 1, stores: new Map() });
    const db = new OutboxDb('t', factory);
    await db.put('aaaa', [entry('c-1', 1)]);
    expect(dbs.get('t')!.version).toBe(2);
    expect(dbs.get('t')!.stores.has(OUTBOX_STORE)).toBe(true);
    expect(await db.load('aaaa')).toHaveLength(1);
  });

  it('rejects when IndexedDB is missing, so the caller can warn', async () => {
    const db = new OutboxDb('t', undefined);
    await expect(db.load('aaaa')).rejects.toThrow('IndexedDB');
    await expect(db.put('aaaa', [entry('c-1', 1)])).rejects.toThrow('IndexedDB');
    await expect(db.count()).rejects.toThrow('IndexedDB');
  });
});
