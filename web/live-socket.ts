import { HEARTBEAT, RECONNECT } from '../server/protocol/constants.ts';

export type SocketState = 'connecting' | 'open' | 'closed';

/** What the class needs of a browser WebSocket (tests give a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((e: unknown) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: ((e: { code: number; reason: string }) => void) | null;
  onerror: ((e: unknown) => void) | null;
}

/** `readyState` values (WebSocket.CONNECTING, WebSocket.OPEN), spelled out: Node 20 has no global WebSocket. */
const CONNECTING = 0;
const OPEN = 1;

/** The page around the socket; the browser's own by default, fakes in tests. */
export interface SocketEnv {
  /** Opens a socket to a URL. */
  connect(url: string): WebSocketLike;
  /** `ws://host` or `wss://host` of this page. */
  origin: string;
  /** Where `online` and `offline` fire (window). */
  window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Where `visibilitychange` fires, and whether the page is hidden (document). */
  document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { hidden: boolean };
}

function browserEnv(): SocketEnv {
  return {
    connect: (url) => new WebSocket(url) as unknown as WebSocketLike,
    origin: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`,
    window,
    document,
  };
}

export interface LiveSocketOptions<In> {
  /** Path on this host, e.g. `/ws/board?competition=x`; called on every (re)connect so it can carry a revision. */
  path: () => string;
  onOpen?: (send: (msg: unknown) => void) => void;
  onMessage: (msg: In) => void;
  onState?: (state: SocketState) => void;
  /** A close with one of these codes stops reconnecting (e.g. a refused login). */
  fatalCodes?: number[];
  onFatal?: (code: number, reason: string) => void;
  /** The page's WebSocket, events and clock; the browser's by default. */
  env?: SocketEnv;
}

/**
 * The one client socket of every page (scoreboard, console, judge tablet): a websocket to this
 * server that never gives up. It reconnects with exponential backoff (RECONNECT), pings every
 * HEARTBEAT.pingMs and treats HEARTBEAT.silenceMs without any frame as a dead link (venue
 * Wi-Fi and captive portals drop sockets silently).
 *
 * A dead socket is dropped at once: on a missed heartbeat, a connect that hangs, the browser's
 * `offline`, or a page shown again after its socket went silent, the socket's handlers are
 * detached, it is closed and a new one opens immediately — nothing waits for the dead one's
 * `onclose`, which a lost network delivers late or never, and no frame of it arrives after.
 * `online` connects at once instead of waiting out the backoff. The class owns those listeners;
 * pages only {@link close} it.
 */
export class LiveSocket<In> {
  #ws: WebSocketLike | null = null;
  #delay: number = RECONNECT.initialMs;
  /** Date.now() of the last frame, or of the connect while connecting. */
  #lastFrame = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  readonly #opts: LiveSocketOptions<In>;
  readonly #env: SocketEnv;
  readonly #onOnline = () => this.reconnectNow();
  readonly #onOffline = () => this.#drop();
  /** Shown again: a socket that went silent meanwhile is dropped; one waiting out a backoff connects now. */
  readonly #onVisibility = () => {
    if (this.#env.document.hidden) return;
    if (this.#ws) this.#heartbeat();
    else this.reconnectNow();
  };

  constructor(opts: LiveSocketOptions<In>) {
    this.#opts = opts;
    this.#env = opts.env ?? browserEnv();
    this.#env.window.addEventListener('online', this.#onOnline);
    this.#env.window.addEventListener('offline', this.#onOffline);
    this.#env.document.addEventListener('visibilitychange', this.#onVisibility);
    this.#connect();
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT.pingMs);
  }

  /** Sends a message when open; returns false when it could not be sent now. */
  send(msg: unknown): boolean {
    if (this.#ws?.readyState !== OPEN) return false;
    this.#ws.send(JSON.stringify(msg));
    return true;
  }

  get open(): boolean {
    return this.#ws?.readyState === OPEN;
  }

  /**
   * Starts a fresh connection from the shortest backoff. An open socket (a board that found a
   * gap) is dropped now and the next one opens after `delayMs` — RECONNECT.initialMs by
   * default, as a close would have it; the judge tablet, whose outbox takes a welcome the same
   * at any moment, passes 0. With no socket (waiting out a backoff) it connects at once; a
   * connect already under way is kept (it is as fresh).
   */
  reconnectNow(delayMs: number = RECONNECT.initialMs): void {
    if (this.#stopped) return;
    this.#delay = RECONNECT.initialMs;
    if (this.#ws?.readyState === CONNECTING) return;
    this.#drop(this.#ws ? delayMs : 0);
  }

  close(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    this.#env.window.removeEventListener('online', this.#onOnline);
    this.#env.window.removeEventListener('offline', this.#onOffline);
    this.#env.document.removeEventListener('visibilitychange', this.#onVisibility);
    const ws = this.#detach();
    ws?.close(1000, 'closed by page');
  }

  /** Takes the current socket out of service: no handler of it runs again. */
  #detach(): WebSocketLike | null {
    const ws = this.#ws;
    this.#ws = null;
    if (ws) ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    return ws;
  }

  /**
   * Drops the current socket (if any) without waiting for its close, and connects after
   * `delayMs` (at once by default: a dead socket is replaced without delay).
   */
  #drop(delayMs = 0): void {
    if (this.#stopped) return;
    const ws = this.#detach();
    if (ws) {
      try {
        ws.close();
      } catch {
        // Closing a socket that never opened can throw in some browsers; it is gone either way.
      }
      this.#opts.onState?.('closed');
    }
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    if (delayMs > 0) this.#retry = setTimeout(() => this.#connect(), delayMs);
    else this.#connect();
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#retry = null;
    const ws = this.#env.connect(`${this.#env.origin}${this.#opts.path()}`);
    this.#ws = ws;
    this.#lastFrame = Date.now();
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
      this.#detach();
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

  /**
   * Every HEARTBEAT.pingMs, and when the page is shown again: a socket silent (or connecting)
   * for longer than HEARTBEAT.silenceMs is dead and dropped at once; an open one is pinged. A
   * hidden tab's timers are throttled, so the check reads the wall clock, not a count of ticks.
   */
  #heartbeat(): void {
    const ws = this.#ws;
    if (!ws) return;
    if (Date.now() - this.#lastFrame > HEARTBEAT.silenceMs) {
      this.#drop();
      return;
    }
    if (ws.readyState === OPEN) ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
  }
}
