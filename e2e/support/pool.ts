/**
 * Browser contexts handed back by a test are kept and handed out again, made as good as new:
 * opening a page in a new context starts Chromium renderer processes, which cost this 2-core
 * machine about 2 s of CPU a page (a page that navigates within its own renderer costs about
 * 0.8 s in all, its app included). A test still gets what a fresh context gives it:
 *
 * - its own storage: cookies, localStorage, sessionStorage, IndexedDB, service workers, the
 *   cache storage and the HTTP cache of every origin the context visited are cleared;
 * - no app still running: the kept page leaves the app for the same server's `/healthz`
 *   (its sockets close and its timers stop, as when a context closes; the page stays in its
 *   renderer), with its history reset and no listeners of the test before;
 * - the context's options as asked: only a context made with the same options is handed out
 *   (the viewport aside: the page is resized to the one asked), online, with no permissions
 *   granted.
 *
 * A context a test changed in a way that cannot be undone (Playwright's clock, init scripts,
 * exposed functions, routes, extra headers, geolocation) is closed instead of kept, as is one
 * whose page is closed, crashed or cannot reach its server any more. A test that closes its
 * context's only page hands the context back, the page kept (`browser.newPage()` pages).
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** A pooled context's state. */
interface Kept {
  readonly context: BrowserContext;
  readonly key: string;
  /** The context's own close, which ends it for good. */
  readonly end: () => Promise<void>;
  /** Origins (http and https) of the documents the context loaded since it was made new. */
  readonly origins: Set<string>;
  /** Handed out to a test and not handed back yet. */
  leased: boolean;
  /** Made new for its lease: the first `newPage()` returns the kept page. */
  page: Page | null;
  /** Changed in a way a reset cannot undo. */
  tainted: boolean;
  /** The options the context was made with (a reset restores what they emulate). */
  readonly opts: BrowserContextOptions;
}

/** Idle contexts of each browser, by the key of their options. */
const idle = new WeakMap<Browser, Kept[]>();
/** At most this many idle contexts are kept for each browser, and for each set of options. */
const MAX_IDLE = 16;
const MAX_IDLE_ALIKE = 6;
/** A reset taking longer ends the context instead. */
const RESET_MS = 15_000;

/** Methods of a context and of its pages whose effect a reset cannot undo: one used, not kept. */
const FINAL_BOTH = [
  'addInitScript',
  'exposeBinding',
  'exposeFunction',
  'route',
  'routeFromHAR',
  'routeWebSocket',
  'setExtraHTTPHeaders',
] as const;
const FINAL_CONTEXT = [...FINAL_BOTH, 'setGeolocation', 'setHTTPCredentials'] as const;
const FINAL_PAGE = FINAL_BOTH;
const CLOCK = [
  'install',
  'fastForward',
  'pauseAt',
  'resume',
  'runFor',
  'setFixedTime',
  'setSystemTime',
] as const;

/** The viewport a context made with `opts` has; null: none emulated (the window's). */
function viewportOf(opts: BrowserContextOptions): { width: number; height: number } | null {
  return opts.viewport === undefined ? { width: 1280, height: 720 } : opts.viewport;
}

/**
 * Options as a key: the same options in any order give the same key. The viewport is left
 * out (a page is resized at once), unless there is none.
 */
function keyOf(opts: BrowserContextOptions): string {
  opts = { ...opts, viewport: opts.viewport === null ? null : undefined };
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, sort(x)]),
        )
      : v;
  return JSON.stringify(sort(opts));
}

/** Replaces `obj[name]` with a version that marks `kept` tainted first. */
function taintOn(obj: object, names: readonly string[], kept: Kept): void {
  const o = obj as Record<string, unknown>;
  for (const name of names) {
    const original = o[name];
    if (typeof original !== 'function') continue;
    o[name] = (...args: unknown[]) => {
      kept.tainted = true;
      return (original as (...a: unknown[]) => unknown).apply(obj, args);
    };
  }
}

/**
 * A context with `opts` in `browser`: an idle one made new, or a new one. Its `close()` hands
 * it back (`handBack`); idle contexts end with their browser.
 */
export async function leaseContext(
  browser: Browser,
  opts: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const key = keyOf(opts);
  const pool = idle.get(browser) ?? [];
  idle.set(browser, pool);
  // The one handed back last: the warmest.
  const at = pool.map((k) => k.key).lastIndexOf(key);
  if (at >= 0) {
    const kept = pool.splice(at, 1)[0]!;
    kept.leased = true;
    const viewport = viewportOf(opts);
    const size = kept.page?.viewportSize();
    if (viewport && (size?.width !== viewport.width || size.height !== viewport.height))
      await kept.page?.setViewportSize(viewport);
    return kept.context;
  }
  const context = await browser.newContext(opts);
  const end = context.close.bind(context);
  const kept: Kept = {
    context,
    key,
    end: () => end().catch(() => undefined),
    origins: new Set(),
    leased: true,
    page: null,
    tainted: false,
    opts,
  };
  context.on('page', (p) => {
    taintOn(p, FINAL_PAGE, kept);
    watchOrigins(p, kept);
    keepOnClose(p, kept, browser);
  });
  taintOn(context, FINAL_CONTEXT, kept);
  taintOn(context.clock, CLOCK, kept);
  const newPage = context.newPage.bind(context);
  context.newPage = async () => {
    const page = kept.page;
    kept.page = null;
    return page && !page.isClosed() ? page : newPage();
  };
  context.close = () => handBack(browser, kept);
  return context;
}

/**
 * A test that closes the only page of its context is done with the context (the page of
 * `browser.newPage()` closes its context with it): the context is handed back with the page
 * kept, since closing the page would end its renderer processes. Other pages, and a close
 * asked with options (`runBeforeUnload`), close as ever.
 */
function keepOnClose(page: Page, kept: Kept, browser: Browser): void {
  const close = page.close.bind(page);
  page.close = async (options?: Parameters<Page['close']>[0]) => {
    const pages = kept.context.pages();
    if (options || !kept.leased || kept.tainted || pages.length !== 1 || pages[0] !== page)
      return close(options);
    await handBack(browser, kept);
  };
}

/** Adds the origin of every document `page` loads to `kept.origins` (where storage can be). */
function watchOrigins(page: Page, kept: Kept): void {
  page.on('framenavigated', (frame) => {
    const url = new URL(frame.url());
    if (url.protocol === 'http:' || url.protocol === 'https:') kept.origins.add(url.origin);
  });
}

/**
 * Hands a leased context back: made new and kept idle when it can be, else ended. Handing
 * back one already handed back does nothing.
 */
async function handBack(browser: Browser, kept: Kept): Promise<void> {
  if (!kept.leased) return;
  kept.leased = false;
  const pool = idle.get(browser) ?? [];
  const pages = kept.context.pages();
  const page = pages[0];
  if (
    kept.tainted ||
    !page ||
    !browser.isConnected() ||
    pool.filter((k) => k.key === kept.key).length >= MAX_IDLE_ALIKE
  )
    return kept.end();
  try {
    // A reset that hangs must not hold up the suite.
    let timer: NodeJS.Timeout | undefined;
    const resetting = reset(kept, page, pages.slice(1));
    resetting.catch(() => undefined); // after a time-out, its end is of no interest
    await Promise.race([
      resetting,
      new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error('reset timed out')), RESET_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    kept.page = page;
    pool.push(kept);
    // The least recently used go first.
    for (const old of pool.splice(0, Math.max(0, pool.length - MAX_IDLE))) await old.end();
  } catch {
    await kept.end();
  }
}

/** Makes `kept` as good as new: `page` left on its server's `/healthz`, `others` closed. */
async function reset(kept: Kept, page: Page, others: Page[]): Promise<void> {
  for (const other of others) await other.close();
  page.removeAllListeners();
  // The tablet asks before it is left with unsaved taps; a closing context never asks.
  page.on('dialog', (d) => void d.accept().catch(() => undefined));
  await kept.context.setOffline(false);
  // What a fresh page emulates: the media of the context's options, or Playwright's defaults.
  await page.emulateMedia({
    media: null,
    colorScheme: kept.opts.colorScheme ?? 'light',
    reducedMotion: kept.opts.reducedMotion ?? 'no-preference',
    forcedColors: kept.opts.forcedColors ?? 'none',
    contrast: kept.opts.contrast ?? 'no-preference',
  });
  const url = new URL(page.url());
  if (url.protocol === 'http:' || url.protocol === 'https:')
    await page.goto(`${url.origin}/healthz`, { timeout: 10_000 });
  else if (page.url() !== 'about:blank') throw new Error(`cannot leave ${page.url()}`);
  const cdp = await kept.context.newCDPSession(page);
  // Cookies, local and session storage, IndexedDB, service workers, cache storage.
  for (const origin of kept.origins)
    await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Page.resetNavigationHistory');
  await cdp.detach();
  await kept.context.clearCookies();
  await kept.context.clearPermissions();
  page.removeAllListeners();
  watchOrigins(page, kept);
  kept.origins.clear();
}
