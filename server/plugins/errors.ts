import { ERRORS, formatIssues, type ErrorCode, type Issue } from '#protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A refusal by the rules of the domain (no such competition, a code taken, a closed course):
 * thrown by routes and services, answered by the one error handler below as
 * `{error: code, message, ...detail}` with the code's status from the table (`protocol/errors.ts`)
 * unless `status` says otherwise. Exceptions that are not DomainErrors are bugs or storage.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: object | undefined;
  constructor(code: ErrorCode, message: string, o: { status?: number; detail?: object } = {}) {
    super(message);
    this.code = code;
    this.status = o.status ?? ERRORS[code].status;
    this.detail = o.detail;
  }
}

/** The one answer when a competition of the URL does not exist (or is not the caller's own). */
export const COMPETITION_NOT_FOUND = {
  error: 'competition/not_found',
  message: '没有这场比赛',
} as const satisfies InvalidAnswer;
export const competitionNotFound = () =>
  new DomainError(COMPETITION_NOT_FOUND.error, COMPETITION_NOT_FOUND.message);

/**
 * What a route answers when its schema refuses the request (`config.invalid`): a fixed
 * answer, or one made from the issues. Absent: `request/invalid` with `path: problem; …`.
 */
export type InvalidAnswer =
  | { error: ErrorCode; message: string; status?: number }
  | ((issues: Issue[], part: string) => { error: ErrorCode; message: string; status?: number });

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The answer to a request the route's schema refuses; see {@link InvalidAnswer}. */
    invalid?: InvalidAnswer;
  }
}

/** SQLite result codes of a write the storage refused, after which nothing was changed. */
const STORAGE_CODES = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL)/;

/** Whether an error is the database refusing a write (better-sqlite3's SqliteError code). */
export function isStorageError(err: { code?: unknown }): boolean {
  return typeof err.code === 'string' && STORAGE_CODES.test(err.code);
}

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
    app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof DomainError)
        return reply
          .code(err.status)
          .send({ error: err.code, message: err.message, ...err.detail });
      if (err.validation) {
        const invalid = req.routeOptions.config.invalid;
        const issues = issuesOf(err);
        const a =
          typeof invalid === 'function'
            ? invalid(issues, err.validationContext ?? 'body')
            : (invalid ?? { error: 'request/invalid', message: formatIssues(issues) });
        return reply.code(a.status ?? ERRORS[a.error].status).send({
          error: a.error,
          message: a.message,
        });
      }
      // The database refused to write (disk full, read-only, I/O error, busy): the transaction
      // rolled back, nothing changed, and trying again later can work. Say so, as marks do.
      if (isStorageError(err)) {
        req.log.warn(err);
        return reply.code(503).header('retry-after', '5').send({
          error: 'server/storage_unavailable',
          message: '服务器暂时无法保存（磁盘已满、只读或繁忙），本次操作未做任何更改，请稍后重试',
          retryable: true,
        });
      }
      const status = err.statusCode ?? 500;
      if (status >= 500) req.log.error(err);
      return reply.code(status).send({
        error: status >= 500 ? 'server/error' : 'request/invalid',
        message: status >= 500 ? '服务器内部错误' : err.message,
      });
    });
  },
  { name: 'errors' },
);
