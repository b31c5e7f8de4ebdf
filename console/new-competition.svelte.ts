import { failText, type Api } from './api.ts';
import {
  readCompetitionFile,
  SLUG_RE,
  sortLogins,
  type CompetitionFile,
  type CreatedCompetition,
} from './competition-file.ts';
import type { Dict } from './i18n.ts';

type ReadFile = Extract<CompetitionFile, { ok: true }>;

/**
 * "Create a competition from a file" on the import screen: the picked file (read here only to
 * say what it is), an optional new slug, and the server's answer — the new competition's
 * logins, shown once. The answer outlives a change of sign-in (the organiser may sign in to the
 * new competition with its organiser code and still read the judges' codes); a sign-out
 * forgets it.
 */
export class NewCompetition {
  #fileName = $state.raw<string | null>(null);
  #file = $state.raw<ReadFile | null>(null);
  #busy = $state.raw(false);
  #error = $state.raw<string | null>(null);
  #created = $state.raw<CreatedCompetition | null>(null);
  /** The slug typed by the organiser ('' keeps the file's). */
  slug = $state('');
  readonly #t: Dict;

  constructor(t: Dict) {
    this.#t = t;
  }

  get fileName(): string | null {
    return this.#fileName;
  }
  get file(): ReadFile | null {
    return this.#file;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get created(): CreatedCompetition | null {
    return this.#created;
  }
  /** The slug typed, when it is not one the server accepts. */
  get slugInvalid(): boolean {
    const s = this.slug.trim();
    return s !== '' && !SLUG_RE.test(s);
  }
  get ready(): boolean {
    return !!this.#file && !this.#busy && !this.slugInvalid;
  }

  async pick(file: File): Promise<void> {
    this.#fileName = file.name;
    this.#error = null;
    this.#created = null;
    const read = readCompetitionFile(await file.text());
    if (!read.ok) {
      this.#file = null;
      this.#error =
        read.error === 'not_json' ? this.#t.imports.notJson : this.#t.imports.notCompetition;
      return;
    }
    this.#file = read;
  }

  /** `POST /api/competitions[?slug=]` with the file as read; the logins are kept to be shown. */
  async create(api: Api): Promise<boolean> {
    const file = this.#file;
    if (!file || !this.ready) return false;
    const slug = this.slug.trim();
    this.#busy = true;
    this.#error = null;
    const r = await api.request<CreatedCompetition>(
      `/api/competitions${slug ? `?slug=${encodeURIComponent(slug)}` : ''}`,
      { json: file.json },
    );
    this.#busy = false;
    if (!r.ok) {
      this.#error = failText(r, this.#t);
      return false;
    }
    this.#created = { slug: r.data.slug, logins: sortLogins(r.data.logins ?? []) };
    this.#file = null;
    this.#fileName = null;
    this.slug = '';
    return true;
  }

  /** Hides the logins (the organiser has noted them). */
  dismiss(): void {
    this.#created = null;
  }

  reset(): void {
    this.#fileName = null;
    this.#file = null;
    this.#busy = false;
    this.#error = null;
    this.#created = null;
    this.slug = '';
  }
}
