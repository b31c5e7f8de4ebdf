import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import { readFixture } from '../server/plugins/seed.ts';

/** Screenshots and other artefacts of the browser tests (ignored by git; look at them). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/**
 * Debian's Chromium with the flags this machine needs; never a downloaded browser. `extraArgs`
 * add to them (e2e/setup.test.ts trusts the venue certificate's key with
 * `--ignore-certificate-errors-spki-list`).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
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
 * Starts the real server (default contest, fresh SQLite file in a temp folder, built SPAs)
 * on a free loopback port.
 */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'jx-e2e-'));
  const app = await buildApp({ dataDir });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    fixture: readFixture(),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The elements of a test id with the given `data-*` attributes:
 * `byTestId(page, 'queue-row', { bib: 7 })` → `[data-testid="queue-row"][data-bib="7"]`.
 */
export const byTestId = (page: Page, id: string, attrs: Record<string, string | number> = {}) =>
  page.locator(
    `[data-testid="${id}"]` +
      Object.entries(attrs)
        .map(([k, v]) => `[data-${k}="${v}"]`)
        .join(''),
  );
