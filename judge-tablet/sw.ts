/**
 * The judge tablet's service worker, served at `/judge-tablet/sw.js` with scope
 * `/judge-tablet/` (issue 20, point 4). Built on its own by scripts/judge-tablet-worker.ts
 * (one IIFE file, the precache list from Vite's build manifest baked in as
 * `__JX_PRECACHE__`). A small worker of our own rather than vite-plugin-pwa, which makes one
 * worker at the root precaching every page.
 *
 * - install: fetches every file of the page (bypassing the HTTP cache) into `jx-judge-<v>`;
 *   it does not skip waiting: a worker that replaces another waits until the page asks
 *   (`{type: 'skip-waiting'}`, sent only when mayTakeOver says so) or no page is open.
 * - activate: drops older `jx-judge-*` caches, then claims the open pages (the first install
 *   then controls the page that registered it; an update activates only when allowed).
 * - fetch: see cachePolicy — the document and files from the cache, other built files from
 *   the network and kept, and never `/api`, non-GET requests or sockets.
 */
import { CACHE_PREFIX, cachePolicy, cacheVersion, SW_PAGE } from './sw-core.ts';

declare const __JX_PRECACHE__: string[];
declare const __JX_BUILD__: string;

// The few worker types used (the web tsconfig has DOM types, whose lib clashes with WebWorker).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface WorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', l: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', l: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
}
const sw = self as unknown as WorkerScope;

const PRECACHE = __JX_PRECACHE__;
const CACHE = CACHE_PREFIX + cacheVersion(PRECACHE, __JX_BUILD__);
const precached = new Set(PRECACHE);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: straight from the server, never a stale copy from the HTTP cache.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'skip-waiting') void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  const policy = cachePolicy(req, sw.location.origin, precached);
  if (policy === 'never') return; // the browser does what it would without a worker
  if (policy === 'page') {
    // The page's document, whatever its query (`?lang=en`); the token rides in the fragment,
    // which never reaches a worker.
    event.respondWith(fromCache(SW_PAGE).then((hit) => hit ?? fetch(req)));
    return;
  }
  if (policy === 'precache') {
    event.respondWith(fromCache(req).then((hit) => hit ?? fetch(req)));
    return;
  }
  event.respondWith(
    fromCache(req).then(
      (hit) =>
        hit ??
        fetch(req).then(async (res) => {
          if (res.ok && res.type === 'basic') {
            const cache = await caches.open(CACHE);
            await cache.put(req, res.clone());
          }
          return res;
        }),
    ),
  );
});

async function fromCache(req: Request | string): Promise<Response | undefined> {
  const cache = await caches.open(CACHE);
  return cache.match(req, { ignoreSearch: typeof req === 'string' });
}
