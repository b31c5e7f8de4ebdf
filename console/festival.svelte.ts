import type { AdvanceAnswer, AdvancementPreview, FestivalSummary, TeamsResponse } from '#protocol';
import { failText, type Api, type ApiResult } from './api.ts';
import type { Dict } from './i18n.ts';

/** Wait after the last live change before the panels are fetched again (a burst fetches once). */
export const REFRESH_DEBOUNCE_MS = 1_500;
/** How often the festival list is fetched while the view is open: other competitions move on. */
export const FESTIVAL_POLL_MS = 15_000;

/** `POST /api/competitions/:slug/advance`: the next round's slug and how many went on. */
/**
 * The festival view's data (技能节): the festival's competitions, and for the competition
 * signed in to, the advancement preview and the team ranking. Fetched when the view opens and
 * again shortly after the live revision moves on; answers that arrive after a newer request
 * (or after a change of sign-in) are dropped.
 */
export class FestivalState {
  #festival = $state.raw<FestivalSummary | null>(null);
  #error = $state.raw<string | null>(null);
  #advancement = $state.raw<AdvancementPreview | null>(null);
  #advancementError = $state.raw<string | null>(null);
  #teams = $state.raw<TeamsResponse | null>(null);
  /** The server answered 404: this competition ranks no teams. */
  #noTeams = $state.raw(false);
  #teamsError = $state.raw<string | null>(null);
  #lastAdvance = $state.raw<AdvanceAnswer | null>(null);
  #seq = { festival: 0, advancement: 0, teams: 0 };
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #t: Dict;

  constructor(t: Dict) {
    this.#t = t;
  }

  get festival(): FestivalSummary | null {
    return this.#festival;
  }
  get error(): string | null {
    return this.#error;
  }
  get advancement(): AdvancementPreview | null {
    return this.#advancement;
  }
  get advancementError(): string | null {
    return this.#advancementError;
  }
  /** The team ranking; null while loading, on failure, or when the scheme has no teams. */
  get teams(): TeamsResponse | null {
    return this.#teams;
  }
  get noTeams(): boolean {
    return this.#noTeams;
  }
  get teamsError(): string | null {
    return this.#teamsError;
  }
  /** What the last advancement run answered (shown until the sign-in changes). */
  get lastAdvance(): AdvanceAnswer | null {
    return this.#lastAdvance;
  }

  /** `GET /api/festivals/:slug` (public). */
  async loadFestival(api: Api, festivalSlug: string): Promise<void> {
    const seq = ++this.#seq.festival;
    const r = await api.request<FestivalSummary>(
      `/api/festivals/${encodeURIComponent(festivalSlug)}`,
    );
    if (seq !== this.#seq.festival) return;
    if (r.ok) {
      this.#festival = r.data;
      this.#error = null;
    } else this.#error = `${this.#t.festival.failed}：${failText(r, this.#t)}`;
  }

  /** `GET …/advancement` (organiser, head judge). */
  async loadAdvancement(api: Api): Promise<void> {
    const seq = ++this.#seq.advancement;
    const r = await api.request<AdvancementPreview>(api.competition('/advancement'));
    if (seq !== this.#seq.advancement) return;
    if (r.ok) {
      this.#advancement = r.data;
      this.#advancementError = null;
    } else this.#advancementError = `${this.#t.advancement.unavailable}：${failText(r, this.#t)}`;
  }

  /** `GET …/teams`; a 404 with the server's own code means the scheme ranks no teams. */
  async loadTeams(api: Api): Promise<void> {
    const seq = ++this.#seq.teams;
    const r = await api.request<TeamsResponse>(api.competition('/teams'));
    if (seq !== this.#seq.teams) return;
    if (r.ok) {
      this.#teams = r.data;
      this.#noTeams = false;
      this.#teamsError = null;
    } else if (r.status === 404 && r.error !== 'api/missing') {
      this.#teams = null;
      this.#noTeams = true;
      this.#teamsError = null;
    } else this.#teamsError = `${this.#t.teams.unavailable}：${failText(r, this.#t)}`;
  }

  /** Everything the view shows about the competition signed in to. */
  loadCompetition(api: Api): void {
    void this.loadAdvancement(api);
    void this.loadTeams(api);
  }

  /** Loads the competition's panels again shortly (the live revision moved on). */
  refreshSoon(api: Api): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.loadCompetition(api);
    }, REFRESH_DEBOUNCE_MS);
  }

  /** `POST …/advance {}` (organiser): moves the advancing contestants into the next round. */
  async advance(api: Api): Promise<ApiResult<AdvanceAnswer>> {
    const r = await api.request<AdvanceAnswer>(api.competition('/advance'), { json: {} });
    if (r.ok) this.#lastAdvance = r.data;
    return r;
  }

  /**
   * Forgets the competition's panels; the festival list too unless `keepFestival` (a switch
   * within the festival: the list stays on screen until it is fetched again).
   */
  reset(keepFestival = false): void {
    if (!keepFestival) {
      this.#seq.festival++;
      this.#festival = null;
      this.#error = null;
    }
    this.#seq.advancement++;
    this.#seq.teams++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#advancement = null;
    this.#advancementError = null;
    this.#teams = null;
    this.#noTeams = false;
    this.#teamsError = null;
    this.#lastAdvance = null;
  }
}
