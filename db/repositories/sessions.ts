import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { sessions } from '../schema.ts';
import { first, type Store } from '../store.ts';
import type { OfficialRow } from './officials.ts';

export type NewSession = typeof sessions.$inferInsert;

/** Stores a session (its token as SHA-256) and drops the ones expired before `now`. */
export async function openSessionRow(s: Store, row: NewSession, now: string): Promise<void> {
  const { sessions } = s.t;
  await s.transaction(async (tx) => {
    await tx.db.delete(sessions).where(lt(sessions.expiresAt, now));
    await tx.db.insert(sessions).values(row);
  });
}

/** Ends the session with this token hash, if any. */
export async function deleteSession(s: Store, tokenHash: string): Promise<void> {
  const { sessions } = s.t;
  await s.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Ends every password session (the unbound ones: a short-code session holds a token hash). */
export async function deletePasswordSessions(s: Store): Promise<void> {
  const { sessions } = s.t;
  await s.db.delete(sessions).where(isNull(sessions.credentialHash));
}

/**
 * The official behind an unexpired session with this token hash. A session opened with a
 * short code holds the official's token hash of that moment and ends when the token is rotated.
 */
export async function officialBySession(
  s: Store,
  tokenHash: string,
  now: string,
): Promise<OfficialRow | undefined> {
  const { sessions, officials } = s.t;
  const row = await first(
    s.db
      .select({ official: officials })
      .from(sessions)
      .innerJoin(officials, eq(sessions.officialId, officials.id))
      .where(
        and(
          eq(sessions.tokenHash, tokenHash),
          gt(sessions.expiresAt, now),
          or(isNull(sessions.credentialHash), eq(sessions.credentialHash, officials.tokenHash)),
        ),
      ),
  );
  return row?.official;
}
