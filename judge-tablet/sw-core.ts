/**
 * The pure parts of the judge tablet's service worker (issue 20, point 4), shared by the build
 * (which page files to precache), the worker (what to answer from the cache, what never to
 * touch) and the page (when a new worker may take over). No DOM, no worker globals: tested in
 * node (sw-core.test.ts).
 */

/** Where the worker lives and what it controls: the judge tablet's page only. */
export const SW_SCOPE = '/judge-tablet/';
export const SW_URL = '/judge-tablet/sw.js';
/** The page's own document; every navigation inside the scope is answered with it offline. */
export const SW_PAGE = '/judge-tablet/index.html';
/** Caches of this worker are named `jx-judge-<version>`; an activated worker drops the others. */
export const CACHE_PREFIX = 'jx-judge-';

/** One entry of Vite's build manifest (`dist/.vite/manifest.json`), the fields read here. */
export interface ManifestChunk {
  file: string;
  css?: string[];
  assets?: string[];
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
}
export type BuildManifest = Record<string, ManifestChunk>;

/**
 * The chunks the worker leaves to be fetched when used ({@link cachePolicy} 'runtime', then kept):
 * the camera's view and its QR decoder — signing in with the camera needs the server anyway,
 * and the decoder is most of the page's bytes. Manifest keys (the source paths).
 */
export const ON_DEMAND: readonly string[] = ['judge-tablet/components/Scanner.svelte'];

/**
 * What a page loads before any user action: its document (`/judge-tablet/` and its
 * `index.html`), the entry's script, every chunk it imports statically, and their CSS and
 * assets, each once, in a stable order — what its `index.html` links (script, modulepreload,
 * stylesheet). Chunks loaded with `import()` are not in it. `entry` is the manifest key
 * (`judge-tablet/index.html`); throws when the manifest lacks it or a chunk it names.
 */
export function firstLoadUrls(manifest: BuildManifest, entry: string, base = '/'): string[] {
  return collect(manifest, entry, base, null);
}

/**
 * The URLs the worker precaches for one page: its first load ({@link firstLoadUrls}), then
 * every chunk it loads with `import()` (the parts few judges see: a head judge's voids and
 * re-score requests, the history, a stale write's note, the English words) with their CSS
 * and imports, so that a tablet reloaded offline still opens them — except `onDemand`
 * ({@link ON_DEMAND}) and what only they load. Throws as {@link firstLoadUrls} does (a build
 * without that page must not ship a worker).
 */
export function precacheUrls(
  manifest: BuildManifest,
  entry: string,
  base = '/',
  onDemand: readonly string[] = ON_DEMAND,
): string[] {
  return collect(manifest, entry, base, new Set(onDemand));
}

/** The entry's static graph; with `skip` (not null), its dynamic imports too, but those. */
function collect(
  manifest: BuildManifest,
  entry: string,
  base: string,
  skip: ReadonlySet<string> | null,
): string[] {
  if (!manifest[entry]) throw new Error(`build manifest has no entry ${entry}`);
  const urls = new Set<string>([SW_SCOPE, SW_PAGE]);
  const seen = new Set<string>();
  const dynamic: string[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`build manifest has no chunk ${key}`);
    // The entry's own `file` of an HTML entry is the page's script; index.html is listed above.
    urls.add(base + chunk.file);
    for (const c of chunk.css ?? []) urls.add(base + c);
    for (const a of chunk.assets ?? []) urls.add(base + a);
    for (const i of chunk.imports ?? []) visit(i);
    dynamic.push(...(chunk.dynamicImports ?? []));
  };
  visit(entry);
  // The static graph first (the first load), then the lazy chunks breadth-first.
  if (skip)
    while (dynamic.length) {
      const key = dynamic.shift()!;
      if (!skip.has(key)) visit(key);
    }
  return [...urls];
}

/**
 * A cache name that changes whenever any precached file does (their names carry content
 * hashes; the document's does not, so `salt` carries the build's id): FNV-1a over the list.
 */
export function cacheVersion(urls: readonly string[], salt = ''): string {
  let h = 0x811c9dc5;
  for (const ch of [salt, ...urls].join('\n')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * What the worker does with one request:
 * - 'page': a navigation inside the scope — the cached document (offline reload);
 * - 'precache': a file of the page — from the cache, the network only if missing;
 * - 'runtime': another built file of this origin (`/assets/…`, e.g. the QR decoder chunk) —
 *   the network, kept in the cache for the next offline start;
 * - 'never': everything else, left to the browser untouched: any method but GET, `/api`,
 *   `/ws` (sockets never reach a worker; listed so a plain GET there is not cached either),
 *   the worker script itself, the CA downloads, other origins and other pages.
 */
export type CachePolicy = 'page' | 'precache' | 'runtime' | 'never';

/** Decides {@link CachePolicy} for a request of a page this worker controls. */
export function cachePolicy(
  req: { method: string; url: string; mode?: string },
  origin: string,
  precached: ReadonlySet<string>,
): CachePolicy {
  if (req.method !== 'GET') return 'never';
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return 'never';
  }
  if (url.origin !== origin) return 'never';
  const path = url.pathname;
  if (/^\/(api|ws)(\/|$)/.test(path) || path === SW_URL || path === '/healthz') return 'never';
  if (req.mode === 'navigate')
    return path === SW_SCOPE || path === SW_PAGE || path === SW_SCOPE.slice(0, -1)
      ? 'page'
      : 'never';
  if (precached.has(path)) return 'precache';
  if (path.startsWith('/assets/')) return 'runtime';
  return 'never';
}

/** What is on the device that a page of another build must not be swapped under. */
export interface PendingWork {
  /** Marks in the outbox (IndexedDB), every judge of this device. */
  outbox: number;
  /** Drafts (localStorage), every judge of this device. */
  drafts: number;
}

/**
 * The takeover guard: whether a waiting (newer) worker may take over the running page now.
 * Never while a mark waits in the outbox or a draft holds taps: the page would reload into
 * another build mid-work. The exception is a protocol mismatch: the page in hand cannot talk
 * to the server at all, so only the newer page can send the outbox (which it reads from the
 * same IndexedDB; drafts stay in localStorage alike).
 */
export function mayTakeOver(work: PendingWork, opts: { protocolMismatch?: boolean } = {}): boolean {
  if (opts.protocolMismatch) return true;
  return work.outbox === 0 && work.drafts === 0;
}

/** Counts the drafts in a localStorage-like store (keys `jx.judge.draft.<owner>.<line>`). */
export function countDrafts(storage: { length: number; key(i: number): string | null }): number {
  let n = 0;
  for (let i = 0; i < storage.length; i++) if (storage.key(i)?.startsWith('jx.judge.draft.')) n++;
  return n;
}
