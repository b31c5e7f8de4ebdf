import { failText, type Api } from './api.ts';
import type { CourseAnswer, OpenLinesRefusal } from '#protocol';
import { openLinesOf, postCourse } from './course-actions.ts';
import { MIN_REASON } from './dialog.svelte.ts';
import type { Dict } from './i18n.ts';

/**
 * Where the lock dialog is: `confirm` asks before the first request; `open` shows the open
 * lines the server answered with and asks for the reason to lock anyway; `flagged` shows them
 * while a disagreement blocks the lock (nothing to confirm: the head judge resolves it first).
 */
export type LockStep = 'confirm' | 'open' | 'flagged';

/**
 * The head judge's lock (sign-off) of a station. The server decides what is open: the first
 * request carries no reason, and a station with open lines answers 409 with them, which the
 * dialog then shows with a required reason. Nothing here counts lines itself.
 */
export class StationLock {
  #station = $state.raw<string | null>(null);
  #step = $state.raw<LockStep>('confirm');
  #refusal = $state.raw<OpenLinesRefusal | null>(null);
  #busy = $state.raw(false);
  #error = $state.raw<string | null>(null);
  readonly #t: () => Dict;
  readonly #api: () => Api | null;
  readonly #done: (a: CourseAnswer) => void;

  constructor(t: () => Dict, api: () => Api | null, done: (a: CourseAnswer) => void) {
    this.#t = t;
    this.#api = api;
    this.#done = done;
  }

  /** The station being locked; null while the dialog is closed. */
  get station(): string | null {
    return this.#station;
  }
  get step(): LockStep {
    return this.#step;
  }
  /** The open lines the server answered with (steps `open` and `flagged`). */
  get refusal(): OpenLinesRefusal | null {
    return this.#refusal;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  start(stationId: string): void {
    this.#station = stationId;
    this.#step = 'confirm';
    this.#refusal = null;
    this.#busy = false;
    this.#error = null;
  }

  cancel(): void {
    if (this.#busy) return;
    this.#station = null;
    this.#refusal = null;
    this.#error = null;
  }

  /** Sends the lock: without a reason first, with the reason once the open lines are shown. */
  async confirm(reason: string): Promise<void> {
    const stationId = this.#station;
    const api = this.#api();
    if (!stationId || !api || this.#busy || this.#step === 'flagged') return;
    const text = reason.replace(/\s+/g, ' ').trim();
    if (this.#step === 'open' && [...text].length < MIN_REASON) {
      this.#error = this.#t().reasonTooShort;
      return;
    }
    this.#busy = true;
    this.#error = null;
    const r = await postCourse(
      api,
      this.#step === 'open'
        ? { action: 'station.lock', stationId, reason: text }
        : { action: 'station.lock', stationId },
    );
    this.#busy = false;
    if (this.#station !== stationId) return;
    if (r.ok) {
      this.#station = null;
      this.#refusal = null;
      this.#done(r.data);
      return;
    }
    const open = openLinesOf(r);
    if (open) {
      this.#refusal = open;
      this.#step = open.reasonRequired ? 'open' : 'flagged';
      // Open lines are the expected next step, not an error; a disagreement blocks the lock.
      this.#error = open.reasonRequired ? null : r.message;
      return;
    }
    this.#error = failText(r, this.#t());
  }
}
