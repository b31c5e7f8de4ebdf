import type { Api, ApiResult } from './api.ts';
import { failText } from './api.ts';
import type { Dict } from './i18n.ts';
import type { MarkState } from './i18n.ts';
import type {
  JudgeStat,
  JudgeStatsResponse,
  LogMark,
  MarksResponse,
  RescoreItem,
  RescoresResponse,
} from '#protocol';
import { markStates, sortRescores } from './review.ts';

/** Wait after the last live change before the log is fetched again (a burst fetches once). */
export const REFRESH_DEBOUNCE_MS = 800;

/**
 * The review screen's data: the whole marks log, the judges' deviations and the re-score
 * requests with who has answered them, fetched from the server (and again when the live revision moves on while the screen is open), with the
 * filters the head judge set. Writes (void, re-run) go through the confirmation dialog.
 */
export class ReviewState {
  #marks = $state.raw<LogMark[]>([]);
  #stats = $state.raw<JudgeStat[]>([]);
  #loaded = $state.raw(false);
  #loading = $state.raw(false);
  #error = $state.raw<string | null>(null);
  #statsError = $state.raw<string | null>(null);
  #rescores = $state.raw<RescoreItem[]>([]);
  #rescoresError = $state.raw<string | null>(null);
  #contestantId = $state.raw<number | null>(null);
  #stationId = $state.raw<string | null>(null);
  #onlyFlagged = $state.raw(false);
  #showHistory = $state.raw(true);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;
  readonly #t: Dict;

  readonly states: ReadonlyMap<number, MarkState> = $derived(markStates(this.#marks));

  constructor(t: Dict) {
    this.#t = t;
  }

  get marks(): LogMark[] {
    return this.#marks;
  }
  get stats(): JudgeStat[] {
    return this.#stats;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** Why the marks log could not be shown (e.g. the endpoint is not deployed yet). */
  get error(): string | null {
    return this.#error;
  }
  get statsError(): string | null {
    return this.#statsError;
  }
  /** The head judge's re-score requests, open ones first, newest first. */
  get rescores(): RescoreItem[] {
    return this.#rescores;
  }
  get rescoresError(): string | null {
    return this.#rescoresError;
  }

  get contestantId(): number | null {
    return this.#contestantId;
  }
  set contestantId(v: number | null) {
    this.#contestantId = v;
  }
  get stationId(): string | null {
    return this.#stationId;
  }
  set stationId(v: string | null) {
    this.#stationId = v;
  }
  get onlyFlagged(): boolean {
    return this.#onlyFlagged;
  }
  set onlyFlagged(v: boolean) {
    this.#onlyFlagged = v;
  }
  get showHistory(): boolean {
    return this.#showHistory;
  }
  set showHistory(v: boolean) {
    this.#showHistory = v;
  }

  /** Shows one contestant × station (from a click in the progress matrix). */
  focus(contestantId: number | null, stationId: string | null): void {
    this.#contestantId = contestantId;
    this.#stationId = stationId;
    this.#onlyFlagged = false;
  }

  /** Fetches the log and the stats; answers that arrive after a newer load are dropped. */
  async load(api: Api): Promise<void> {
    const seq = ++this.#seq;
    this.#loading = true;
    const [marks, stats, rescores] = await Promise.all([
      api.request<MarksResponse>(api.competition('/marks')),
      api.request<JudgeStatsResponse>(api.competition('/judge-stats')),
      api.request<RescoresResponse>(api.competition('/rescores')),
    ]);
    if (seq !== this.#seq) return;
    this.#loading = false;
    this.#loaded = true;
    if (marks.ok) {
      this.#marks = marks.data.marks;
      this.#error = null;
    } else
      this.#error =
        marks.error === 'api/missing' ? this.#t.review.unavailable : failText(marks, this.#t);
    if (stats.ok) {
      this.#stats = stats.data.judges;
      this.#statsError = null;
    } else this.#statsError = failText(stats, this.#t);
    if (rescores.ok) {
      this.#rescores = sortRescores(rescores.data.requests);
      this.#rescoresError = null;
    } else this.#rescoresError = failText(rescores, this.#t);
  }

  /** Loads again shortly (the live revision moved on): a burst of marks fetches once. */
  refreshSoon(api: Api): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load(api);
    }, REFRESH_DEBOUNCE_MS);
  }

  voidMark(api: Api, markId: number, reason: string): Promise<ApiResult<{ ok: true }>> {
    return api.request(api.competition(`/marks/${markId}/void`), { json: { reason } });
  }

  grantRerun(
    api: Api,
    line: { contestantId: number; stationId: string; attempt: number },
    reason: string,
  ): Promise<ApiResult<{ ok: true }>> {
    return api.request(api.competition('/reruns'), { json: { ...line, reason } });
  }

  /**
   * Asks the judges of a sheet to mark a contestant again (`POST …/rescore`, head judge); the
   * answer says how many of their tablets were online to be told.
   */
  requestRescore(
    api: Api,
    line: { contestantId: number; sheetId: string },
    reason: string,
  ): Promise<ApiResult<{ ok: true; tabletsTold: number }>> {
    return api.request(api.competition('/rescore'), { json: { ...line, reason } });
  }

  reset(): void {
    this.#seq++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#marks = [];
    this.#stats = [];
    this.#loaded = false;
    this.#error = null;
    this.#statsError = null;
    this.#rescores = [];
    this.#rescoresError = null;
  }
}
