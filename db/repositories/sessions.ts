import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { officials, sessions } from '../schema.ts';
import type { OfficialRow } from './officials.ts';

export type NewSession = typeof sessions.$inferInsert;

/** Stores a session (its token as SHA-256) and drops the ones expired before `now`. */
export function openSessionRow(db: Db, s: NewSession, now: string): void {
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  db.insert(sessions).values(s).run();
}

/** Ends the session with this token hash, if any. */
export function deleteSession(db: Db, tokenHash: string): void {
  db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
}

/** Ends every password session (the unbound ones: a short-code session holds a token hash). */
export function deletePasswordSessions(db: Db): void {
  db.delete(sessions).where(isNull(sessions.credentialHash)).run();
}

/**
 * The official behind an unexpired session with this token hash. A session opened with a
 * short code holds the official's token hash of that moment and ends when the token is rotated.
 */
export function officialBySession(db: Db, tokenHash: string, now: string): OfficialRow | undefined {
  return db
    .select({ official: officials })
    .from(sessions)
    .innerJoin(officials, eq(sessions.officialId, officials.id))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        gt(sessions.expiresAt, now),
        or(isNull(sessions.credentialHash), eq(sessions.credentialHash, officials.tokenHash)),
      ),
    )
    .get()?.official;
}
