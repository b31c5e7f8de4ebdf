import { HEARTBEAT, RECONNECT } from '../server/protocol/constants.ts';

export type SocketState = 'connecting' | 'open' | 'closed';

export interface LiveSocketOptions<In> {
  /** Path on this host, e.g. `/ws/board?competition=x`; called on every (re)connect so it can carry a revision. */
  path: () => string;
  onOpen?: (send: (msg: unknown) => void) => void;
  onMessage: (msg: In) => void;
  onState?: (state: SocketState) => void;
  /** A close with one of these codes stops reconnecting (e.g. a refused login). */
  fatalCodes?: number[];
  onFatal?: (code: number, reason: string) => void;
}

/**
 * A websocket to this server that never gives up: reconnects with exponential backoff
 * (RECONNECT), pings every HEARTBEAT.pingMs and treats HEARTBEAT.silenceMs without any frame
 * as a dead link (venue Wi-Fi and captive portals drop sockets silently).
 */
export class LiveSocket<In> {
  #ws: WebSocket | null = null;
  #delay: number = RECONNECT.initialMs;
  #lastFrame = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  readonly #opts: LiveSocketOptions<In>;

  constructor(opts: LiveSocketOptions<In>) {
    this.#opts = opts;
    this.#connect();
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT.pingMs);
  }

  /** Sends a message when open; returns false when it could not be sent now. */
  send(msg: unknown): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(msg));
    return true;
  }

  get open(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Drops the current connection and connects again at once (e.g. after the network returns). */
  reconnectNow(): void {
    this.#delay = RECONNECT.initialMs;
    if (this.#ws) {
      this.#ws.close();
      return;
    }
    // Waiting out a backoff: try at once instead.
    if (this.#stopped) return;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#connect();
  }

  close(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    this.#ws?.close(1000, 'closed by page');
  }

  #connect(): void {
    if (this.#stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}${this.#opts.path()}`);
    this.#ws = ws;
    this.#opts.onState?.('connecting');
    ws.onopen = () => {
      this.#delay = RECONNECT.initialMs;
      this.#lastFrame = Date.now();
      this.#opts.onState?.('open');
      this.#opts.onOpen?.((m) => this.send(m));
    };
    ws.onmessage = (e) => {
      this.#lastFrame = Date.now();
      let msg: In;
      try {
        msg = JSON.parse(String(e.data)) as In;
      } catch {
        return;
      }
      if ((msg as { type?: string }).type === 'pong') return;
      this.#opts.onMessage(msg);
    };
    ws.onclose = (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#opts.onState?.('closed');
      if (this.#opts.fatalCodes?.includes(e.code)) {
        this.#stopped = true;
        this.#opts.onFatal?.(e.code, e.reason);
        return;
      }
      if (this.#stopped) return;
      this.#retry = setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * RECONNECT.factor, RECONNECT.maxMs);
    };
  }

  #heartbeat(): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.#lastFrame > HEARTBEAT.silenceMs) {
      ws.close();
      return;
    }
    ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
  }
}
