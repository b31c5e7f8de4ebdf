import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { WebSocket } from 'ws';
import { join } from 'node:path';
import backupApi from './routes/api/backup.ts';
import competitionsApi from './routes/api/competitions/index.ts';
import competitionApi from './routes/api/competitions/_slug/index.ts';
import festivalsApi from './routes/api/festivals.ts';
import serverInfoApi from './routes/api/server-info.ts';
import sessionApi from './routes/api/session.ts';
import authPlugin from './plugins/auth.ts';
import boardWs from './routes/ws/board.ts';
import judgeWs from './routes/ws/judge.ts';
import dbPlugin, { openStore } from './plugins/db.ts';
import livePlugin from './plugins/live.ts';
import staticPlugin from './plugins/static.ts';
import httpsPlugin from './plugins/https.ts';
import venueSetup from './routes/venue-setup.ts';
import type { FramePacing } from './services/frame-pacer.ts';
import type { VenueTls } from './services/venue-ca.ts';
import { seedIfEmpty } from './plugins/seed.ts';
import { openCustody, reconcileSecret, type Custody } from './services/custody.ts';
import { StorageHealth } from './services/storage-health.ts';
import { z } from 'zod';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import errorsPlugin, { DomainError } from './plugins/errors.ts';

export interface AppOptions {
  /** Folder of the SQLite file (`jiangxing.db`) and of the server secret. */
  dataDir: string;
  /**
   * `postgres://…`: run on PostgreSQL (several instances may share it; issue 14) instead of
   * the SQLite file in `dataDir`.
   */
  databaseUrl?: string;
  /** Load a competition file when the database is empty (default true). */
  seed?: boolean;
  /** The competition file to load (default: the 2024 Gaoxin rider contest). */
  fixture?: string;
  /** Folder of the built SPAs (default dist/). */
  distDir?: string;
  logger?: FastifyServerOptions['logger'];
  /** Server heartbeat sweep, ms (default SERVER_HEARTBEAT.sweepMs); tests shorten it. */
  heartbeatMs?: number;
  /** Limits of the board frames' pacing (default FRAME_PACING); tests hold frames longer. */
  framePacing?: FramePacing;
  /** Board sockets one address may hold (default BOARD_SOCKETS_PER_ADDRESS). */
  boardSocketsPerAddress?: number;
  /** Count loopback clients against that cap too (tests; by default the laptop itself is exempt). */
  countLoopback?: boolean;
  /**
   * Origins pages are served from besides this machine's own addresses, e.g. the address of a
   * load balancer (`PUBLIC_URL`): websocket upgrades from them are accepted.
   */
  publicUrls?: string[];
  /**
   * Load balancers whose X-Forwarded-For is believed (`TRUST_PROXY`): `req.ip` is then the
   * client's address behind them. Empty: the socket's peer, as on a venue LAN.
   */
  trustProxy?: string[];
  /**
   * PostgreSQL: make this instance's server secret the database's in place of the one named
   * (REPLACE_SERVER_SECRET; services/custody.ts `reconcileSecret`), when every copy is lost.
   */
  replaceServerSecret?: string;
  /**
   * The venue's server certificate (services/venue-ca.ts): the same app is then also served over
   * HTTPS by `app.https` (plugins/https.ts), which main.ts listens on HTTPS_PORT. Absent or
   * null: HTTP only (`HTTPS=off`).
   */
  tls?: VenueTls | null;
}

/**
 * An error on an open socket ends it. A peer that broke the protocol (an oversized or malformed
 * frame: ws closes it with 1009 or 1002 and says `WS_ERR_…`) or went away mid-frame is the
 * peer's doing, and anyone may open a board socket: logged at debug, so a spectator's phone
 * cannot fill the organiser's terminal with stack traces. Anything else is ours: an error.
 */
export function socketError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: WebSocket,
  request: FastifyRequest,
): void {
  const theirs = /^(WS_ERR_|ECONNRESET$|EPIPE$)/.test(error.code ?? '');
  if (theirs) request.log.debug({ code: error.code }, 'socket closed: %s', error.message);
  else request.log.error(error);
  socket.terminate();
}

/** Largest websocket frame or HTTP body accepted, in bytes: a mark is well under 4 KiB. */
export const MAX_FRAME_BYTES = 64 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    /** Seals and opens officials' tokens under the server secret (services/custody.ts). */
    custody: Custody;
    /** Whether this start loaded the competition file (the database held no competition). */
    seeded: boolean;
    /** Whether this start replaced the shared database's server secret (REPLACE_SERVER_SECRET). */
    secretReplaced: boolean;
  }
}

/** Path of the database inside a data folder. */
export const dbFile = (dataDir: string) => join(dataDir, 'jiangxing.db');

// zod's own messages (a wrong type, a missing field) in Chinese like every other message the
// API sends; the schemas' own messages are written in Chinese.
z.config(z.locales.zhCN());

/**
 * Builds the whole server without listening: plugins, routes, pages. Tests call this with a
 * temporary data folder; only main.ts listens.
 */
export async function buildApp(opts: AppOptions) {
  // The secret that seals officials' tokens, beside the database and never inside it.
  const { custody, file: secretFile } = openCustody(opts.dataDir);
  const store = await openStore({ file: dbFile(opts.dataDir), databaseUrl: opts.databaseUrl });
  let seeded = false;
  let secretReplaced = false;
  try {
    // Several instances share a PostgreSQL database: they must share its secret too, checked
    // before anything is loaded, so that a refused instance writes nothing. A SQLite file
    // moved without its secret still starts: the banner says which cards cannot print.
    ({ replaced: secretReplaced } = await reconcileSecret(store, custody, secretFile, {
      shared: opts.databaseUrl !== undefined,
      replace: opts.replaceServerSecret,
    }));
    if (opts.seed ?? true) seeded = await seedIfEmpty(store, custody, opts.fixture);
  } catch (error) {
    await store.close();
    throw error;
  }
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: MAX_FRAME_BYTES,
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
  }).withTypeProvider<ZodTypeProvider>();
  // Routes declare zod schemas from protocol/: requests are parsed by them before the handler,
  // answers encoded by them (unknown keys dropped) before they are sent.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin);
  app.decorate('custody', custody);
  app.decorate('seeded', seeded);
  app.decorate('secretReplaced', secretReplaced);
  await app.register(helmet, {
    // Never HSTS, on HTTPS either: it binds the whole host, every port, so browsers would
    // then refuse the board, phones and set-up page on plain HTTP.
    hsts: false,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
      },
    },
  });
  // Opt-in per route (writes and logins); standings reads from 2,000 phones are not limited.
  app.decorate('publicOrigins', new Set((opts.publicUrls ?? []).map((u) => new URL(u).origin)));
  // A route's limit reached: the one refusal code for it, in the page's words (plugins/errors.ts).
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new DomainError('rate/limited', {}),
  });
  await app.register(dbPlugin, { store });
  await app.register(livePlugin, {
    heartbeatMs: opts.heartbeatMs,
    framePacing: opts.framePacing,
    databaseUrl: opts.databaseUrl,
  });
  await app.register(authPlugin);
  await app.register(websocket, {
    options: { maxPayload: MAX_FRAME_BYTES },
    errorHandler: socketError,
  });
  await app.register(httpsPlugin, { tls: opts.tls });
  // Up only when the database answers too: with PostgreSQL away, pages and standings are still
  // served from memory, but every write is refused, and a monitor or balancer must know.
  const storageHealth = new StorageHealth(() => store.ping());
  app.get('/healthz', async (_req, reply) => {
    const ok = await storageHealth.available();
    return reply
      .code(ok ? 200 : 503)
      .send({ ok, storage: ok ? 'ok' : 'unavailable', sockets: app.live.counts() });
  });
  // routes/ mirrors the URLs: routes/api/competitions/_slug/ is `/api/competitions/:slug/…`.
  await app.register(serverInfoApi);
  await app.register(sessionApi);
  await app.register(backupApi);
  await app.register(festivalsApi);
  await app.register(competitionsApi, { prefix: '/api/competitions' });
  await app.register(competitionApi, { prefix: '/api/competitions/:slug' });
  await app.register(boardWs, {
    boardSocketsPerAddress: opts.boardSocketsPerAddress,
    countLoopback: opts.countLoopback,
  });
  await app.register(judgeWs);
  await app.register(venueSetup);
  await app.register(staticPlugin, { root: opts.distDir });
  return app;
}
