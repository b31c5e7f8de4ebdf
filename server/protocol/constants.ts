/** Wire protocol version; see docs/protocol.md for the dated history. Zod-free so SPAs import it cheaply. */
export const PROTOCOL_VERSION = 1;

/**
 * A competition's or festival's slug, as it appears in URLs (`/api/competitions/:slug`), files
 * and the board's query: 2–64 lower-case letters, digits and hyphens, not starting with one.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;

/** Websocket close codes (4xxx, application range) with the reason sent beside them. */
export const CloseCode = {
  authFailed: 4001,
  protocolMismatch: 4002,
  notFound: 4004,
  tooManyErrors: 4008,
  serverShutdown: 4009,
  rateLimited: 4029,
} as const;

/** Reconnect backoff of every client socket, ms: first retry, growth factor, ceiling. */
export const RECONNECT = { initialMs: 500, factor: 2, maxMs: 10_000 } as const;
/**
 * The server's half of the heartbeat: every `sweepMs` it terminates each socket (judge, board
 * or not yet logged in) that has said nothing since the last sweep, neither a frame nor an
 * answer to the protocol ping, and pings the others. A tablet that walked out of Wi-Fi range
 * is gone within two sweeps. Browsers answer protocol pings by themselves, and their app pings
 * (below) count as frames. Tests shorten it (`buildApp({ heartbeatMs })`).
 */
export const SERVER_HEARTBEAT = { sweepMs: 15_000 } as const;

/** Clients ping this often; the server answers pong. No pong in `silenceMs` ⇒ reconnect. */
export const HEARTBEAT = { pingMs: 5_000, silenceMs: 15_000 } as const;
