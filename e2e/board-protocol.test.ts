import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION } from '../server/protocol/index.ts';
import { startTestServer, tokenOf } from '../server/test-support.ts';
import { BrowserSession, DESKTOP, PROJECTOR } from './support/browser.ts';
import { byTestId } from './support/dom.ts';

/**
 * A board page built for another protocol version than the server's. The server closes such
 * a board socket with `CloseCode.protocolMismatch` before any frame (server/board-protocol.test.ts
 * proves it on a real server); here playwright's websocket route stands in for that server,
 * answering the page's board socket with the same close, and each page must stop and ask to
 * be reloaded, as the judge tablet does. The socket's URL carries the page's own version.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: BrowserSession;
beforeAll(async () => {
  server = await startTestServer();
  browser = await BrowserSession.launch();
});
afterEach(() => browser.closePages());
afterAll(async () => {
  await browser.close();
  await server.close();
});

/** Every board socket the page opens is closed as a server of another version closes it. */
async function refuseBoards(page: Page): Promise<string[]> {
  const urls: string[] = [];
  await page.routeWebSocket(/\/ws\/board/, (ws) => {
    urls.push(ws.url());
    ws.close({ code: CloseCode.protocolMismatch, reason: `protocol ${PROTOCOL_VERSION} required` });
  });
  return urls;
}

describe('a board page of another protocol version', () => {
  it('the scoreboard stops and says to reload', async () => {
    const page = await browser.newPage({ viewport: PROJECTOR }, 'scoreboard');
    const urls = await refuseBoards(page);
    await page.goto(`${server.url}/scoreboard/?competition=gaoxin-2024`);
    await page.getByText('页面版本与服务器不一致，请刷新页面').waitFor();
    // It no longer says it is connecting: nothing more will come.
    expect(await byTestId(page, 'live-status').getAttribute('data-state')).toBe('failed');
    expect(await byTestId(page, 'live-status').innerText()).toBe('未连接');
    expect(urls).toHaveLength(1);
    const asked = new URL(urls[0]!).searchParams;
    expect(asked.get('protocol')).toBe(String(PROTOCOL_VERSION));
    expect(asked.get('competition')).toBe('gaoxin-2024');
  });

  it('the console returns to its sign-in and says to reload, in English too', async () => {
    const page = await browser.newPage({ viewport: DESKTOP }, 'console');
    const urls = await refuseBoards(page);
    await page.goto(`${server.url}/console/?lang=en`);
    await byTestId(page, 'login-token-input').fill(tokenOf(server.fixture, 'O01'));
    await byTestId(page, 'login-submit').click();
    await expect
      .poll(() => byTestId(page, 'login-error').textContent())
      .toBe('This page does not match the server version: reload it and sign in again.');
    expect(urls).toHaveLength(1);
    expect(new URL(urls[0]!).searchParams.get('protocol')).toBe(String(PROTOCOL_VERSION));
  });
});

describe('a board page of a competition the server does not hold', () => {
  it('says so, and its status stops saying it is connecting (the real server, in English)', async () => {
    const page = await browser.newPage({ viewport: PROJECTOR }, 'scoreboard');
    await page.goto(`${server.url}/scoreboard/?competition=nope&lang=en`);
    await page.getByText('No competition “nope”').waitFor();
    await expect
      .poll(() => byTestId(page, 'live-status').getAttribute('data-state'))
      .toBe('failed');
    expect(await byTestId(page, 'live-status').innerText()).toBe('Not connected');
  });
});
