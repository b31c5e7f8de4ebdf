import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, tokenOf } from '../server/test-support.ts';
import { Api, failText, setErrorLang } from './api.ts';

/**
 * The console's client against the real server: a refusal's message is the code and parameters
 * worded in the console's language. The page's relative URLs go to the test server (the one
 * stub: where fetch sends them).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
const realFetch = globalThis.fetch;
beforeAll(async () => {
  server = await startTestServer();
  vi.stubGlobal('fetch', (path: string, init?: RequestInit) => realFetch(server.url + path, init));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server.close();
});
afterEach(() => setErrorLang('zh'));

const words = { network: 'offline', notAvailable: 'n/a' };
const newJudge = { code: 'J02', name: '重复', role: 'judge' };

describe('console API refusals', () => {
  it('words a refusal in the console’s language: English on an English console, the server’s Chinese otherwise', async () => {
    const api = new Api(tokenOf(server.fixture, 'O01'), 'gaoxin-2024');
    const zh = await api.request(api.competition('/officials'), { json: newJudge });
    expect(zh.ok).toBe(false);
    if (zh.ok) return;
    expect(zh).toMatchObject({ status: 409, error: 'official/code_taken' });
    // In Chinese the words are the server's own, as sent.
    expect(zh.message).toBe((zh.body as { message: string }).message);
    expect(zh.message).toMatch(/^编号 J02 已被 .+ 使用$/);

    setErrorLang('en');
    const en = await api.request(api.competition('/officials'), { json: newJudge });
    expect(en.ok).toBe(false);
    if (en.ok) return;
    expect(en.message).toMatch(/^Code J02 is already used by .+$/);
    expect(failText(en, words)).toBe(en.message);
    const course = await api.request(api.competition('/course'), {
      json: { action: 'competition.unfreeze', reason: '误操作' },
    });
    expect(!course.ok && course.message).toBe('The standings are not frozen');
  });
});
