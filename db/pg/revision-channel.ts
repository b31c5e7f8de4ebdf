/**
 * The PostgreSQL channel on which an instance that committed a change says which competition
 * reached which revision (issue 14: several instances, one festival).
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
