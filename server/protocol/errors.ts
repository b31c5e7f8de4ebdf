/**
 * Every error code the server sends, over HTTP (`{error, message}`) and on the sockets
 * (`mark.reject`, `error` frames), with its HTTP status and whether sending the same request
 * again later can succeed. One closed table: a code not in it does not type-check, and the
 * tablet decides what stays in its outbox from `retryable` here, not from a list of its own.
 * Zod-free, so the SPAs import it cheaply.
 *
 * `status` is what an HTTP answer with the code carries; the socket codes that never travel
 * over HTTP carry the status they would. A head judge's void or re-run over HTTP answers any
 * write refusal with 409, whatever the code's own status (docs/protocol.md).
 */
/**
 * The refusals that may succeed when the same request is sent again unchanged: a judge
 * tablet keeps such a mark in its outbox. Apart from the rest of the table so a page that asks
 * only {@link isRetryable} bundles only these few codes.
 */
const RETRYABLE = {
  'auth/rate_limited': { status: 429, retryable: true },
  /** Also a mark sent before the socket's login was answered: sent again once logged in. */
  'auth/required': { status: 401, retryable: true },
  'auth/throttled': { status: 429, retryable: true },
  /** The writer refused every line the check accepted (storage): nothing was written. */
  'import/not_written': { status: 503, retryable: true },
  'rate/limited': { status: 429, retryable: true },
  /** A mark batch's transaction failed (storage): nothing was stored; the tablet resends. */
  'server/commit_failed': { status: 503, retryable: true },
  'server/storage_unavailable': { status: 503, retryable: true },
} as const satisfies Record<string, { status: number; retryable: true }>;

/** The refusals that say the request itself is wrong (or not allowed): sending it again fails. */
const FINAL = {
  'advance/not_ready': { status: 409, retryable: false },
  'auth/bad_password': { status: 401, retryable: false },
  'auth/forbidden': { status: 403, retryable: false },
  'auth/no_organiser': { status: 409, retryable: false },
  'auth/unknown_code': { status: 401, retryable: false },
  'auth/unknown_token': { status: 401, retryable: false },
  'board/read_only': { status: 403, retryable: false },
  'competition/invalid': { status: 400, retryable: false },
  'competition/not_found': { status: 404, retryable: false },
  'competition/slug_taken': { status: 409, retryable: false },
  'contestant/not_found': { status: 404, retryable: false },
  'course/all_revealed': { status: 409, retryable: false },
  'course/already_locked': { status: 409, retryable: false },
  'course/final': { status: 409, retryable: false },
  'course/flagged_lines': { status: 409, retryable: false },
  'course/not_frozen': { status: 409, retryable: false },
  'course/not_live': { status: 409, retryable: false },
  'course/not_locked': { status: 409, retryable: false },
  'course/open_lines': { status: 409, retryable: false },
  'course/stations_unlocked': { status: 409, retryable: false },
  'course/unknown_station': { status: 404, retryable: false },
  'draw/marks_exist': { status: 409, retryable: false },
  'festival/invalid': { status: 400, retryable: false },
  'festival/not_found': { status: 404, retryable: false },
  'festival/slug_taken': { status: 409, retryable: false },
  'https/off': { status: 404, retryable: false },
  'import/advanced_field': { status: 409, retryable: false },
  'import/bad_criterion': { status: 400, retryable: false },
  'import/bad_type': { status: 415, retryable: false },
  'import/conflict': { status: 409, retryable: false },
  'import/marks_exist': { status: 409, retryable: false },
  'import/partly_written': { status: 500, retryable: false },
  'import/too_large': { status: 413, retryable: false },
  'import/unreadable': { status: 400, retryable: false },
  'mark/bad_frame': { status: 400, retryable: false },
  'mark/bad_value': { status: 422, retryable: false },
  'mark/client_id_reused': { status: 409, retryable: false },
  'mark/competition_closed': { status: 409, retryable: false },
  'mark/contestant_inactive': { status: 409, retryable: false },
  'mark/empty': { status: 422, retryable: false },
  'mark/missing_value': { status: 422, retryable: false },
  'mark/no_attempts': { status: 409, retryable: false },
  'mark/no_recorder': { status: 409, retryable: false },
  'mark/no_such_attempt': { status: 422, retryable: false },
  'mark/not_a_number': { status: 422, retryable: false },
  'mark/not_assigned': { status: 403, retryable: false },
  'mark/not_current': { status: 409, retryable: false },
  'mark/not_recorder': { status: 403, retryable: false },
  'mark/off_scale': { status: 422, retryable: false },
  'mark/off_step': { status: 422, retryable: false },
  'mark/reason_required': { status: 422, retryable: false },
  'mark/stale': { status: 409, retryable: false },
  'mark/station_locked': { status: 409, retryable: false },
  'mark/too_large': { status: 422, retryable: false },
  'mark/too_precise': { status: 422, retryable: false },
  'mark/unknown_contestant': { status: 404, retryable: false },
  'mark/unknown_criterion': { status: 422, retryable: false },
  'mark/unknown_mark': { status: 404, retryable: false },
  'mark/unknown_sheet': { status: 404, retryable: false },
  'official/code_taken': { status: 409, retryable: false },
  'official/not_found': { status: 404, retryable: false },
  'official/recorder': { status: 400, retryable: false },
  'official/self': { status: 409, retryable: false },
  'official/unknown_sheet': { status: 400, retryable: false },
  'origin/forbidden': { status: 403, retryable: false },
  'protocol/bad_frame': { status: 400, retryable: false },
  'request/invalid': { status: 400, retryable: false },
  'rescore/not_found': { status: 404, retryable: false },
  'server/error': { status: 500, retryable: false },
  'teams/none': { status: 404, retryable: false },
} as const satisfies Record<string, { status: number; retryable: false }>;

// A pure call, so a bundle that uses only isRetryable drops FINAL and the whole table.
export const ERRORS: typeof RETRYABLE & typeof FINAL = /* @__PURE__ */ Object.assign(
  {},
  RETRYABLE,
  FINAL,
);

export type ErrorCode = keyof typeof ERRORS;

/** The codes a `mark.reject` carries: the writer's and the engine's rules, login, storage. */
export type RejectCode =
  | Extract<ErrorCode, `mark/${string}`>
  | 'auth/forbidden'
  | 'auth/required'
  | 'rate/limited'
  | 'server/commit_failed';

/** Whether a refusal with this code may succeed when sent again unchanged (unknown: no). */
export function isRetryable(code: string): boolean {
  return Object.hasOwn(RETRYABLE, code);
}

/** Every HTTP error answer: a code of {@link ERRORS} and a message for people (Chinese). */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
}

/** What {@link formatIssues} reads of a zod issue (or of a Fastify validation error). */
export interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Zod issues as one line (or block) for a person: `path: message` each, the path dotted and
 * `root` when the issue is about the whole value. Every answer that lists a schema's issues
 * formats them here; the options keep each answer's own wording.
 * @param o.root what an empty path is called (default `body`)
 * @param o.separator between the path and the message (default `: `)
 * @param o.join between issues (default `; `)
 * @param o.limit at most this many issues (default all)
 * @param o.indent before each issue (default none)
 */
export function formatIssues(
  issues: readonly Issue[],
  o: { root?: string; separator?: string; join?: string; limit?: number; indent?: string } = {},
): string {
  const { root = 'body', separator = ': ', join = '; ', limit, indent = '' } = o;
  return issues
    .slice(0, limit)
    .map((i) => `${indent}${i.path.map(String).join('.') || root}${separator}${i.message}`)
    .join(join);
}
