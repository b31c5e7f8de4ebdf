import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContestantImportAnswer, ScoreImportAnswer } from '#protocol';
import { startTestServer, tokenOf } from '../server/test-support.ts';
import { Api, failText, setErrorLang, wordLineErrors } from './api.ts';

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

const encode = (text: string) => new TextEncoder().encode(text);

/** The errors of a dry run of `file` sent to `path`, as the console receives them. */
async function refused(path: string, file: string) {
  const api = new Api(tokenOf(server.fixture, 'O01'), 'gaoxin-2024');
  const r = await api.request<ContestantImportAnswer | ScoreImportAnswer>(api.competition(path), {
    raw: encode(file),
    contentType: 'text/csv',
  });
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('the file was accepted');
  expect(r.status).toBe(422);
  return (r.body as ContestantImportAnswer).errors;
}

describe('the console words an import’s refused lines', () => {
  it('in English on an English console, from the codes and parameters the server sent', async () => {
    const errors = await refused('/imports/theory-score?dryRun=1', '3,\n99,80\n2,80\n2,81\n');
    setErrorLang('en');
    expect(wordLineErrors(errors).map((e) => [e.line, e.code, e.message])).toEqual([
      [1, 'score/no_score', 'Line 1 (#3): no score'],
      [2, 'score/unknown_bib', 'Line 2 (#99): there is no contestant with bib “99”'],
      [4, 'score/duplicate_bib', 'Line 4 (#2): bib 2 repeats line 3'],
    ]);
    const people = await refused('/contestants/import?dryRun=1', '号码,姓名\n7,\n8,李四\n8,王五\n');
    expect(wordLineErrors(people).map((e) => e.message)).toEqual([
      'Line 2: no name',
      'Line 4: bib 8 repeats line 3',
    ]);
  });

  it('in the server’s own Chinese on a Chinese console', async () => {
    const errors = await refused('/imports/theory-score?dryRun=1', '3,\n99,80\n');
    expect(wordLineErrors(errors)).toEqual(errors);
    expect(errors.map((e) => e.message)).toEqual([
      '第 1 行（3号）：成绩为空',
      '第 2 行（99号）：没有号码为 “99” 的选手',
    ]);
  });

  it('keeps the server’s message for a code it does not know', () => {
    setErrorLang('en');
    const newer = { line: 2, code: 'score/newer', params: {}, message: '第 2 行：新问题' };
    expect(wordLineErrors([newer])).toEqual([newer]);
  });
});
