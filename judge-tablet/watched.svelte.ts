/**
 * A Map and a Set whose reads subscribe to every change of them: coarser than
 * svelte/reactivity's SvelteMap and SvelteSet, which subscribe per key. The tablet's are small
 * (a judge's lines, locks, closed notices, drafts) and its screens read them whole anyway;
 * without svelte/reactivity the first load is about 440 B gzip lighter (its 60 kB budget,
 * e2e/judge-tablet-offline.test.ts). Written outside any effect, like all the tablet's state.
 * Constructed empty: an initial iterable would be added before the version exists.
 */

/** A Map whose get, values and iteration subscribe to any set, delete or clear. */
export class WatchedMap<K, V> extends Map<K, V> {
  #version = $state(0);
  #changes = 0;
  constructor() {
    super();
  }
  #changed(): void {
    this.#version = ++this.#changes;
  }
  override get(key: K): V | undefined {
    void this.#version;
    return super.get(key);
  }
  override values(): MapIterator<V> {
    void this.#version;
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    void this.#version;
    return super[Symbol.iterator]();
  }
  override set(key: K, value: V): this {
    super.set(key, value);
    this.#changed();
    return this;
  }
  override delete(key: K): boolean {
    const had = super.delete(key);
    this.#changed();
    return had;
  }
  override clear(): void {
    super.clear();
    this.#changed();
  }
}

/** A Set whose has, size and iteration subscribe to any add, delete or clear. */
export class WatchedSet<T> extends Set<T> {
  #version = $state(0);
  #changes = 0;
  constructor() {
    super();
  }
  #changed(): void {
    this.#version = ++this.#changes;
  }
  override has(value: T): boolean {
    void this.#version;
    return super.has(value);
  }
  override get size(): number {
    void this.#version;
    return super.size;
  }
  override values(): SetIterator<T> {
    void this.#version;
    return super.values();
  }
  override [Symbol.iterator](): SetIterator<T> {
    void this.#version;
    return super[Symbol.iterator]();
  }
  override add(value: T): this {
    super.add(value);
    this.#changed();
    return this;
  }
  override delete(value: T): boolean {
    const had = super.delete(value);
    this.#changed();
    return had;
  }
  override clear(): void {
    super.clear();
    this.#changed();
  }
}
