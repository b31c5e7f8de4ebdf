import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { leaseContext } from './pool.ts';

/** Screenshots and other artefacts of the browser tests (ignored by git; look at them). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/** The screens the pages are made for, CSS px. */
export const PROJECTOR = { width: 1920, height: 1080 };
export const TABLET = { width: 800, height: 1280 };
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };

/** Chromium processes of this worker, one per set of extra flags, shared by its browser files. */
const shared = new Map<string, Promise<Browser>>();

/**
 * Debian's Chromium with the flags this machine needs; never a downloaded browser. `extraArgs`
 * add to them (e2e/setup.test.ts trusts the venue certificate's key with
 * `--ignore-certificate-errors-spki-list`).
 *
 * The browser files of a worker share one Chromium for each set of flags (the tests run
 * without isolation in one project, so this module lives as long as the worker): launching
 * one costs this 2-core machine about a second of CPU, and a file only ever needs contexts as
 * good as new.
 * It gets them from the context pool (e2e/support/pool.ts): a context closed by a test is
 * made new and handed out again, which saves starting renderer processes (about 2 s of CPU a
 * page). The handle returned is the file's own: its `close()` closes (hands back) the
 * contexts the file opened through it and leaves the shared Chromium running for the next
 * file (it ends with the worker, whose exit closes the pipe Chromium is driven through).
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const key = extraArgs.join(' ');
  let launched = shared.get(key);
  if (!launched) {
    launched = launch(extraArgs);
    shared.set(key, launched);
    launched.catch(() => shared.delete(key));
  }
  const browser = await launched;
  if (!browser.isConnected()) {
    shared.delete(key);
    return launchChromium(extraArgs);
  }
  const contexts: BrowserContext[] = [];
  const own = async (opts?: BrowserContextOptions) => {
    const context = await leaseContext(browser, opts);
    if (!contexts.includes(context)) contexts.push(context);
    return context;
  };
  return new Proxy(browser, {
    get(target, prop, receiver) {
      if (prop === 'newContext') return own;
      if (prop === 'newPage')
        return async (opts?: BrowserContextOptions) => {
          const context = await own(opts);
          const page = await context.newPage();
          // Like Browser.newPage: the page's context closes with the page.
          page.once('close', () => void context.close().catch(() => undefined));
          return page;
        };
      if (prop === 'contexts') return () => contexts.filter((c) => browser.contexts().includes(c));
      if (prop === 'close')
        return async () => {
          for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
        };
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

function launch(extraArgs: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

/**
 * One Chromium for a test file, and the browser contexts its tests open: each page in a new
 * context (its own storage), closed by `closePages()` (after each test, so an open board does
 * not go on rendering later marks) or by `close()`.
 */
export class BrowserSession {
  readonly #contexts: BrowserContext[] = [];
  private constructor(readonly browser: Browser) {}

  static async launch(extraArgs: string[] = []): Promise<BrowserSession> {
    return new BrowserSession(await launchChromium(extraArgs));
  }

  /**
   * A page in a context as good as new (e2e/support/pool.ts). A viewport narrower than 800 px
   * is a phone (mobile, touch); page errors are logged with `label`.
   */
  async newPage(
    opts: BrowserContextOptions & { viewport?: { width: number; height: number } } = {},
    label = '',
  ): Promise<Page> {
    const context = await this.newContext(opts);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', label, e));
    return page;
  }

  async newContext(opts: BrowserContextOptions = {}): Promise<BrowserContext> {
    const phone = (opts.viewport?.width ?? 1280) < 800;
    const context = await this.browser.newContext({
      deviceScaleFactor: 1,
      isMobile: phone,
      hasTouch: phone,
      ...opts,
    });
    this.#contexts.push(context);
    return context;
  }

  async closePages(): Promise<void> {
    for (const c of this.#contexts.splice(0)) await c.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.closePages();
    await this.browser.close();
  }
}
