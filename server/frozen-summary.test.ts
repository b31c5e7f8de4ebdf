import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectJudge, startTestServer, submitMark, tokenOf } from './test-support.ts';

/** The freeze hides activity too (issue "Hardening", 5): public summaries stop at the freeze. */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('public summaries while frozen', () => {
  it('show the revision of the freeze in /api/competitions and /api/festivals/:slug, whatever is marked after it', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const mark = (i: number) =>
      submitMark(judge, {
        contestantId: judge.welcome.contestants[i]!.id,
        sheetId: 's-bend',
        values: { 's-bend-faults': {} },
      });
    await mark(0);
    const frozen = await fetch(`${server.url}/api/competitions/gaoxin-2024/course`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: 'competition.freeze' }),
    });
    expect(frozen.status).toBe(200);
    const revisionAt = async () => ({
      list: (
        (await (await fetch(`${server.url}/api/competitions`)).json()) as {
          competitions: { revision: number }[];
        }
      ).competitions[0]!.revision,
      festival: (
        (await (await fetch(`${server.url}/api/festivals/gaoxin-2024`)).json()) as {
          competitions: { revision: number }[];
        }
      ).competitions[0]!.revision,
    });
    const atFreeze = await revisionAt();
    for (let i = 1; i < 6; i++) await mark(i);
    expect(await revisionAt()).toEqual(atFreeze);
    judge.close();
  });
});
