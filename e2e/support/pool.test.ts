/**
 * The context pool (e2e/support/pool.ts) every browser test gets its pages from: a context
 * handed back and handed out again must be as good as new — nothing stored by the test before
 * it, no listener of it, online, at the viewport asked, emulating what a new one does — or
 * not be handed out at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { leaseContext } from './pool.ts';

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', req.url === '/healthz' ? 'application/json' : 'text/html');
    if (req.url === '/sw.js') {
      res.setHeader('content-type', 'text/javascript');
      return res.end('self.addEventListener("fetch", () => {});');
    }
    res.end(req.url === '/healthz' ? '{"ok":true}' : '<!doctype html><title>pool</title>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // Kept pages of this file are parked on this server; their connections end here.
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
});

describe('a context handed back and out again', () => {
  it('keeps nothing of the test before: storage, workers, listeners, offline, viewport', async () => {
    const first = await leaseContext(browser, {
      locale: 'fr-FR',
      viewport: { width: 800, height: 600 },
    });
    const page = await first.newPage();
    await page.goto(`${origin}/`);
    await page.evaluate(async () => {
      localStorage.setItem('k', 'v');
      sessionStorage.setItem('k', 'v');
      document.cookie = 'k=v; max-age=3600';
      await new Promise((done) => {
        const open = indexedDB.open('outbox', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('marks');
        open.onsuccess = () => {
          open.result.close();
          done(null);
        };
      });
      await (await caches.open('shell')).put('/x', new Response('x'));
      await navigator.serviceWorker.register('/sw.js');
    });
    // The tab's session storage of an origin it left, too.
    await page.goto(origin.replace('127.0.0.1', 'localhost'));
    const heardBefore: string[] = [];
    page.on('console', (m) => heardBefore.push(m.text()));
    await first.setOffline(true);
    await first.close();

    const second = await leaseContext(browser, {
      locale: 'fr-FR',
      viewport: { width: 1024, height: 768 },
    });
    // Handed out again, not made anew (what the pool is for).
    expect(second).toBe(first);
    const again = await second.newPage();
    expect(again).toBe(page);
    expect(again.viewportSize()).toEqual({ width: 1024, height: 768 });
    await again.goto(`${origin}/`);
    // Everything a page of the origin can have stored, as the page sees it.
    const left = await again.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
      workers: (await navigator.serviceWorker.getRegistrations()).length,
      online: navigator.onLine,
      width: innerWidth,
    }));
    expect(left).toEqual({
      local: 0,
      session: 0,
      cookie: '',
      databases: 0,
      caches: 0,
      workers: 0,
      online: true,
      width: 1024,
    });
    expect(await second.cookies()).toEqual([]);
    // The test before's listeners hear nothing of this one.
    await again.evaluate(() => console.log('after'));
    expect(heardBefore).not.toContain('after');
    await second.close();
  });

  it('is handed back when its test closes the page, the page kept, its emulated media undone', async () => {
    const queries = [
      'print',
      '(prefers-color-scheme: dark)',
      '(prefers-reduced-motion: reduce)',
      '(forced-colors: active)',
      '(prefers-contrast: more)',
    ];
    const media = (p: Page) => p.evaluate((qs) => qs.map((q) => matchMedia(q).matches), queries);
    // What a page of a new context sees.
    const fresh = await leaseContext(browser, { locale: 'de-AT' });
    const freshPage = await fresh.newPage();
    await freshPage.goto(`${origin}/`);
    const asNew = await media(freshPage);
    await fresh.close();

    const first = await leaseContext(browser, { locale: 'de-DE' });
    const page = await first.newPage();
    await page.goto(`${origin}/`);
    await page.emulateMedia({
      media: 'print',
      colorScheme: 'dark',
      reducedMotion: 'reduce',
      forcedColors: 'active',
      contrast: 'more',
    });
    expect(await media(page)).toEqual(queries.map(() => true));
    await page.close();

    const second = await leaseContext(browser, { locale: 'de-DE' });
    expect(second).toBe(first);
    const again = await second.newPage();
    expect(again).toBe(page);
    expect(again.isClosed()).toBe(false);
    await again.goto(`${origin}/`);
    expect(await media(again)).toEqual(asNew);
    await second.close();
  });

  it('is not handed out again after the test changed it for good (its clock, init scripts)', async () => {
    const clocked = await leaseContext(browser, { locale: 'zh-CN' });
    const page = await clocked.newPage();
    await page.clock.install();
    await page.goto(`${origin}/`);
    await clocked.close();
    const next = await leaseContext(browser, { locale: 'zh-CN' });
    expect(next).not.toBe(clocked);
    await next.addInitScript(() => undefined);
    await (await next.newPage()).goto(`${origin}/`);
    await next.close();
    const third = await leaseContext(browser, { locale: 'zh-CN' });
    expect(third).not.toBe(next);
    await third.close();
  });

  it('is only handed out for the same options', async () => {
    const plain = await leaseContext(browser, { locale: 'en-GB' });
    await (await plain.newPage()).goto(`${origin}/`);
    await plain.close();
    const touch = await leaseContext(browser, { locale: 'en-GB', hasTouch: true });
    expect(touch).not.toBe(plain);
    await touch.close();
  });
});
