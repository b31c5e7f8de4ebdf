import type { SocketEnv, WebSocketLike } from './live-socket.ts';

/**
 * A socket a test drives (web/live-socket.test.ts, judge-tablet/link.test.ts): it opens,
 * receives and closes when the test says; `sent` holds the parsed frames the page sent.
 */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: { type?: string; [key: string]: unknown }[] = [];
  closed = false;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as FakeSocket['sent'][number]);
  }
  close(): void {
    // A lost network: the close handshake never completes, so no onclose comes now.
    this.closed = true;
    this.readyState = 2;
  }
  /** The server accepted the connection. */
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** A frame from the server (JSON). */
  frame(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  /** The close event arrives (late, for a dropped network). */
  closeEvent(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/**
 * A page for {@link LiveSocket} in node: every socket it opens (newest last), and the window
 * and document whose `online`/`offline`/`visibilitychange` the test dispatches.
 */
export function fakeEnv() {
  const sockets: FakeSocket[] = [];
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { hidden: false });
  const env: SocketEnv = {
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    origin: 'ws://venue.test',
    window: win,
    document: doc,
  };
  return { env, sockets, last: () => sockets[sockets.length - 1]!, win, doc };
}
