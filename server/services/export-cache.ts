/**
 * Exports are pure functions of what a viewer may see, and what a viewer may see changes only
 * with the competition's summary (revision, course state, reveal, name display, settings). So
 * an export is built once per (kind, view, summary) and every request in between, including
 * thirty impatient clicks arriving at once, shares the same promise: an XLSX of 5,000 rows
 * costs a second and a half of CPU, and must not be paid thirty times.
 */
export class ExportCache<T> {
  readonly #entries = new Map<string, Promise<T>>();
  constructor(readonly capacity = 16) {}

  /**
   * The export under `key`, made by `make` on a miss. A failed build is not kept.
   * @param key what the export depends on (see {@link exportKey}).
   */
  get(key: string, make: () => Promise<T> | T): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit) {
      // Most recently used last.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const made = Promise.resolve().then(make);
    this.#entries.set(key, made);
    made.catch(() => this.#entries.delete(key));
    while (this.#entries.size > this.capacity)
      this.#entries.delete(this.#entries.keys().next().value!);
    return made;
  }
}

/** The key of an export: its kind, the view, and the summaries of the competitions in it. */
export function exportKey(kind: string, staff: boolean, summaries: readonly object[]): string {
  return `${kind}|${staff ? 'staff' : 'public'}|${JSON.stringify(summaries)}`;
}
