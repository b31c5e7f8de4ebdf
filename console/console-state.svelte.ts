import type { CompetitionSummary, NewLogin } from '#protocol';
import type { Api } from './api.ts';
import { CompetitionList } from './competition-list.svelte.ts';
import { DialogState } from './dialog.svelte.ts';
import { failText, setErrorLang } from './api.ts';
import { reserveWindow } from './download.ts';
import { placementLabel } from '../web/present/placement.ts';
import { FestivalState } from './festival.svelte.ts';
import { DICTS, pick, type Dict, type Lang } from './i18n.ts';
import { labelsOf, sheetStations } from './labels.ts';
import { ContestantImport, TheoryImport } from './imports.svelte.ts';
import { OfficialsState } from './officials.svelte.ts';
import { NewCompetition } from './new-competition.svelte.ts';
import { ReviewState } from './review.svelte.ts';
import { Router } from './router.svelte.ts';
import { SchemeState } from './scheme.svelte.ts';
import { Session } from './session.svelte.ts';
import { StaffBoard } from './staff-board.svelte.ts';

/** How long a toast stays on screen, ms. */
export const TOAST_MS = 4_000;

/**
 * Everything the console's screens read: the login, the live staff board, the screens' data
 * and the confirmation dialog. main.ts owns the socket that feeds {@link board}; components
 * only read these objects and call their methods.
 */
export class ConsoleState {
  readonly lang: Lang;
  readonly t: Dict;
  readonly session: Session;
  readonly board = new StaffBoard();
  readonly router = new Router();
  readonly scheme = new SchemeState();
  readonly dialog: DialogState;
  readonly review: ReviewState;
  readonly officials: OfficialsState;
  readonly contestants: ContestantImport;
  readonly theory: TheoryImport;
  readonly newCompetition: NewCompetition;
  readonly festival: FestivalState;
  /** Every competition on the server (the header's switcher, the password's choice). */
  readonly competitions: CompetitionList;
  #toast = $state.raw<{ text: string; id: number } | null>(null);
  #toastTimer: ReturnType<typeof setTimeout> | null = null;

  /** Station id → label in the console's language. */
  readonly stationLabels: ReadonlyMap<string, string> = $derived.by(() =>
    labelsOf(this.board.columns, this.lang),
  );
  /** Sheet id → its station id, learned from the marks log (sub-stations are sheets). */
  readonly #sheetStation: ReadonlyMap<string, string> = $derived.by(() =>
    sheetStations(this.review.marks),
  );

  constructor(lang: Lang, preferredSlug: string | null) {
    this.lang = lang;
    this.t = DICTS[lang];
    setErrorLang(lang); // the server's refusals, worded in the console's language
    this.session = new Session(this.t, preferredSlug);
    this.dialog = new DialogState(this.t);
    this.review = new ReviewState(this.t);
    this.officials = new OfficialsState(this.t);
    this.contestants = new ContestantImport(this.t);
    this.theory = new TheoryImport(this.t);
    this.newCompetition = new NewCompetition(this.t);
    this.festival = new FestivalState(this.t);
    this.competitions = new CompetitionList(this.t);
  }

  get api(): Api | null {
    return this.session.api;
  }

  get toast(): { text: string; id: number } | null {
    return this.#toast;
  }

  /** Shows a short confirmation at the bottom of the screen. */
  notify(text: string): void {
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toast = { text, id: (this.#toast?.id ?? 0) + 1 };
    this.#toastTimer = setTimeout(() => (this.#toast = null), TOAST_MS);
  }

  stationLabel(id: string | null): string {
    if (!id) return '';
    return this.stationLabels.get(id) ?? id;
  }

  /**
   * A sheet's name: its station's label when the sheet is the station, else
   * "station · sub-station" from the scheme ("安全骑行 · 单边桥"). Until the scheme has arrived
   * a sub-station shows by its id.
   */
  sheetLabel(sheetId: string | null, stationId: string | null = null): string {
    if (!sheetId) return this.stationLabel(stationId);
    const named = this.scheme.sheetName(sheetId, this.lang);
    if (named) return named;
    if (this.stationLabels.has(sheetId)) return this.stationLabels.get(sheetId)!;
    const parent = stationId ?? this.#sheetStation.get(sheetId) ?? null;
    return parent ? `${this.stationLabel(parent)} · ${sheetId}` : sheetId;
  }

  /**
   * Opens a contestant's printable score sheet (`…/contestants/:bib/sheet.html`, fetched with
   * the Bearer header) in a new window, like the results page. Must be called inside a click:
   * the window is opened before the fetch, or a pop-up blocker refuses it.
   */
  openSheet(bib: string): Promise<void> {
    return this.#openPage(
      `/contestants/${encodeURIComponent(bib)}/sheet.html`,
      `${bib}.html`,
      this.t.sheetOf(bib),
    );
  }

  /**
   * Opens the printable award certificates (`…/certificates.html`, A4, one per award held):
   * every award, one award (`award` id) or one contestant's (`bib`). Inside a click, like
   * {@link openSheet}.
   */
  openCertificates(only: { award?: string; bib?: string } = {}): Promise<void> {
    const query = only.award
      ? `?award=${encodeURIComponent(only.award)}`
      : only.bib
        ? `?bib=${encodeURIComponent(only.bib)}`
        : '';
    return this.#openPage(
      `/certificates.html${query}`,
      'certificates.html',
      this.t.awards.certificates,
    );
  }

  /** Fetches a page of this competition with the Bearer header into a window opened at once. */
  async #openPage(rest: string, fallbackName: string, what: string): Promise<void> {
    const api = this.api;
    if (!api) return;
    const show = reserveWindow();
    if (!show) {
      this.notify(this.t.exports.popupBlocked);
      return;
    }
    const r = await api.download(api.competition(rest), fallbackName);
    if (!r.ok) {
      show(null);
      this.notify(`${what}：${failText(r, this.t)}`);
      return;
    }
    show(r.data.blob);
  }

  /**
   * Moves the console to another competition; the screens follow the new sign-in. The
   * organiser moves within the festival by a session switch; any other competition this tab was
   * signed in to before is reached again with the login it held. Says how it went in a toast,
   * naming the competition by title and slug (two from the same file share their title).
   */
  async switchCompetition(slug: string, target?: CompetitionSummary): Promise<boolean> {
    const c =
      target ??
      this.festival.festival?.competitions.find((x) => x.slug === slug) ??
      this.competitions.list?.find((x) => x.slug === slug);
    const festival = this.board.competition?.placement.festival.slug;
    const sameFestival = !!c && c.placement.festival.slug === festival;
    const why =
      this.session.isOrganiser && (sameFestival || !this.session.remembers(slug))
        ? await this.session.switchCompetition(slug)
        : await this.session.returnTo(slug);
    if (why) {
      this.notify(this.t.festival.switchFailed(why));
      return false;
    }
    const where = c ? placementLabel(c.placement, this.lang, pick(c.title, this.lang)) : '';
    const title = c ? pick(c.title, this.lang) + (where ? ` · ${where}` : '') : slug;
    this.notify(this.t.festival.switchedTo(title, slug));
    return true;
  }

  /**
   * Signs in to a competition just created from a file with its organiser's new code, and
   * keeps the other new codes so their login cards can be printed there.
   */
  async switchTo(logins: readonly NewLogin[]): Promise<boolean> {
    const organiser = logins.find((l) => l.role === 'organiser');
    if (!organiser) return false;
    const ok = await this.session.login(organiser.token);
    if (ok) this.officials.adopt(logins.filter((l) => l.role !== 'organiser'));
    return ok;
  }

  /**
   * Forgets every screen's data (after a change of sign-in). The logins of a competition just
   * created from a file are kept while someone is signed in (they are shown once), and
   * forgotten at sign-out.
   */
  clear(signedOut = true): void {
    if (signedOut) this.newCompetition.reset();
    this.board.reset();
    this.scheme.reset();
    this.review.reset();
    this.officials.reset();
    this.contestants.reset();
    this.theory.reset();
    this.festival.reset(!signedOut);
    this.dialog.cancel();
  }
}
