import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, type BoardServerMessage } from '#protocol';
import { startTestServer, TestSocket, tokenOf } from './test-support.ts';

/**
 * The board socket's hello is its URL (protocol/board.ts `BoardQuery`): a page says the
 * protocol version it was built for, and one built for another version is closed with
 * `CloseCode.protocolMismatch` before the server sends it a frame, as the judge socket closes
 * a `judge.hello` of another version. Real server, real websocket clients.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
afterEach(async () => {
  await server.close();
});

const boardAt = (query: string) =>
  new TestSocket<BoardServerMessage>(`${server.ws}/ws/board?competition=gaoxin-2024${query}`);

describe('board protocol version', () => {
  it('serves a board that says this version, public and staff', async () => {
    server = await startTestServer();
    const board = boardAt(`&protocol=${PROTOCOL_VERSION}`);
    const snapshot = await board.next((m) => m.type === 'board.snapshot');
    expect(snapshot).toMatchObject({
      type: 'board.snapshot',
      competition: { slug: 'gaoxin-2024' },
    });

    const staff = boardAt(`&protocol=${PROTOCOL_VERSION}`);
    await staff.opened();
    staff.send({ type: 'board.hello', token: tokenOf(server.fixture, 'O01') });
    const staffSnapshot = await staff.next(
      (m) => m.type === 'board.snapshot' && (m as { staff?: boolean }).staff === true,
    );
    expect(staffSnapshot.type).toBe('board.snapshot');
    board.close();
    staff.close();
  });

  it('closes a board built for another version before sending it anything', async () => {
    server = await startTestServer();
    for (const version of [String(PROTOCOL_VERSION + 1), '0', 'abc', '-3']) {
      const board = boardAt(`&protocol=${version}`);
      const closed = await board.closed;
      expect(closed, `protocol=${version}`).toEqual({
        code: CloseCode.protocolMismatch,
        reason: `protocol ${PROTOCOL_VERSION} required`,
      });
      // The close came first: no snapshot a page of another version would have to read.
      expect(board.received, `protocol=${version}`).toEqual([]);
    }
  });

  it('still serves a reader that states no version (a script, a benchmark)', async () => {
    server = await startTestServer();
    const board = boardAt('');
    expect((await board.next((m) => m.type === 'board.snapshot')).type).toBe('board.snapshot');
    board.close();
  });

  it('checks the version before the competition: a wrong one is told so, not "not found"', async () => {
    server = await startTestServer();
    const board = new TestSocket<BoardServerMessage>(
      `${server.ws}/ws/board?competition=no-such-one&protocol=${PROTOCOL_VERSION + 1}`,
    );
    expect((await board.closed).code).toBe(CloseCode.protocolMismatch);
    const known = new TestSocket<BoardServerMessage>(
      `${server.ws}/ws/board?competition=no-such-one&protocol=${PROTOCOL_VERSION}`,
    );
    expect((await known.closed).code).toBe(CloseCode.notFound);
  });
});
