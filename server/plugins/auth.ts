import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  findOfficialByShortCode,
  findOfficialByToken,
  hashToken,
} from '../../db/repositories/competitions.ts';
import { officialBySession } from '../../db/repositories/sessions.ts';
import { loginFailurePayload } from '../../db/pg/revision-channel.ts';
import type { Store } from '../../db/store.ts';
import type { Custody } from '../services/custody.ts';
import { LoginGuard } from '../services/flood-guard.ts';
import { identityOf, type JudgeIdentity } from '../services/mark-writer.ts';
import { errorBody } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    official: JudgeIdentity | null;
  }
  interface FastifyInstance {
    /** onRequest hook: the request must carry `Authorization: Bearer TOKEN` of an official with one of `roles`. */
    requireOfficial(
      roles: JudgeIdentity['role'][],
    ): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /**
     * The one failed-login budget per address of the whole server: the judge socket's hello,
     * the password login and the short-code login all count against it.
     */
    loginGuard: LoginGuard;
  }
}

/**
 * Who a full login token or a session token belongs to (both looked up by their SHA-256), or
 * null. A short code is neither: it is exchanged for a session at `POST /api/session`.
 */
export async function identify(
  app: { store: Store },
  token: string,
): Promise<JudgeIdentity | null> {
  return identityOf(
    (await findOfficialByToken(app.store, token)) ??
      (await officialBySession(app.store, hashToken(token), new Date().toISOString())),
  );
}

/**
 * Who a short code typed by hand belongs to (7KQ2M-XD4PA, any case, look-alikes mapped), or
 * null: for `POST /api/session {code}` and the judge tablet's hello. Callers count failures
 * in {@link LoginGuard}.
 */
export async function identifyShortCode(
  app: { store: Store; custody: Custody },
  typed: string,
): Promise<JudgeIdentity | null> {
  return identityOf(await findOfficialByShortCode(app.store, app.custody, typed));
}

/** What a request's `Authorization: Bearer …` says, checked against the failed-auth budget. */
export type BearerCheck =
  | { status: 'none' }
  | { status: 'wait'; waitMs: number }
  | { status: 'refused' }
  | { status: 'ok'; who: JudgeIdentity };

/**
 * Checks a presented Bearer credential (a login token or a session token) against the one
 * failed-auth budget of the server ({@link LoginGuard}): a wrong one counts as a failure of
 * the address; past the budget only one credential per address is checked every few seconds
 * (`wait` for the others, unchecked). No header: `none` (a public request).
 */
export async function checkBearer(
  app: { store: Store; loginGuard: LoginGuard },
  header: string | undefined,
  address: string,
  now = Date.now(),
): Promise<BearerCheck> {
  if (!header) return { status: 'none' };
  const m = /^Bearer ([0-9a-f]{32,128})$/.exec(header);
  return app.loginGuard.check(address, async () => (m ? await identify(app, m[1]!) : null), {
    throttled: true,
    now: () => now,
  });
}

/** Sends the answer to a credential that was refused or not checked (throttled). */
export function refuseBearer(
  reply: FastifyReply,
  c: BearerCheck & { status: 'wait' | 'refused' | 'none' },
) {
  if (c.status === 'wait')
    return reply
      .code(429)
      .header('retry-after', String(Math.ceil(c.waitMs / 1000)))
      .send(errorBody('auth/throttled', {}));
  // No credential at all: "log in first", not "your login code is invalid".
  return reply
    .code(401)
    .send(errorBody('auth/required', c.status === 'none' ? {} : { why: 'login_invalid' }));
}

/**
 * Bearer-token authentication of officials, run at `onRequest`: identity is checked before a
 * byte of the body is read, so an anonymous upload costs nothing.
 */
export default fp(
  async (app) => {
    app.decorateRequest('official', null);
    // With several instances every failure is told to the others (plugins/live.ts counts
    // theirs), so a guesser spreading tries over them still has one budget.
    const store = app.store;
    app.decorate(
      'loginGuard',
      new LoginGuard((address, at) => {
        if (store.engine === 'postgres')
          store
            .notify(loginFailurePayload({ origin: store.instance, address, at }))
            .catch(() => {});
      }),
    );
    // Every request that presents a credential has it checked here, before its body is read,
    // against the one failed-auth budget: staff routes, and the public ones that show staff
    // more (standings, exports, festivals). A wrong or throttled credential is an error, never
    // a silent fall-back to the public view.
    app.addHook('onRequest', async (req, reply) => {
      const c = await checkBearer(app, req.headers.authorization, req.ip);
      if (c.status === 'ok') req.official = c.who;
      else if (c.status !== 'none') return refuseBearer(reply, c);
    });
    app.decorate(
      'requireOfficial',
      (roles: JudgeIdentity['role'][]) => async (req: FastifyRequest, reply: FastifyReply) => {
        const who = req.official;
        if (!who) return void (await refuseBearer(reply, { status: 'none' }));
        if (!roles.includes(who.role))
          return void (await reply.code(403).send(errorBody('auth/forbidden', {})));
        req.official = who;
      },
    );
  },
  { name: 'auth', dependencies: ['db'] },
);
