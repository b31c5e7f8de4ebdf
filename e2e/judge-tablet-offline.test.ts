/**
 * The judge tablet as an offline app, in Debian's Chromium against the real server with the
 * venue CA (issue 20, points 1, 4 and 5):
 * - over HTTPS the service worker registers and controls the page; with the SERVER STOPPED,
 *   a reload is served by the worker and shows the open sheet with its taps; a mark made then
 *   waits in the outbox and is saved once the server is back (same data dir, same ports);
 * - over plain HTTP on a LAN name (not a secure context) the tablet works online, says that
 *   offline reload is unavailable, and — once this device trusts the HTTPS origin and the
 *   outbox is sent — offers the move to HTTPS carrying the login in the fragment;
 * - camera login: Chromium's fake camera shows a login card's QR code (made by the console's
 *   own functions from the code the server prints) and the tablet signs in;
 * - the first load's size, measured from dist/.
 *
 * Traps, named:
 * - the CA is trusted by the SPKI hash of the server's key (`--ignore-certificate-errors-spki-list`),
 *   never `ignoreHTTPSErrors`, with which Chromium refuses to register a service worker;
 * - the browser's offline switch (context.setOffline) does not cover the worker's own
 *   requests, and it would not show what a venue sees: the server is STOPPED instead;
 * - http://127.0.0.1 is a secure context (loopback): the plain-HTTP tablet is opened on a
 *   LAN name (`jx-venue.lan`, mapped to loopback by --host-resolver-rules) so it is not;
 * - a restarted server must listen on the same ports (the page's origin is host + port):
 *   free ports are picked first and both servers use them.
 * Screenshots: e2e/artifacts/tablet-offline-reload.png (800×1280), tablet-http-offer.png,
 * tablet-camera-login.png.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loginUrl } from '../console/login-code.ts';
import { qrPath } from '../web/qr/qr.ts';
import { DIST_DIR } from '../server/plugins/static.ts';
import { firstLoadUrls, precacheUrls, type BuildManifest } from '../judge-tablet/sw-core.ts';
import { TABLET_MANIFEST } from '../scripts/judge-tablet-worker.ts';
import { buildApp } from '../server/app.ts';
import { closeApp } from '../server/test-support.ts';
import { readFixture } from '../server/plugins/seed.ts';
import { ensureVenueTls, spkiHash, type VenueTls } from '../server/services/venue-ca.ts';
import { ARTIFACTS, byTestId, launchChromium } from './helpers.ts';

const SLUG = 'gaoxin-2024';
const TABLET = { width: 800, height: 1280 };
/** A LAN name inside the venue CA's constraints (`*.lan`), resolved to loopback by Chromium. */
const HOST = 'jx-venue.lan';
const fixture = readFixture();
const tokenOf = (code: string) => fixture.officials.find((o) => o.code === code)!.token;

let dataDir: string;
let caDir: string;
let work: string;
let tls: VenueTls;
let httpPort: number;
let httpsPort: number;
let app: Awaited<ReturnType<typeof buildApp>> | null = null;
let browser: Browser;
let cameraCard: string;
const contexts: BrowserContext[] = [];

const http = () => `http://${HOST}:${httpPort}`;
const https = () => `https://${HOST}:${httpsPort}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The server on the test's data dir and ports (again after a stop: same data, same origins). */
async function startServer() {
  app = await buildApp({
    dataDir,
    tls,
    // The LAN name is not one of this machine's addresses: name it, as PUBLIC_URL would.
    publicUrls: [http(), https()],
  });
  await app.listen({ port: httpPort, host: '127.0.0.1' });
  await app.https!.listen(httpsPort, '127.0.0.1');
}
async function stopServer() {
  if (app) await closeApp(app);
  app = null;
}

/** The y4m file Chromium's fake camera plays: one 640×480 frame holding the QR code, looped. */
function writeY4m(file: string, text: string) {
  const W = 640;
  const H = 480;
  const { size, d } = qrPath(text);
  const dark = new Set<string>();
  for (const m of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) dark.add(`${m[1]},${m[2]}`);
  // 4 modules of quiet zone, as the printed card's white margin.
  const scale = Math.floor(Math.min(W, H) / (size + 8));
  const ox = Math.floor((W - size * scale) / 2);
  const oy = Math.floor((H - size * scale) / 2);
  const y = Buffer.alloc(W * H, 255);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (dark.has(`${c},${r}`))
        for (let dy = 0; dy < scale; dy++)
          y.fill(
            0,
            (oy + r * scale + dy) * W + ox + c * scale,
            (oy + r * scale + dy) * W + ox + (c + 1) * scale,
          );
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from(`YUV4MPEG2 W${W} H${H} F30:1 Ip A1:1 C420jpeg\nFRAME\n`),
      y,
      chroma,
    ]),
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-e2e-offline-'));
  caDir = mkdtempSync(join(tmpdir(), 'jx-e2e-offline-ca-'));
  work = mkdtempSync(join(tmpdir(), 'jx-e2e-offline-cam-'));
  tls = await ensureVenueTls({ caDir, ips: ['127.0.0.1'], dnsNames: ['localhost', HOST] });
  httpPort = await freePort();
  httpsPort = await freePort();
  await startServer();

  // The card as the organiser prints it: the code from GET …/officials/cards, the QR code
  // made by the console's own functions (CardsView: loginUrl + qrPath) for the LAN address.
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/competitions/${SLUG}/officials/cards`, {
    headers: { authorization: `Bearer ${tokenOf('O01')}` },
  });
  const { cards } = (await res.json()) as { cards: { code: string; token: string | null }[] };
  const card = cards.find((c) => c.code === 'J03')!;
  cameraCard = join(work, 'card.y4m');
  writeY4m(cameraCard, loginUrl(http(), card.token!));

  browser = await launchChromium([
    // Trusts the key of the certificate the server presents (as a tablet that installed the
    // CA trusts its chain); certificate checks stay on for everything else.
    `--ignore-certificate-errors-spki-list=${spkiHash(tls.cert)}`,
    `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${cameraCard}`,
  ]);
});

// A test's pages close with it: a tablet left open stays signed in and goes on rendering.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stopServer();
  for (const dir of [dataDir, caDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function tablet(): Promise<Page> {
  const context = await browser.newContext({
    viewport: TABLET,
    deviceScaleFactor: 1,
    hasTouch: true,
    timezoneId: 'Asia/Shanghai',
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  return page;
}

const ready = (page: Page) =>
  byTestId(page, 'connection-state', { state: 'ready' }).waitFor({ timeout: 20_000 });

async function openBib(page: Page, bib: string) {
  for (const k of bib) await byTestId(page, 'bib-key', { key: k }).click();
  await byTestId(page, 'bib-key', { key: 'ok' }).click();
  await byTestId(page, 'review').waitFor();
}

function marksOf(code: string) {
  const db = app!.store.db.$client;
  return db
    .prepare(
      `select m.id, m.values_json from marks m join officials o on o.id = m.official_id
       where o.code = ? and m.kind = 'mark' order by m.id`,
    )
    .all(code) as { id: number; values_json: string }[];
}

/** The tablet's chunks loaded on demand that its worker precaches (the server serves dist/). */
function lazyUrls(): string[] {
  const manifest = JSON.parse(readFileSync(join('dist', TABLET_MANIFEST), 'utf8')) as BuildManifest;
  const first = new Set(firstLoadUrls(manifest, 'judge-tablet/index.html'));
  return precacheUrls(manifest, 'judge-tablet/index.html').filter((u) => !first.has(u));
}

describe('the judge tablet over HTTPS is an offline app', () => {
  it('registers its worker; with the server stopped a reload shows the open sheet with its taps; a mark made offline is saved once the server is back', async () => {
    const page = await tablet();
    await page.goto(`${https()}/judge-tablet/#token=${tokenOf('J02')}`);
    await ready(page);
    // The login left the address bar (history.replaceState).
    expect(await page.evaluate(() => location.hash)).toBe('');
    // The worker installed, activated and claimed this page.
    await byTestId(page, 'offline-state', { state: 'ready' }).waitFor();
    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return {
        scope: reg?.scope,
        script: navigator.serviceWorker.controller?.scriptURL,
      };
    });
    expect(sw).toEqual({
      scope: `${https()}/judge-tablet/`,
      script: `${https()}/judge-tablet/sw.js`,
    });

    // Bib 7 at the S-bend: three taps, not submitted (a draft).
    await openBib(page, '7');
    const touched = byTestId(page, 'fault-add', { 'fault-id': 'cone-touched' });
    await touched.click();
    await touched.click();
    await byTestId(page, 'fault-add', { 'fault-id': 'line-pressed' }).click();

    // The server goes away (the laptop's Wi-Fi, or the laptop itself).
    await stopServer();
    const reload = await page.reload();
    // Served by the worker, from its cache: nothing answered on the network.
    expect(reload?.fromServiceWorker()).toBe(true);
    await byTestId(page, 'draft-restored').waitFor();
    expect(await byTestId(page, 'form-contestant').getAttribute('data-bib')).toBe('7');
    const count = (id: string) => byTestId(page, 'fault-count', { 'fault-id': id }).innerText();
    expect(await count('cone-touched')).toBe('2');
    expect(await count('line-pressed')).toBe('1');
    expect(await byTestId(page, 'connection-state').getAttribute('data-state')).not.toBe('ready');
    // The login, the roster and the scheme came from the device (the last welcome).
    expect(await page.locator('header .name').innerText()).toBe(
      fixture.officials.find((o) => o.code === 'J02')!.name,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-offline-reload.png') });
    // The parts loaded on demand (a head judge's voids and re-score requests, the history, a
    // stale write's note, the English words) come from the worker too, not the network.
    const lazyParts = lazyUrls();
    expect(lazyParts.length).toBeGreaterThan(0);
    const fetched = await page.evaluate(
      (urls) =>
        Promise.all(
          urls.map((u) =>
            fetch(u).then(
              (r) => r.status,
              () => 0,
            ),
          ),
        ),
      lazyParts,
    );
    expect(fetched).toEqual(lazyParts.map(() => 200));

    // One more tap and the mark is confirmed: it waits in the outbox.
    await touched.click();
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'pending' }).waitFor();
    expect(await byTestId(page, 'unsent-count').getAttribute('data-count')).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-offline-pending.png') });

    // The server is back on the same data and ports: the page reconnects by itself (no
    // Background Sync: Safari has none) and the mark is committed.
    await startServer();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor({ timeout: 45_000 });
    expect(await byTestId(page, 'unsent-count').getAttribute('data-count')).toBe('0');
    const marks = marksOf('J02');
    expect(marks).toHaveLength(1);
    expect(JSON.parse(marks[0]!.values_json)).toMatchObject({
      's-bend-faults': { 'cone-touched': 3, 'line-pressed': 1 },
    });
  });
});

describe('the judge tablet over plain HTTP on a LAN address', () => {
  it('works online, says offline reload is unavailable, and offers HTTPS only once its outbox and drafts are done; the HTTPS page signs in from the fragment', async () => {
    const page = await tablet();
    await page.goto(`${http()}/judge-tablet/#token=${tokenOf('J04')}`);
    await ready(page);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false);
    const offline = byTestId(page, 'offline-state');
    expect(await offline.getAttribute('data-state')).toBe('unavailable');
    expect(await offline.innerText()).toBe('不可离线刷新');
    expect(await offline.getAttribute('href')).toBe('/setup/');

    // This browser trusts the HTTPS origin: the move is offered (nothing waits here).
    await page.locator('.app[data-https-check="trusted"]').waitFor();
    const offer = byTestId(page, 'https-offer');
    await byTestId(page, 'https-offer', { state: 'ready' }).waitFor();
    // A draft holds taps: the offer waits (the draft lives in this origin's storage).
    await openBib(page, '9');
    await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
    await byTestId(page, 'https-offer', { state: 'waiting' }).waitFor();
    expect(await byTestId(page, 'https-go').count()).toBe(0);
    expect(await offer.innerText()).toContain('未发送的评分');
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-http-waiting.png') });
    // Submitted and acknowledged: the outbox is empty, the draft gone, the move offered.
    await byTestId(page, 'review').click();
    await byTestId(page, 'confirm-submit').click();
    await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
    await byTestId(page, 'status-back').click();
    await byTestId(page, 'https-offer', { state: 'ready' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-http-offer.png') });

    const go = byTestId(page, 'https-go');
    expect(await go.getAttribute('href')).toBe(`${https()}/judge-tablet/#token=${tokenOf('J04')}`);
    await go.click();
    await page.waitForURL(`${https()}/judge-tablet/`);
    await ready(page);
    // Signed in from the fragment, which left the address bar; an offline app now.
    expect(await page.evaluate(() => [location.protocol, location.hash])).toEqual(['https:', '']);
    expect(await page.locator('header .name').innerText()).toBe(
      fixture.officials.find((o) => o.code === 'J04')!.name,
    );
    await byTestId(page, 'offline-state', { state: 'ready' }).waitFor();
    expect(await byTestId(page, 'https-offer').count()).toBe(0);
  });
});

describe('the judge tablet on a device without the venue CA', () => {
  it('works online over plain HTTP, says offline reload is unavailable and offers no HTTPS', async () => {
    // Trusts nothing but the system's store: a tablet before set-up.
    const plain = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
    try {
      const context = await plain.newContext({ viewport: TABLET });
      const page = await context.newPage();
      await page.goto(`${http()}/judge-tablet/#token=${tokenOf('J03')}`);
      await ready(page);
      await byTestId(page, 'offline-state', { state: 'unavailable' }).waitFor();
      // Marks go through online as ever.
      await openBib(page, '3');
      await byTestId(page, 'fault-add', { 'fault-id': 'foot-down' }).click();
      await byTestId(page, 'review').click();
      await byTestId(page, 'confirm-submit').click();
      await byTestId(page, 'mark-status', { status: 'saved' }).waitFor();
      // The HTTPS origin is not trusted here: the check says so, and nothing is offered.
      await page.locator('.app[data-https-check="untrusted"]').waitFor();
      expect(await byTestId(page, 'https-offer').count()).toBe(0);
      await expect(page.goto(`${https()}/judge-tablet/`)).rejects.toThrow(/ERR_CERT/);
    } finally {
      await plain.close();
    }
  });
});

describe('camera login', () => {
  it('signs in by scanning the login card with the camera (fake camera playing the card’s QR code)', async () => {
    const page = await tablet();
    await page.goto(`${https()}/judge-tablet/`);
    await byTestId(page, 'login-token-input').waitFor();
    // Typing always works; the camera is offered in a secure context.
    expect(await byTestId(page, 'login-submit').isVisible()).toBe(true);
    const decoderRequests: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/(jsQR|Scanner)-/.test(r.url())) decoderRequests.push(r.url());
    });
    expect(decoderRequests).toEqual([]);
    // Chromium on Linux has no BarcodeDetector: jsQR reads the frames.
    expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false);
    await byTestId(page, 'scan-open').click();
    // The camera shows the card: the first frames are read and the tablet signs in (the
    // scanner closes at once, so its 'scanning' state is not waited for).
    await ready(page);
    expect(await page.locator('header .name').innerText()).toBe(
      fixture.officials.find((o) => o.code === 'J03')!.name,
    );
    // The decoder was fetched only once the camera was opened.
    expect(decoderRequests.some((u) => u.includes('/jsQR-'))).toBe(true);
    // The camera is stopped once the card is read.
    expect(await byTestId(page, 'scanner').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-camera-login.png') });
  });

  it('offers no camera over plain HTTP (not a secure context); typing works', async () => {
    const page = await tablet();
    await page.goto(`${http()}/judge-tablet/`);
    await byTestId(page, 'login-token-input').fill(tokenOf('J07'));
    expect(await byTestId(page, 'scan-open').count()).toBe(0);
    await byTestId(page, 'login-submit').click();
    await ready(page);
  });
});

describe('the first load', () => {
  it('is measured from a production build: the page and what it loads before any tap, gzip, under 60 kB; the camera is not in it', async () => {
    // dist/ is what `npm run build` makes (e2e/global-setup.ts builds it with
    // NODE_ENV=production, without Svelte's dev checks).
    const out = DIST_DIR;
    const manifest = JSON.parse(readFileSync(join(out, TABLET_MANIFEST), 'utf8')) as BuildManifest;
    // What the document itself loads: its scripts, module preloads and style sheets — the
    // same files as the entry's static graph in the build manifest.
    const html = readFileSync(join(out, 'judge-tablet/index.html'), 'utf8');
    const linked = [
      ...html.matchAll(/<script[^>]* src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]* rel="(?:modulepreload|stylesheet)"[^>]* href="([^"]+)"/g),
    ].map((m) => m[1]!);
    const files = ['/judge-tablet/index.html', ...linked];
    expect(new Set(files)).toEqual(
      new Set(
        firstLoadUrls(manifest, 'judge-tablet/index.html').filter((u) => u !== '/judge-tablet/'),
      ),
    );
    // The camera's view and decoder are chunks of their own, loaded when the camera opens;
    // the parts few judges see are loaded when shown, and precached by the worker.
    expect(files.some((f) => /jsQR|Scanner/.test(f))).toBe(false);
    expect(Object.values(manifest).some((c) => c.file.includes('jsQR'))).toBe(true);
    const lazy = precacheUrls(manifest, 'judge-tablet/index.html').filter(
      (u) => !files.includes(u) && u !== '/judge-tablet/',
    );
    for (const part of [
      'HeadJudgeBanners',
      'HistoryList',
      'RecordedMeasurements',
      'StaleNote',
      'HttpsOffer',
      'i18n-en',
    ])
      expect(lazy.some((u) => u.includes(part))).toBe(true);
    const gz = (f: string) => gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
    const sizes = files.map((f) => `${f} ${gz(f)} B`);
    const js = files.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(f), 0);
    const all = files.reduce((n, f) => n + gz(f), 0);
    console.log(
      `judge tablet first load (gzip -9): ${all} B in all (${sizes.join(', ')}), ${js} B of it JavaScript`,
    );
    expect(all).toBeLessThan(60_000);
  });
});
