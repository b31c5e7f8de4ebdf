import { indexScheme, type SchemeIndex } from '#engine';
import type { Criterion, MarkingScheme, SchemeResponse } from '#protocol';
import type { Api } from './api.ts';
import type { Lang } from './i18n.ts';
import {
  criteriaOf,
  importTargets,
  rerunStations,
  sheetName,
  type ImportTarget,
} from './scheme.ts';

// Before the scheme arrives: nothing is known (read-only, never written to).
const NONE_CRITERIA: ReadonlyMap<string, Criterion> = new Map();
const NONE_STATIONS: ReadonlySet<string> = new Set();

/**
 * The competition's marking scheme, fetched once per sign-in: names sub-stations and criteria,
 * lists the criteria a file can be imported into, and tells which stations run attempts.
 * Until it arrives (or when it cannot be had) screens fall back to ids and hide what depends
 * on it (re-runs, the theory import).
 */
export class SchemeState {
  #scheme = $state.raw<MarkingScheme | null>(null);
  #loading = $state.raw(false);
  #failed = $state.raw(false);
  #seq = 0;

  readonly index: SchemeIndex | null = $derived(this.#scheme ? indexScheme(this.#scheme) : null);
  /** Criterion id → criterion. */
  readonly criteria: ReadonlyMap<string, Criterion> = $derived(
    this.index ? criteriaOf(this.index) : NONE_CRITERIA,
  );
  /** Criteria a score file can be imported into, in scheme order. */
  readonly importTargets: readonly ImportTarget[] = $derived(
    this.index ? importTargets(this.index) : [],
  );
  /** Stations with `attempts`: a re-run can be granted there. */
  readonly rerunStations: ReadonlySet<string> = $derived(
    this.index ? rerunStations(this.index) : NONE_STATIONS,
  );

  get scheme(): MarkingScheme | null {
    return this.#scheme;
  }
  get loaded(): boolean {
    return this.#scheme !== null;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** The last fetch failed (network, or a server without the endpoint). */
  get failed(): boolean {
    return this.#failed;
  }

  /** A sheet's name from the scheme, or null when the scheme does not (yet) hold it. */
  sheetName(sheetId: string, lang: Lang): string | null {
    return this.index ? sheetName(this.index, sheetId, lang) : null;
  }

  async load(api: Api): Promise<void> {
    const seq = ++this.#seq;
    this.#loading = true;
    const r = await api.request<SchemeResponse>(api.competition('/scheme'));
    if (seq !== this.#seq) return;
    this.#loading = false;
    this.#failed = !r.ok;
    if (r.ok) this.#scheme = r.data.scheme;
  }

  /** Loads when nothing is held and no fetch is under way (e.g. again after a failure). */
  ensure(api: Api): void {
    if (!this.#scheme && !this.#loading) void this.load(api);
  }

  reset(): void {
    this.#seq++;
    this.#scheme = null;
    this.#loading = false;
    this.#failed = false;
  }
}
