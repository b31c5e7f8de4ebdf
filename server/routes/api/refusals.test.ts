import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../protocol/errors.ts';
import type { MarkAck, MarkReject } from '../../protocol/judge.ts';
import { describeError, errorText } from '../../protocol/messages.ts';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
} from '../../test-support.ts';

/**
 * Refusals as the server sends them (HTTP answers, the judge socket, the board socket): a code of
 * the closed table with its parameters, and a message that is exactly that code's Chinese text
 * (protocol/messages.ts), so a page that words the code in English says the same thing.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const base = () => `${server.url}/api/competitions/gaoxin-2024`;
async function call(method: string, path: string, body?: unknown, code: string | null = 'O01') {
  const res = await fetch(base() + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(code ? { authorization: `Bearer ${tokenOf(server.fixture, code)}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The answer is `{error, params, message}` and the message is the code's Chinese text. */
function expectWorded(body: Record<string, unknown>, code: ErrorCode, params: object) {
  expect(body).toMatchObject({ error: code, params });
  expect(Object.hasOwn(ERRORS, body.error as string)).toBe(true);
  expect(body.message).toBe(errorText(code, body.params as never, 'zh'));
  // An English page words it in English, from the code and parameters alone.
  const en = describeError(body, 'en');
  expect(en).not.toBe(body.message);
  // Names in the parameters (an official's) are data, shown as they are; no other Chinese.
  const names = Object.values(body.params as object).filter((v) => typeof v === 'string');
  expect(names.reduce((t: string, n) => t.replaceAll(n, ''), en)).not.toMatch(/\p{Script=Han}/u);
}

/** The refusal a write got (an ack fails the test). */
function refused(m: MarkAck | MarkReject): MarkReject {
  if (m.type !== 'mark.reject') throw new Error(`accepted: ${JSON.stringify(m)}`);
  return m;
}

describe('refusals over HTTP and the sockets', () => {
  it('answers HTTP refusals with the code, its parameters and their Chinese text', async () => {
    // No credential: "log in first"; a credential that is not one: "invalid or revoked".
    const anonymous = await call('GET', '/officials', undefined, null);
    expect(anonymous.status).toBe(401);
    expectWorded(anonymous.body, 'auth/required', {});
    expect(anonymous.body.message).toBe('请先登录');
    const wrong = await fetch(`${base()}/officials`, {
      headers: { authorization: `Bearer ${'0'.repeat(32)}` },
    });
    expect(wrong.status).toBe(401);
    expectWorded((await wrong.json()) as Record<string, unknown>, 'auth/required', {
      why: 'login_invalid',
    });

    const judge = await call('GET', '/officials', undefined, 'J01');
    expect(judge.status).toBe(403);
    expectWorded(judge.body, 'auth/forbidden', {});

    const taken = await call('POST', '/officials', { code: 'J02', name: '重复', role: 'judge' });
    expect(taken.status).toBe(409);
    expectWorded(taken.body, 'official/code_taken', { code: 'J02' });
    expect(taken.body.message).toMatch(/^编号 J02 已被 .+ 使用$/);

    const zone = await call('PATCH', '', { timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expectWorded(zone.body, 'request/invalid', { timeZone: 'Mars/Olympus' });

    const sheet = await call('GET', '/contestants/999/sheet.html');
    expect(sheet.status).toBe(404);
    expectWorded(sheet.body, 'contestant/not_found', { bib: '999' });

    // A course action the course refuses, and a write the writer refuses, over HTTP.
    const unfreeze = await call('POST', '/course', {
      action: 'competition.unfreeze',
      reason: '误操作',
    });
    expect(unfreeze.status).toBe(409);
    expectWorded(unfreeze.body, 'course/not_frozen', {});
    const voided = await call('POST', '/marks/424242/void', { reason: '录入错误' }, 'H01');
    expect(voided.status).toBe(409);
    expectWorded(voided.body, 'mark/unknown_mark', { id: 424242 });

    const nowhere = await fetch(`${server.url}/api/competitions/no-such-slug/standings`);
    expect(nowhere.status).toBe(404);
    expectWorded((await nowhere.json()) as Record<string, unknown>, 'competition/not_found', {});
  });

  it('sends a judge’s refused mark with its parameters, names from the scheme in both languages', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const sheetId = judge.welcome.judge.sheets[0]!;
    const reject = refused(await submitMark(judge, { contestantId: 999_999, sheetId, values: {} }));
    expect(reject).toMatchObject({
      type: 'mark.reject',
      code: 'mark/unknown_contestant',
      params: { id: 999_999 },
    });
    expect(reject.message).toBe(errorText('mark/unknown_contestant', { id: 999_999 }, 'zh'));
    expect(describeError(reject, 'en')).toBe('There is no contestant with id 999999');
    // A sheet the judge does not sit on: its name travels in both languages.
    const notMine = refused(
      await submitMark(judge, {
        contestantId: judge.welcome.contestants[0]!.id,
        sheetId: 'bridge',
        values: {},
      }),
    );
    expect(notMine).toMatchObject({
      code: 'mark/not_assigned',
      message: '您未被分配到 单边桥，不能为该项评分',
    });
    expect(describeError(notMine, 'en')).toBe(
      'You are not assigned to Single-plank bridge and cannot mark it',
    );
    judge.close();
  });

  it('answers a frame a board may not send with the read-only code and its text', async () => {
    const board = connectBoard(server.ws, 'gaoxin-2024');
    await board.next((m) => m.type === 'board.snapshot');
    board.send({ type: 'mark.submit' });
    const error = (await board.next((m) => (m.type as string) === 'error')) as unknown as {
      code: ErrorCode;
      params: object;
      message: string;
    };
    expect(error).toMatchObject({ code: 'board/read_only', params: {} });
    expect(error.message).toBe(errorText('board/read_only', {}, 'zh'));
    expect(describeError(error, 'en')).toBe('The board connection is read-only');
    board.close();
  });
});
