import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { Config } from './config.ts';
import { isServedOrigin } from './plugins/origin.ts';
import { startTestServer } from './test-support.ts';

/** Websocket origins (issue "Hardening", 7): the addresses the server serves, and PUBLIC_URL. */
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('served origins', () => {
  it('are this machine’s own addresses on the port it listens on, and configured public URLs', () => {
    const none = new Set<string>();
    expect(isServedOrigin('http://localhost:3000', 3000, none)).toBe(true);
    expect(isServedOrigin('http://127.0.0.1:3000', 3000, none)).toBe(true);
    expect(isServedOrigin('http://127.0.0.1:3001', 3000, none)).toBe(false);
    expect(isServedOrigin('http://attacker.example:3000', 3000, none)).toBe(false);
    expect(isServedOrigin('not a url', 3000, none)).toBe(false);
    const lb = new Set(['https://scores.example.org']);
    expect(isServedOrigin('https://scores.example.org', 3000, lb)).toBe(true);
    expect(isServedOrigin('http://scores.example.org', 3000, lb)).toBe(false);
  });

  it('PUBLIC_URL lets pages served behind a balancer open sockets', async () => {
    const config = Config.parse({ PUBLIC_URL: 'https://scores.example.org, http://10.0.0.5:8080' });
    expect(config.PUBLIC_URL).toEqual(['https://scores.example.org', 'http://10.0.0.5:8080']);
    expect(Config.safeParse({ PUBLIC_URL: 'nope' }).success).toBe(false);
    server = await startTestServer(undefined, undefined, { publicUrls: config.PUBLIC_URL });
    const status = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${server!.ws}/ws/board?competition=gaoxin-2024`, {
        headers: { origin: 'https://scores.example.org' },
      });
      ws.on('open', () => (ws.close(), resolve('open')));
      ws.on('unexpected-response', (_q, r) => resolve(String(r.statusCode)));
    });
    expect(status).toBe('open');
  });
});
