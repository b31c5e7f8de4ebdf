/**
 * Parts of the tablet few judges see, or not often, are chunks of their own, loaded when first
 * drawn, so that the first load stays under 60 kB gzip (issue 20): what the head judge's voids
 * and re-score requests show, the server's current mark after a stale write, the move to
 * HTTPS, the list of saved marks, the measurements another judge records on a panel. The
 * first three are drawn when a server message (or the HTTPS check) brings them, the network
 * being there; the other two are fetched once the server has welcomed the judge (App.svelte,
 * the measurements only for a judge with such a panel), so a tablet on plain HTTP that loses
 * the Wi-Fi still opens them. Over HTTPS the service worker precaches them all with the page (sw-core.ts), for an
 * offline reload.
 */
import type { Component } from 'svelte';

/** A component in a chunk of its own. */
export class LazyPart<T extends Component<never>> {
  #import: () => Promise<{ default: T }>;
  #loading: Promise<T> | null = null;
  #current = $state.raw<T | null>(null);

  constructor(load: () => Promise<{ default: T }>) {
    this.#import = load;
  }

  /** The component once loaded, else null; asking starts the load (drawn when it is in). */
  get current(): T | null {
    if (!this.#current)
      this.load().catch(() => {
        // Not reachable now: tried again the next time it is drawn.
      });
    return this.#current;
  }

  /** Loads the chunk once; a failed load is tried again on the next call. */
  load(): Promise<T> {
    return (this.#loading ??= this.#import().then(
      (m) => (this.#current = m.default),
      (e: unknown) => {
        this.#loading = null;
        throw e;
      },
    ));
  }
}

export const staleNote = new LazyPart(() => import('./components/StaleNote.svelte'));
export const headJudgeBanners = new LazyPart(() => import('./components/HeadJudgeBanners.svelte'));
export const httpsOffer = new LazyPart(() => import('./components/HttpsOffer.svelte'));
export const historyList = new LazyPart(() => import('./components/HistoryList.svelte'));
export const recordedMeasurements = new LazyPart(
  () => import('./components/RecordedMeasurements.svelte'),
);
