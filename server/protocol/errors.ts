/**
 * Every error code the server sends, over HTTP (`{error, params, message}`) and on the sockets
 * (`mark.reject`, `error` frames: `{code, params, message}`), with its HTTP status, whether
 * sending the same request again later can succeed, and the parameters its text needs
 * ({@link ErrorParams}; `messages.ts` words each code in Chinese and English). One closed table: a code not in it does not type-check, and the
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
  /** An address the server has no page or endpoint at. */
  'request/not_found': { status: 404, retryable: false },
  'rescore/not_found': { status: 404, retryable: false },
  'server/error': { status: 500, retryable: false },
  /** A file backup of a server that runs on PostgreSQL: pg_dump is its backup. */
  'server/backup_elsewhere': { status: 409, retryable: false },
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

/** A name from the marking scheme (a station, a sheet, a criterion), in both languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** Why a request lacks what it needs (`request/invalid` without issues): one fixed sentence each. */
export type MissingPart =
  | 'login'
  | 'switch_target'
  | 'void_reason'
  | 'rerun_fields'
  | 'rescore_fields'
  | 'seed'
  | 'award_or_bib';

/** A request body the server could not read (Fastify's content-type parsing refused it). */
export type BodyProblem = 'json' | 'empty_json' | 'media_type' | 'content_length' | 'too_large';

/**
 * The parameters each code's text needs (`server/protocol/messages.ts` puts them into words,
 * in Chinese and English). JSON only: they travel as `params` beside `error` (HTTP) or `code`
 * (socket frames), so a page words a refusal in its own language. Names from the marking scheme
 * travel as {@link Bilingual} pairs; `detail` and `issues` are text the server cannot translate
 * (a schema's issues, a parser's complaint) and are shown as they are. Every code of
 * {@link ERRORS} has an entry (checked below).
 */
export interface ErrorParams {
  'auth/rate_limited': Record<string, never>;
  /** `why`: the credential was refused; staff only (the printed sheet, the audit log). */
  'auth/required': { why?: 'login_invalid' | 'sheet' | 'audit' };
  'auth/throttled': Record<string, never>;
  'import/not_written': Record<string, never>;
  'rate/limited': Record<string, never>;
  /** `detail`: the storage's own complaint. */
  'server/commit_failed': { detail: string };
  'server/storage_unavailable': Record<string, never>;
  'server/backup_elsewhere': Record<string, never>;
  /** Why the next round cannot be filled yet; `round` is the next round's name. */
  'advance/not_ready': {
    why: 'no_rule' | 'no_next' | 'advanced' | 'next_has_field' | 'not_final';
    round?: Bilingual;
  };
  'auth/bad_password': Record<string, never>;
  /** `why`: not this competition's staff; head judge only (void, re-run); staff only (audit log). */
  'auth/forbidden': { why?: 'not_staff' | 'head_judge_void' | 'head_judge_rerun' | 'audit' };
  /** `other`: the competition switched to, not the one logged in to. */
  'auth/no_organiser': { other?: boolean };
  'auth/unknown_code': Record<string, never>;
  'auth/unknown_token': Record<string, never>;
  'board/read_only': Record<string, never>;
  /** `issues`: what is wrong with the competition file; none: the slug in the URL. */
  'competition/invalid': { issues?: string };
  /** `inFestival`: the slug names no competition of the festival logged in to. */
  'competition/not_found': { inFestival?: boolean };
  'competition/slug_taken': { slug: string };
  'contestant/not_found': { bib: string };
  'course/all_revealed': Record<string, never>;
  'course/already_locked': { station: Bilingual };
  'course/final': Record<string, never>;
  /** `bibs`: the first few contestants with a disagreement; `contestants`: how many in all. */
  'course/flagged_lines': { station: Bilingual; bibs: string[]; contestants: number };
  /** `reveal`: the refused action was the reveal (else an unfreeze). */
  'course/not_frozen': { reveal?: boolean };
  'course/not_live': Record<string, never>;
  'course/not_locked': { station: Bilingual };
  /** `lines` open lines of `contestants` contestants, the first few `bibs`. */
  'course/open_lines': { station: Bilingual; lines: number; bibs: string[]; contestants: number };
  'course/stations_unlocked': { stations: Bilingual[] };
  /** `station`: the id sent. */
  'course/unknown_station': { station: string };
  'draw/marks_exist': Record<string, never>;
  'festival/invalid': { issues: string };
  'festival/not_found': Record<string, never>;
  'festival/slug_taken': { slugs: string[] };
  'https/off': Record<string, never>;
  'import/advanced_field': Record<string, never>;
  /** `criterion`: the id in the URL. */
  'import/bad_criterion': { criterion: string };
  /** `scores`: the score import (CSV text or JSON), else the contestant list (CSV or XLSX). */
  'import/bad_type': { scores?: boolean };
  /** `lines`: lines changed since the preview. */
  /** `previewed`: the request carried what its dry run saw (else a plain upload saw nothing). */
  'import/conflict': { lines: number; previewed: boolean };
  'import/marks_exist': Record<string, never>;
  /** `lines`: lines not written. */
  'import/partly_written': { lines: number };
  /**
   * Which bound the file passed (docs/security.md, uploads): not a ZIP; too many entries
   * (`count`); too big unpacked (`mb`, `maxMb`); too many rows (`rows` when known, `maxRows`).
   */
  'import/too_large':
    | { why: 'not_zip' }
    | { why: 'entries'; count: number }
    | { why: 'unpacked'; mb: number; maxMb: number }
    | { why: 'rows'; rows?: number; maxRows: number };
  'import/unreadable': { detail: string };
  'mark/bad_frame': { detail: string };
  'mark/bad_value': { criterion: Bilingual };
  'mark/client_id_reused': Record<string, never>;
  /** `import`: a score import was refused (else a mark). */
  'mark/competition_closed': { state: 'draft' | 'final'; import?: boolean };
  'mark/contestant_inactive': { bib: string; name: string; status: 'withdrawn' | 'disqualified' };
  'mark/empty': { criterion: Bilingual };
  /** `ask`: what the judge has to give (yes or no for a veto; a score). */
  'mark/missing_value': { criterion: Bilingual; ask: 'yes_no' | 'score' };
  'mark/no_attempts': { station: Bilingual };
  'mark/no_recorder': { sheet: Bilingual };
  /** A sheet's attempts are used up (`allowed`), or a station has no run `attempt`. */
  'mark/no_such_attempt':
    { sheet: Bilingual; allowed: number } | { station: Bilingual; attempt: number };
  /** `input`: the text typed. */
  'mark/not_a_number': { criterion: Bilingual; input: string };
  /** `sheet`: the sheet the judge is not assigned to; none: not a judge of this competition. */
  'mark/not_assigned': { sheet?: Bilingual };
  'mark/not_current': Record<string, never>;
  /** `extra`: the measured criteria a panel judge sent. */
  'mark/not_recorder': { sheet: Bilingual; extra: Bilingual[] };
  /**
   * Out of range: a value (`value`, `min`–`max`, published decimals), a fault count
   * (`unit: 'count'`) or a time in seconds (`unit: 'seconds'`).
   */
  'mark/off_scale': {
    criterion: Bilingual;
    min: string;
    max: string;
    value?: string;
    unit?: 'count' | 'seconds';
  };
  'mark/off_step': { criterion: Bilingual; value: string; step: string };
  'mark/reason_required': { bib: string; sheet: Bilingual };
  /** `by`: who wrote the line's newer mark; absent: the line was voided. */
  'mark/stale': { bib: string; sheet: Bilingual; by?: 'you' | 'other' };
  /**
   * `station`: the locked station (or sheet); `reopen`: said to the head judge, who can re-open
   * it (else to a judge, who asks the head judge).
   */
  'mark/station_locked': { station?: Bilingual; reopen?: boolean };
  'mark/too_large': { criterion: Bilingual; input: string };
  'mark/too_precise': { criterion: Bilingual; input: string };
  /** `id`: the contestant id sent. */
  'mark/unknown_contestant': { id: number };
  /** An id not in the sheet (`criterion`, `sheet`), or a fault id not in a criterion. */
  'mark/unknown_criterion':
    { criterion: string; sheet: Bilingual } | { criterion: Bilingual; fault: string };
  /** `id`: the mark id sent. */
  'mark/unknown_mark': { id: number };
  /** The sheet id (or, for a re-run, the station id) sent. */
  'mark/unknown_sheet': { sheet: string } | { station: string };
  'official/code_taken': { code: string; name: string };
  /** `code`: the code asked for, when the request named one. */
  'official/not_found': { code?: string };
  /** `detail`: what is wrong with the panels' recorders (the competition file's own check). */
  'official/recorder': { detail: string };
  'official/self': Record<string, never>;
  'official/unknown_sheet': { sheets: string[] };
  'origin/forbidden': Record<string, never>;
  'protocol/bad_frame': { detail: string };
  /**
   * What is wrong with the request: a schema's `issues` (`request`: of a score import's JSON
   * body), a `missing` part, an unknown `timeZone`, a bib the import was told about but the
   * file lacks (`strayBib`), a `body` Fastify could not read, or Fastify's own complaint
   * (`detail`).
   */
  'request/invalid':
    | { issues: string; request?: boolean }
    | { missing: MissingPart }
    | { timeZone: string }
    | { strayBib: string }
    | { body: BodyProblem }
    | { detail: string };
  /** `route`: the method and path asked for (`GET /api/nope`, at most 200 characters). */
  'request/not_found': { route: string };
  'rescore/not_found': Record<string, never>;
  'server/error': Record<string, never>;
  'teams/none': Record<string, never>;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Type-level check: every code has its parameters, and every entry is a code. */
export type ErrorParamsCoverErrors = Assert<Same<keyof ErrorParams, ErrorCode>>;

/**
 * One refusal as data: a code and its parameters, correlated (a code takes only its own
 * parameters). What a rule returns, a {@link DomainError} carries and a wire body holds.
 */
export type ErrorOf = { [C in ErrorCode]: { error: C; params: ErrorParams[C] } }[ErrorCode];

/** Whether a refusal with this code may succeed when sent again unchanged (unknown: no). */
export function isRetryable(code: string): boolean {
  return Object.hasOwn(RETRYABLE, code);
}

/**
 * Every HTTP error answer: a code of {@link ERRORS}, its parameters (absent from servers before
 * they were sent) and the message in Chinese (`messages.ts`, for curl users and logs; a page
 * words the code and parameters in its own language).
 */
export interface ErrorBody {
  error: ErrorCode;
  params?: ErrorParams[ErrorCode];
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
