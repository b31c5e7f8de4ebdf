import { SLUG_PATTERN } from '../server/protocol/constants.ts';
import type { CompetitionCreated, FestivalCreated } from '#protocol';
import { failText, type Api } from './api.ts';
import {
  createdFestival,
  readCompetitionFile,
  sortLogins,
  type CompetitionFileInfo,
  type CreatedFestival,
  type FestivalFileInfo,
} from './competition-file.ts';
import type { Dict } from './i18n.ts';

type ReadFile = CompetitionFileInfo | FestivalFileInfo;

/** What was created, as shown once: a competition, or a festival of several. */
export type Created =
  ({ kind: 'competition' } & CompetitionCreated) | ({ kind: 'festival' } & CreatedFestival);

/**
 * "Create from a file" on the import screen: the picked file — a competition or a festival
 * (技能节), read here only to say what it is — an optional new slug (a competition only: a
 * festival keeps the file's slugs), and the server's answer — the new logins, shown once. The
 * answer outlives a change of sign-in (the organiser may sign in to the new competition with
 * its organiser code and still read the judges' codes); a sign-out forgets it.
 */
export class NewCompetition {
  #fileName = $state.raw<string | null>(null);
  #file = $state.raw<ReadFile | null>(null);
  #busy = $state.raw(false);
  #error = $state.raw<string | null>(null);
  #created = $state.raw<Created | null>(null);
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
  get created(): Created | null {
    return this.#created;
  }
  /** True when the picked file is a festival (no slug to type: the file's are used). */
  get isFestival(): boolean {
    return this.#file?.kind === 'festival';
  }
  /** The slug typed, when it is not one the server accepts (a competition file only). */
  get slugInvalid(): boolean {
    const s = this.slug.trim();
    return !this.isFestival && s !== '' && !SLUG_PATTERN.test(s);
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

  /**
   * Sends the file as read: a competition to `POST /api/competitions[?slug=]`, a festival to
   * `POST /api/festivals`. The new logins are kept to be shown.
   */
  async create(api: Api): Promise<boolean> {
    const file = this.#file;
    if (!file || !this.ready) return false;
    this.#busy = true;
    this.#error = null;
    let created: Created | null = null;
    if (file.kind === 'festival') {
      const r = await api.request<FestivalCreated>('/api/festivals', { json: file.json });
      if (r.ok) created = { kind: 'festival', ...createdFestival(r.data, file) };
      else this.#error = failText(r, this.#t);
    } else {
      const slug = this.slug.trim();
      const r = await api.request<CompetitionCreated>(
        `/api/competitions${slug ? `?slug=${encodeURIComponent(slug)}` : ''}`,
        { json: file.json },
      );
      if (r.ok)
        created = {
          kind: 'competition',
          slug: r.data.slug,
          logins: sortLogins(r.data.logins ?? []),
        };
      else this.#error = failText(r, this.#t);
    }
    this.#busy = false;
    if (!created) return false;
    this.#created = created;
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
