import { StaleCompetitionError } from '../services/mark-writer.ts';
import {
  ERRORS,
  formatIssues,
  type BodyProblem,
  type ErrorCode,
  type ErrorParams,
  type Issue,
} from '#protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorText } from '../protocol/messages.ts';

/**
 * What a {@link DomainError} may add: another status than the code's, fields beside the error,
 * and the text when it was already worded (a refusal passed on from the mark writer).
 */
interface DomainOptions {
  status?: number;
  detail?: object;
  message?: string;
}

/** A code with exactly its own parameters (and options), as one argument list. */
type DomainArgs = {
  [C in ErrorCode]: [code: C, params: ErrorParams[C], o?: DomainOptions];
}[ErrorCode];

/**
 * A refusal by the rules of the domain (no such competition, a code taken, a closed course):
 * thrown by routes and services, answered by the one error handler below as
 * `{error: code, params, message, ...detail}` with the code's status from the table
 * (`protocol/errors.ts`) unless `status` says otherwise. `params` are what the code's text needs
 * (`ErrorParams`); `message` is that text in Chinese (`protocol/messages.ts`), for curl users and
 * logs. Exceptions that are not DomainErrors are bugs or storage.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams[ErrorCode];
  readonly status: number;
  readonly detail: object | undefined;
  constructor(...[code, params, o = {}]: DomainArgs) {
    super(o.message ?? errorText(code, params as never, 'zh'));
    this.code = code;
    this.params = params;
    this.status = o.status ?? ERRORS[code].status;
    this.detail = o.detail;
  }

  /** A rule's refusal (`{code, params}`, engine/refusal.ts) thrown as an answer. */
  static of(
    r: { [C in ErrorCode]: { code: C; params: ErrorParams[C] } }[ErrorCode],
    o: DomainOptions = {},
  ): DomainError {
    return new DomainError(...([r.code, r.params, o] as DomainArgs));
  }
}

/** An error answer's body: the code, its parameters and their Chinese text. */
export function errorBody(...[code, params]: DomainArgs) {
  return { error: code, params, message: errorText(code, params as never, 'zh') };
}

/** The one answer when a competition of the URL does not exist (or is not the caller's own). */
export const COMPETITION_NOT_FOUND = {
  error: 'competition/not_found',
  params: {},
} as const satisfies InvalidAnswer;
export const competitionNotFound = () => new DomainError('competition/not_found', {});

/** A refusal as data with the status to answer it with, when not the code's own. */
export type Answer = {
  [C in ErrorCode]: { error: C; params: ErrorParams[C]; status?: number };
}[ErrorCode];

/**
 * What a route answers when its schema refuses the request (`config.invalid`): a fixed
 * answer, or one made from the issues. Absent: `request/invalid` with `path: problem; …`.
 */
export type InvalidAnswer = Answer | ((issues: Issue[], part: string) => Answer);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The answer to a request the route's schema refuses; see {@link InvalidAnswer}. */
    invalid?: InvalidAnswer;
  }
}

/**
 * Codes of a write the storage refused, after which nothing was changed and trying again can
 * work: SQLite result codes (better-sqlite3's SqliteError); PostgreSQL SQLSTATEs of the
 * classes 08 (connection), 40 (transaction rolled back), 53 (insufficient resources) and 57
 * (operator intervention: a restart), and the socket errors of a server that is away.
 */
const STORAGE_CODES =
  /^(SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL)(_\w+)?|(08|40|53)\w{3}|57P\w{2}|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;

/**
 * Whether an error is the database refusing a write (its code, or its cause's: drizzle wraps a
 * failed query), a connection that PostgreSQL's restart cut, or a copy found out of date.
 */
export function isStorageError(err: {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}): boolean {
  if (err instanceof StaleCompetitionError) return true;
  if (typeof err.code === 'string' && STORAGE_CODES.test(err.code)) return true;
  if (typeof err.message === 'string' && /^Connection terminated/.test(err.message)) return true;
  return typeof err.cause === 'object' && err.cause !== null && isStorageError(err.cause);
}

/**
 * Whether an error is a UNIQUE constraint refusing a row (SQLite's SQLITE_CONSTRAINT_UNIQUE,
 * PostgreSQL's 23505), on the error or its cause: e.g. a slug another instance took just now.
 */
export function isUniqueViolation(err: { code?: unknown; cause?: unknown }): boolean {
  if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === '23505') return true;
  return typeof err.cause === 'object' && err.cause !== null && isUniqueViolation(err.cause);
}

/** Fastify's codes for a body it could not read, as `request/invalid`'s `body`. */
const BODY_PROBLEMS: Partial<Record<string, BodyProblem>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content_length',
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
};

/** A Fastify validation error's issues as zod-like issues (`/a/0/b` → `['a', '0', 'b']`). */
function issuesOf(err: FastifyError): Issue[] {
  return (err.validation ?? []).map((v) => ({
    path: v.instancePath.split('/').filter(Boolean),
    message: v.message ?? '',
  }));
}

/**
 * The one error handler: a {@link DomainError} as its code says; a request the route's schema
 * refused as the route's `config.invalid` says; the database refusing a write as 503 (nothing
 * changed, try again); any other 4xx with its message; a 5xx without detail (logged).
 */
export default fp(
  async (app) => {
    // An address with nothing at it answers in the same shape as every other refusal.
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send(
        errorBody('request/not_found', {
          route: `${req.method} ${req.url.split('?')[0]!}`.slice(0, 200),
        }),
      ),
    );
    app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof DomainError)
        return reply
          .code(err.status)
          .send({ error: err.code, params: err.params, message: err.message, ...err.detail });
      if (err.validation) {
        const invalid = req.routeOptions.config.invalid;
        const issues = issuesOf(err);
        const a: Answer =
          typeof invalid === 'function'
            ? invalid(issues, err.validationContext ?? 'body')
            : (invalid ?? { error: 'request/invalid', params: { issues: formatIssues(issues) } });
        return reply
          .code(a.status ?? ERRORS[a.error].status)
          .send(errorBody(...([a.error, a.params] as DomainArgs)));
      }
      // The database refused to write (disk full, read-only, I/O error, busy): the transaction
      // rolled back, nothing changed, and trying again later can work. Say so, as marks do.
      if (isStorageError(err)) {
        req.log.warn(err);
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ ...errorBody('server/storage_unavailable', {}), retryable: true });
      }
      // A body Fastify could not read: said in the page's words, not Fastify's English.
      const body = BODY_PROBLEMS[err.code];
      if (body)
        return reply.code(err.statusCode ?? 400).send(errorBody('request/invalid', { body }));
      const status = err.statusCode ?? 500;
      if (status >= 500) req.log.error(err);
      return reply
        .code(status)
        .send(
          status >= 500
            ? errorBody('server/error', {})
            : errorBody('request/invalid', { detail: err.message }),
        );
    });
  },
  { name: 'errors' },
);
