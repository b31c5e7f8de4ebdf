/**
 * The PostgreSQL channel on which an instance tells the others what it changed (issue 14:
 * several instances, one festival): which competition reached which revision, which official
 * changed, and which address failed a login (the failed-login budget is global).
 */
export const REVISION_CHANNEL = 'jx_revision';

/** A hint: competition `competitionId` has committed rows up to `revision`. */
export interface RevisionHint {
  competitionId: number;
  revision: number;
}

/**
 * The statement that sends a hint, to run INSIDE the transaction that bumps the revision:
 * PostgreSQL delivers a NOTIFY only when its transaction commits (never for a rollback), and in
 * commit order (PostgreSQL manual, NOTIFY). The payload is the competition and the revision
 * only, never the rows: a listener reads the committed rows from the database.
 */
export function revisionNotify(hint: RevisionHint): { text: string; values: string[] } {
  return { text: 'SELECT pg_notify($1, $2)', values: [REVISION_CHANNEL, revisionPayload(hint)] };
}

/** A hint's payload: `competitionId:revision`. */
export function revisionPayload(hint: RevisionHint): string {
  return `${hint.competitionId}:${hint.revision}`;
}

/** Reads a payload `competitionId:revision`; anything else is `null` (a foreign NOTIFY). */
export function parseRevisionHint(payload: string | undefined): RevisionHint | null {
  const m = /^(\d{1,10}):(\d{1,15})$/.exec(payload ?? '');
  return m ? { competitionId: Number(m[1]), revision: Number(m[2]) } : null;
}

/** An official of a competition was changed (revoked, given a new token, re-assigned). */
export interface OfficialHint {
  /** The instance that made the change (`Store.instance`), which acted on it already. */
  origin: string;
  competitionId: number;
  officialId: number;
}

/** A failed login from `address` at `at` (ms since the epoch), for the one global budget. */
export interface LoginFailureHint {
  /** The instance that counted it (`Store.instance`). */
  origin: string;
  address: string;
  at: number;
}

/** The payload of an {@link OfficialHint}: `official:origin:competitionId:officialId`. */
export function officialPayload(hint: OfficialHint): string {
  return `official:${hint.origin}:${hint.competitionId}:${hint.officialId}`;
}

/**
 * The payload of a {@link LoginFailureHint}: `login:origin:at:address` (last: an IPv6 address
 * has colons).
 */
export function loginFailurePayload(hint: LoginFailureHint): string {
  return `login:${hint.origin}:${hint.at}:${hint.address}`;
}

/** A competition (or a festival's competitions) created on instance `origin`. */
export interface CompetitionHint {
  origin: string;
  slug: string;
}

/** The payload of a {@link CompetitionHint}: `competition:origin:slug`. */
export function competitionPayload(hint: CompetitionHint): string {
  return `competition:${hint.origin}:${hint.slug}`;
}

/** Any payload on the channel, or `null` for a foreign one. */
export type Hint =
  | ({ kind: 'competition' } & CompetitionHint)
  | ({ kind: 'revision' } & RevisionHint)
  | ({ kind: 'official' } & OfficialHint)
  | ({ kind: 'login' } & LoginFailureHint);

/** Reads any payload of {@link REVISION_CHANNEL}; anything else is `null`. */
export function parseHint(payload: string | undefined): Hint | null {
  const revision = parseRevisionHint(payload);
  if (revision) return { kind: 'revision', ...revision };
  const official = /^official:([\w-]{1,40}):(\d{1,10}):(\d{1,10})$/.exec(payload ?? '');
  if (official)
    return {
      kind: 'official',
      origin: official[1]!,
      competitionId: Number(official[2]),
      officialId: Number(official[3]),
    };
  const created = /^competition:([\w-]{1,40}):([a-z0-9][a-z0-9-]{0,99})$/.exec(payload ?? '');
  if (created) return { kind: 'competition', origin: created[1]!, slug: created[2]! };
  const login = /^login:([\w-]{1,40}):(\d{1,15}):([0-9A-Fa-f.:]{2,45})$/.exec(payload ?? '');
  return login
    ? { kind: 'login', origin: login[1]!, at: Number(login[2]), address: login[3]! }
    : null;
}
