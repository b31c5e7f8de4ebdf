import type { JudgeServerMessage, MarkSubmit } from '#protocol';
import { CloseCode, PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import { LiveSocket, type SocketEnv, type SocketState } from '../web/live-socket.ts';

/** How often the outbox is asked to resend what stays unanswered (ms). */
export const TICK_MS = 2_000;

export interface JudgeLinkOptions {
  /** The judge's login (full token, session token or typed short code), said in the hello. */
  token: string;
  /** Every frame of the server but pongs, parsed JSON (trusted: the server's own). */
  onMessage(msg: JudgeServerMessage): void;
  /** The socket's state; anything but `open` means the welcome no longer holds. */
  onState(state: SocketState): void;
  /** The server refused the login (CloseCode.authFailed) or this page's protocol (protocolMismatch): the link has stopped. */
  onFatal(code: number): void;
  /** Every {@link TICK_MS}: the outbox's chance to resend (RESEND_AFTER_MS). */
  onTick(): void;
  /** The page's WebSocket and events; the browser's by default (tests give fakes). */
  env?: SocketEnv;
}

/**
 * The judge tablet's link to `/ws/judge`: one {@link LiveSocket} (which owns heartbeats,
 * backoff, `online`/`offline` and page visibility) that says `judge.hello` with the protocol
 * version and the token on every open, stops on a refused login or protocol, and ticks the
 * outbox. It holds no marks: the session (session.svelte.ts) feeds what arrives to the outbox
 * reducer (outbox.ts) and sends what that returns.
 */
export class JudgeLink {
  readonly #socket: LiveSocket<JudgeServerMessage>;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(opts: JudgeLinkOptions) {
    const { token } = opts;
    this.#socket = new LiveSocket<JudgeServerMessage>({
      path: () => '/ws/judge',
      onOpen: (send) => send({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token }),
      onMessage: opts.onMessage,
      onState: opts.onState,
      fatalCodes: [CloseCode.authFailed, CloseCode.protocolMismatch],
      onFatal: opts.onFatal,
      env: opts.env,
    });
    this.#timer = setInterval(opts.onTick, TICK_MS);
  }

  /** Sends a mark on the open socket; false when none is open (it stays in the outbox). */
  send(msg: MarkSubmit): boolean {
    return this.#socket.send(msg);
  }

  /**
   * Drops the socket and connects again at once, for a fresh welcome (a refusal said who
   * records a panel changed). The outbox takes that welcome the same whether or not the
   * refusal's effects have settled, so nothing waits.
   */
  renew(): void {
    this.#socket.reconnectNow(0);
  }

  /** Stops for good (sign-out, another login). */
  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }
}
