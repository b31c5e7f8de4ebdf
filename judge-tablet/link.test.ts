import type { JudgeServerMessage } from '#protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, HEARTBEAT, PROTOCOL_VERSION, RECONNECT } from '../server/protocol/constants.ts';
import { fakeEnv } from '../web/fake-socket.ts';
import type { SocketState } from '../web/live-socket.ts';
import { JudgeLink, TICK_MS } from './link.ts';

function setup() {
  const { env, sockets, last, win } = fakeEnv();
  const received: JudgeServerMessage[] = [];
  const states: SocketState[] = [];
  const fatal: number[] = [];
  let ticks = 0;
  const link = new JudgeLink({
    token: 'tok-123',
    onMessage: (m) => received.push(m),
    onState: (s) => states.push(s),
    onFatal: (code) => fatal.push(code),
    onTick: () => ticks++,
    env,
  });
  return { link, sockets, last, received, states, fatal, win, ticks: () => ticks };
}

const submit = {
  type: 'mark.submit' as const,
  clientId: 'c1',
  contestantId: 7,
  sheetId: 'floor',
  attempt: 1,
  values: { j: '8' },
};

describe('JudgeLink', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says hello with the protocol version and the token on every open, and hands frames on', () => {
    const { link, sockets, last, received } = setup();
    expect(last().url).toBe('ws://venue.test/ws/judge');
    expect(link.send(submit)).toBe(false);
    last().accept();
    expect(last().sent).toEqual([
      { type: 'judge.hello', protocol: PROTOCOL_VERSION, token: 'tok-123' },
    ]);
    last().frame({ type: 'judge.sessions', count: 2 });
    last().frame({ type: 'pong', t: 1 });
    expect(received).toEqual([{ type: 'judge.sessions', count: 2 }]);
    expect(link.send(submit)).toBe(true);
    expect(last().sent.at(-1)).toEqual(submit);
    // A dropped socket: the next one says hello again.
    last().closeEvent();
    vi.advanceTimersByTime(RECONNECT.initialMs);
    expect(sockets).toHaveLength(2);
    last().accept();
    expect(last().sent[0]).toMatchObject({ type: 'judge.hello', token: 'tok-123' });
    link.close();
  });

  it('renew drops the open socket and connects again at once, not after a backoff', () => {
    const { link, sockets, last, states, received } = setup();
    last().accept();
    link.renew();
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting']);
    // Nothing of the dropped socket arrives any more.
    sockets[0]!.frame({ type: 'judge.sessions', count: 1 });
    expect(received).toEqual([]);
    last().accept();
    expect(last().sent[0]).toMatchObject({ type: 'judge.hello' });
    link.close();
  });

  it('ticks the outbox every TICK_MS until closed', () => {
    const { link, ticks } = setup();
    vi.advanceTimersByTime(TICK_MS * 3);
    expect(ticks()).toBe(3);
    link.close();
    vi.advanceTimersByTime(TICK_MS * 3);
    expect(ticks()).toBe(3);
  });

  it('drops a silent socket at the heartbeat and the browser’s offline at once', () => {
    const { link, sockets, last, states, win } = setup();
    last().accept();
    vi.advanceTimersByTime(HEARTBEAT.silenceMs + HEARTBEAT.pingMs);
    expect(sockets).toHaveLength(2);
    last().accept();
    win.dispatchEvent(new Event('offline'));
    expect(sockets).toHaveLength(3);
    expect(states.filter((s) => s === 'closed')).toHaveLength(2);
    link.close();
  });

  it('stops on a refused login or protocol and reports it; close ends everything', () => {
    for (const code of [CloseCode.authFailed, CloseCode.protocolMismatch]) {
      const { link, sockets, last, fatal, win } = setup();
      last().accept();
      last().closeEvent(code, 'refused');
      expect(fatal).toEqual([code]);
      vi.advanceTimersByTime(RECONNECT.maxMs);
      win.dispatchEvent(new Event('online'));
      expect(sockets).toHaveLength(1);
      link.close();
    }
  });
});
