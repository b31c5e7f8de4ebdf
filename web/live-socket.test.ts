import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, HEARTBEAT, RECONNECT } from '../server/protocol/constants.ts';
import { fakeEnv } from './fake-socket.ts';
import { LiveSocket, type SocketState } from './live-socket.ts';

function setup(opts: { fatalCodes?: number[] } = {}) {
  const { env, sockets, last, win, doc } = fakeEnv();
  const received: unknown[] = [];
  const states: SocketState[] = [];
  const fatal: number[] = [];
  let n = 0;
  const socket = new LiveSocket<{ type: string }>({
    path: () => `/ws/board?n=${n++}`,
    onOpen: (send) => send({ type: 'hello' }),
    onMessage: (m) => received.push(m),
    onState: (s) => states.push(s),
    onFatal: (code) => fatal.push(code),
    env,
    ...opts,
  });
  return { socket, sockets, last, received, states, fatal, win, doc };
}

describe('LiveSocket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('connects, says hello on open, pings, and hands frames on (not pongs)', () => {
    const { socket, last, received, states } = setup();
    expect(last().url).toBe('ws://venue.test/ws/board?n=0');
    last().accept();
    expect(last().sent).toEqual([{ type: 'hello' }]);
    last().frame({ type: 'board.delta' });
    last().frame({ type: 'pong' });
    expect(received).toEqual([{ type: 'board.delta' }]);
    vi.advanceTimersByTime(HEARTBEAT.pingMs);
    expect(last().sent.at(-1)).toMatchObject({ type: 'ping' });
    expect(states).toEqual(['connecting', 'open']);
    expect(socket.open).toBe(true);
    socket.close();
  });

  it('drops a silent socket at once and connects a new one without waiting for its onclose', () => {
    const { socket, sockets, last, received, states } = setup();
    last().accept();
    const dead = last();
    // No frame at all: at the first heartbeat after silenceMs the socket is dead.
    vi.advanceTimersByTime(HEARTBEAT.silenceMs + HEARTBEAT.pingMs);
    expect(dead.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting']);
    // The dead one's late frames and close change nothing.
    dead.frame({ type: 'board.delta' });
    dead.closeEvent();
    expect(received).toEqual([]);
    expect(sockets).toHaveLength(2);
    expect(states.at(-1)).toBe('connecting');
    last().accept();
    expect(socket.open).toBe(true);
    socket.close();
  });

  it('on offline drops the socket at once; on online connects without waiting out the backoff', () => {
    const { socket, sockets, last, win } = setup();
    last().accept();
    const first = last();
    win.dispatchEvent(new Event('offline'));
    expect(first.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    // The network is gone: the new attempt fails, and the next waits out a backoff …
    last().closeEvent();
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(RECONNECT.initialMs);
    expect(sockets).toHaveLength(3);
    last().closeEvent();
    // … unless the network comes back: then at once.
    win.dispatchEvent(new Event('online'));
    expect(sockets).toHaveLength(4);
    // A connect under way is kept on a second `online`.
    win.dispatchEvent(new Event('online'));
    expect(sockets).toHaveLength(4);
    socket.close();
  });

  it('when the page is shown again, drops a socket that went silent while hidden', () => {
    const { socket, sockets, last, doc } = setup();
    last().accept();
    doc.hidden = true;
    // A hidden tab's timers are throttled: the wall clock moves, the heartbeat does not run.
    vi.setSystemTime(Date.now() + HEARTBEAT.silenceMs + 1);
    doc.hidden = false;
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(sockets).toHaveLength(2);
    socket.close();
  });

  it('reconnectNow drops an open socket at once and connects after the shortest backoff', () => {
    const { socket, sockets, last, received } = setup();
    last().accept();
    socket.reconnectNow();
    expect(sockets[0]!.closed).toBe(true);
    // Nothing of the dropped socket arrives any more.
    sockets[0]!.frame({ type: 'board.delta' });
    expect(received).toEqual([]);
    vi.advanceTimersByTime(RECONNECT.initialMs - 1);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    expect(last().url).toBe('ws://venue.test/ws/board?n=1');
    socket.close();
  });

  it('reconnectNow(0) drops an open socket and connects in the same turn (the judge tablet)', () => {
    const { socket, sockets, last } = setup();
    last().accept();
    socket.reconnectNow(0);
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    expect(last().url).toBe('ws://venue.test/ws/board?n=1');
    socket.close();
  });

  it('stops on a fatal close code, and close() ends everything', () => {
    const { socket, sockets, last, fatal, win } = setup({ fatalCodes: [CloseCode.authFailed] });
    last().accept();
    last().closeEvent(CloseCode.authFailed, 'bad token');
    expect(fatal).toEqual([CloseCode.authFailed]);
    vi.advanceTimersByTime(RECONNECT.maxMs);
    expect(sockets).toHaveLength(1);
    socket.close();
    win.dispatchEvent(new Event('online'));
    expect(sockets).toHaveLength(1);
  });
});
