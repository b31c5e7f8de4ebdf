import { failText, type ApiResult } from './api.ts';
import type { Dict } from './i18n.ts';

/** What a confirmation asks and does. */
export interface Ask<T = unknown> {
  title: string;
  body: string;
  /** A second paragraph in a warning colour (e.g. contestants still missing). */
  warning?: string | null;
  confirmLabel: string;
  /** Red confirm button: the step cannot simply be undone. */
  danger?: boolean;
  /** A reason field: `required` (at least 2 characters), `optional`, or none. */
  reason?: 'required' | 'optional' | null;
  /** An example reason shown in the empty field. */
  reasonPlaceholder?: string;
  /** The request; its failure is shown in the dialog, which stays open. */
  run: (reason: string) => Promise<ApiResult<T>>;
  /** Called with the answer after success, once the dialog has closed. */
  done?: (data: T) => void;
}

/** Shortest reason the server accepts. */
export const MIN_REASON = 2;

/**
 * The one confirmation dialog of the console: every step that changes something on the server
 * is asked here first (with a reason where the server requires one), and the server's refusal
 * is shown in the dialog as sent. Components call {@link ask}; ConfirmDialog.svelte renders it.
 */
export class DialogState {
  #ask = $state.raw<Ask<never> | null>(null);
  #busy = $state.raw(false);
  #error = $state.raw<string | null>(null);
  readonly #t: Dict;

  constructor(t: Dict) {
    this.#t = t;
  }

  get current(): Ask<never> | null {
    return this.#ask;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  ask<T>(a: Ask<T>): void {
    this.#ask = a as unknown as Ask<never>;
    this.#busy = false;
    this.#error = null;
  }

  cancel(): void {
    if (this.#busy) return;
    this.#ask = null;
    this.#error = null;
  }

  /** Runs the request; closes on success, else shows why. */
  async confirm(reason: string): Promise<void> {
    const a = this.#ask as Ask<unknown> | null;
    if (!a || this.#busy) return;
    // One line: the server refuses control characters (a pasted line break) in a reason.
    const text = reason.replace(/\s+/g, ' ').trim();
    if (a.reason === 'required' && [...text].length < MIN_REASON) {
      this.#error = this.#t.reasonTooShort;
      return;
    }
    this.#busy = true;
    this.#error = null;
    const r = await a.run(text);
    this.#busy = false;
    if (this.#ask !== (a as unknown)) return;
    if (!r.ok) {
      this.#error = failText(r, this.#t);
      return;
    }
    this.#ask = null;
    a.done?.(r.data);
  }
}
