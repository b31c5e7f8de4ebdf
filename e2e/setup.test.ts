/**
 * The venue set-up page in Debian's Chromium (issue "The venue LAN as a secure site for staff
 * devices", 3): a browser that trusts the venue certificate — by its key's SPKI hash
 * (`--ignore-certificate-errors-spki-list`), never by turning certificate checks off — opens
 * the HTTPS origin, and the set-up page opened over plain HTTP reports that origin as trusted
 * and links the judge tablet on HTTPS; a browser without it is told it does not trust the
 * certificate yet and cannot open the HTTPS origin. And Chromium given the product's CA itself
 * in its certificate store (NSS, as `certutil` puts it) accepts the server certificate and
 * enforces the CA's name constraints. Phone-size screenshots (390×844, zh and
 * en, and inside WeChat) land in e2e/artifacts/setup-*.png: look at them.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { closeApp } from '../server/test-support.ts';
import { readFixture } from '../server/plugins/seed.ts';
import { FILES, ensureVenueTls, spkiHash, type VenueTls } from '../server/services/venue-ca.ts';
import { ARTIFACTS, launchChromium } from './support/browser.ts';

const PHONE = { width: 390, height: 844 };
const UA = {
  android:
    'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  wechat:
    'Mozilla/5.0 (Linux; Android 12; M2102J2SC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230504 MicroMessenger/8.0.37.2380(0x2800255B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
};

let dataDir: string;
let caDir: string;
let tls: VenueTls;
let app: Awaited<ReturnType<typeof buildApp>>;
let http: string;
let https: string;
/** Trusts the venue certificate's key (as a tablet that installed the CA trusts its chain). */
let trusting: Browser;
/** Trusts nothing but the system's store, like a tablet before set-up. */
let plain: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jx-e2e-setup-'));
  caDir = mkdtempSync(join(tmpdir(), 'jx-e2e-ca-'));
  tls = await ensureVenueTls({ caDir, ips: ['127.0.0.1', '::1'], dnsNames: ['localhost'] });
  app = await buildApp({ dataDir, tls });
  await app.listen({ port: 0, host: '127.0.0.1' });
  http = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  https = `https://127.0.0.1:${await app.https!.listen(0, '127.0.0.1')}`;
  // The base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (DER).
  trusting = await launchChromium([`--ignore-certificate-errors-spki-list=${spkiHash(tls.cert)}`]);
  plain = await launchChromium();
});

// A test's pages close with it: a page left open goes on running beside the next test.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await trusting?.close();
  await plain?.close();
  if (app) await closeApp(app);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(caDir, { recursive: true, force: true });
});

async function phone(browser: Browser, userAgent = UA.android): Promise<Page> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e));
  return page;
}

const status = (page: Page) => page.locator('[data-testid="setup-status"]');
async function settled(page: Page): Promise<string> {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="setup-status"]')?.getAttribute('data-state');
    return s && s !== 'loading' && s !== 'checking';
  });
  return (await status(page).getAttribute('data-state'))!;
}

describe('a device that trusts the venue certificate', () => {
  it('opens the HTTPS origin, and the set-up page over HTTP reports it trusted and links the judge tablet on HTTPS', async () => {
    const page = await phone(trusting);
    // The HTTPS origin itself: the page loads, so Chromium accepted the certificate.
    const direct = await page.goto(`${https}/setup/`);
    expect(direct?.status()).toBe(200);
    expect(await settled(page)).toBe('trusted');

    await page.goto(`${http}/setup/`);
    expect(await settled(page)).toBe('trusted');
    expect(await status(page).innerText()).toContain('本设备已信任场馆证书');
    const link = page.locator('[data-testid="setup-judge-link"]');
    expect(await link.getAttribute('href')).toBe(`${https}/judge-tablet/`);
    await page.screenshot({ path: join(ARTIFACTS, 'setup-zh-trusted.png'), fullPage: true });

    await link.click();
    await page.waitForURL(`${https}/judge-tablet/`);
    expect(await page.evaluate(() => window.isSecureContext && location.protocol)).toBe('https:');

    // A judge signs in there: the tablet's socket is wss:// and the server takes it.
    const token = readFixture().officials.find((o) => o.code === 'J01')!.token;
    const tablet = await page.context().newPage();
    await tablet.goto(`${https}/judge-tablet/#token=${token}`);
    await tablet.locator('[data-testid="connection-state"][data-state="ready"]').waitFor();
    await tablet.screenshot({ path: join(ARTIFACTS, 'setup-https-tablet.png') });
    // The board over HTTPS too.
    await tablet.goto(`${https}/scoreboard/`);
    await tablet.locator('[data-testid="live-status"][data-state="open"]').waitFor();
  });

  it('in English on request', async () => {
    const page = await phone(trusting, UA.ipad);
    await page.goto(`${http}/setup/?lang=en`);
    expect(await settled(page)).toBe('trusted');
    expect(await status(page).innerText()).toContain('This device trusts the venue certificate');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // The iPad's steps first.
    const first = page.locator('[data-testid="setup-platform"]').first();
    expect(await first.getAttribute('data-platform')).toBe('ios');
    await page.screenshot({ path: join(ARTIFACTS, 'setup-en-trusted.png'), fullPage: true });
  });
});

describe('a device before set-up', () => {
  it('is told it does not trust the certificate yet, gets its own system’s steps first, and cannot open the HTTPS origin', async () => {
    const page = await phone(plain);
    await page.goto(`${http}/setup/`);
    expect(await settled(page)).toBe('untrusted');
    expect(await status(page).innerText()).toContain('本设备尚未信任场馆证书');
    expect(await page.locator('[data-testid="setup-judge-link"]').count()).toBe(0);
    const first = page.locator('[data-testid="setup-platform"]').first();
    expect(await first.getAttribute('data-platform')).toBe('android');
    expect(await first.getAttribute('open')).not.toBeNull();
    expect(await first.innerText()).toContain('加密与凭据');
    expect(await first.innerText()).toContain('屏幕锁');
    // Its download is the DER certificate Android installs from Settings.
    const href = await page.locator('[data-testid="setup-download-android"]').getAttribute('href');
    const res = await page.request.get(`${http}${href}`);
    expect(res.headers()['content-type']).toBe('application/x-x509-ca-cert');
    expect(Buffer.from(await res.body()).equals(tls.caDer)).toBe(true);
    expect(await page.locator('[data-testid="setup-fingerprint"]').textContent()).toBe(
      tls.caFingerprint,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'setup-zh-untrusted.png'), fullPage: true });

    // Checking again changes nothing while nothing is installed.
    await page.locator('[data-testid="setup-recheck"]').click();
    expect(await settled(page)).toBe('untrusted');

    // And the HTTPS origin itself is refused.
    await expect(page.goto(`${https}/setup/`)).rejects.toThrow(/ERR_CERT/);
  });

  it('in English, with the iPad’s steps (full trust in Certificate Trust Settings)', async () => {
    const page = await phone(plain, UA.ipad);
    await page.goto(`${http}/setup/?lang=en`);
    expect(await settled(page)).toBe('untrusted');
    const ios = page.locator('[data-testid="setup-platform"][data-platform="ios"]');
    expect(await ios.innerText()).toContain('Certificate Trust Settings');
    const href = await page.locator('[data-testid="setup-download-ios"]').getAttribute('href');
    const res = await page.request.get(`${http}${href}`);
    expect(res.headers()['content-type']).toBe('application/x-apple-aspen-config');
    await page.screenshot({ path: join(ARTIFACTS, 'setup-en-untrusted.png'), fullPage: true });
  });

  it('inside WeChat, says to open the page in the browser', async () => {
    const page = await phone(plain, UA.wechat);
    await page.goto(`${http}/setup/`);
    const inApp = page.locator('[data-testid="setup-inapp"]');
    await inApp.waitFor();
    expect(await inApp.innerText()).toContain('在浏览器中打开');
    expect(await inApp.innerText()).toContain('微信');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'setup-zh-wechat.png') });
  });
});

/** Debian's certutil (libnss3-tools; scripts/ensure-test-packages.sh installs it). */
const CERTUTIL = ['/usr/bin/certutil', '/bin/certutil'].find((p) => existsSync(p));

describe.skipIf(!CERTUTIL)('Chromium with the venue CA in its own certificate store', () => {
  it('trusts the server certificate through the name-constrained CA, and refuses a certificate of that CA for a public name', async () => {
    // A fresh profile whose NSS store holds the product's CA as a trusted TLS root.
    const home = mkdtempSync(join(tmpdir(), 'jx-e2e-nss-'));
    const nssdb = join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    writeFileSync(join(home, 'ca.crt'), tls.caPem);
    execFileSync(CERTUTIL!, ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
    execFileSync(CERTUTIL!, [
      '-A',
      '-d',
      `sql:${nssdb}`,
      '-n',
      'jiangxing',
      '-t',
      'C,,',
      '-i',
      join(home, 'ca.crt'),
    ]);

    // Certificates the product would never make, signed with the CA's own key: one for a
    // public name (outside the constraints), one for a .local name (inside), same server.
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const caKey = await webcrypto.subtle.importKey(
      'pkcs8',
      x509.PemConverter.decodeFirst(readFileSync(join(caDir, FILES.caKey), 'utf8')),
      alg,
      false,
      ['sign'],
    );
    const rogue = async (name: string) => {
      const keys = (await webcrypto.subtle.generateKey(alg, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.create({
        subject: `CN=${name}`,
        issuer: new x509.X509Certificate(tls.caPem).subject,
        notBefore: new Date(Date.now() - 86_400_000),
        notAfter: new Date(Date.now() + 30 * 86_400_000),
        signingKey: caKey,
        publicKey: keys.publicKey,
        signingAlgorithm: alg,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: name }]),
        ],
      });
      const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
      return {
        cert: `${cert.toString('pem')}\n${tls.caPem}`,
        key: x509.PemConverter.encode(key, 'PRIVATE KEY'),
      };
    };
    const servers = await Promise.all(
      ['www.example.com', 'venue-test.local'].map(async (name) => {
        const { cert, key } = await rogue(name);
        const server = createHttpsServer({ cert, key }, (_q, r) => r.end('ok'));
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        return { name, server, port: (server.address() as AddressInfo).port };
      }),
    );

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        // Both names reach the test servers on this machine; nothing leaves it.
        '--host-resolver-rules=MAP www.example.com 127.0.0.1, MAP venue-test.local 127.0.0.1',
      ],
      env: { ...process.env, HOME: home },
    });
    try {
      const page = await browser.newPage();
      // The product's own server certificate: trusted, by address and by name.
      expect((await page.goto(`${https}/setup/`))?.status()).toBe(200);
      expect(await settled(page)).toBe('trusted');
      const port = new URL(https).port;
      expect((await page.goto(`https://localhost:${port}/healthz`))?.status()).toBe(200);
      // The set-up page over HTTP reports the HTTPS origin trusted.
      await page.goto(`${http}/setup/`);
      expect(await settled(page)).toBe('trusted');
      // Inside the constraints: accepted; outside: refused although the same CA signed it.
      // The two certificates differ only in their name (Chromium 156 says ERR_CERT_INVALID
      // for a name-constraint violation; older ones ERR_CERT_NAME_CONSTRAINT_VIOLATION).
      const [outside, inside] = servers;
      expect((await page.goto(`https://${inside!.name}:${inside!.port}/`))?.status()).toBe(200);
      await expect(page.goto(`https://${outside!.name}:${outside!.port}/`)).rejects.toThrow(
        /ERR_CERT_(INVALID|NAME_CONSTRAINT_VIOLATION)/,
      );
    } finally {
      await browser.close();
      for (const s of servers) s.server.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
