import type { CompetitionSummary, CompetitionsResponse } from '#protocol';
import { Api, failText } from './api.ts';
import type { Dict } from './i18n.ts';

/**
 * Every competition on the server (`GET /api/competitions`, public), for the header's switcher
 * and the password sign-in's choice. Fetched when asked; an answer that arrives after a newer
 * request is dropped.
 */
export class CompetitionList {
  #list = $state.raw<CompetitionSummary[] | null>(null);
  #error = $state.raw<string | null>(null);
  #seq = 0;
  readonly #t: Dict;

  constructor(t: Dict) {
    this.#t = t;
  }

  /** The competitions, once fetched; null before. */
  get list(): CompetitionSummary[] | null {
    return this.#list;
  }
  get error(): string | null {
    return this.#error;
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    // No token: the list is public, and a sign-in screen has none.
    const r = await new Api('', '').request<CompetitionsResponse>('/api/competitions');
    if (seq !== this.#seq) return;
    if (r.ok) {
      this.#list = r.data.competitions;
      this.#error = null;
    } else this.#error = failText(r, this.#t);
  }
}
