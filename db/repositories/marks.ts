import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { MarkLog } from '../mark-log.ts';
import { competitions, marks, type rescoreRequests, type stationLocks } from '../schema.ts';
import { first, type Store } from '../store.ts';

export type MarkRow = typeof marks.$inferSelect;
/** A log entry to append: every column but the ones the database assigns. */
export type NewMark = Omit<MarkRow, 'id' | 'revision'>;

/** The whole log of a competition in sequence order (for loading and recomputing). */
export async function listMarks(s: Store, competitionId: number): Promise<MarkRow[]> {
  const { marks } = s.t;
  return s.db
    .select()
    .from(marks)
    .where(eq(marks.competitionId, competitionId))
    .orderBy(asc(marks.id));
}

/**
 * A competition's log rows committed after `revision`, in revision order, and its committed
 * revision, read in one snapshot: what an instance reads to catch up after a revision hint
 * (server/services/revision-follower.ts). A revision up to the one returned with no row is a
 * change other than a mark.
 */
export async function readMarksAfter(
  s: Store,
  competitionId: number,
  revision: number,
): Promise<{ rows: MarkRow[]; revision: number }> {
  return s.snapshot(async (tx) => {
    const { competitions, marks } = tx.t;
    const competition = await first(
      tx.db
        .select({ revision: competitions.revision })
        .from(competitions)
        .where(eq(competitions.id, competitionId)),
    );
    const rows = await tx.db
      .select()
      .from(marks)
      .where(and(eq(marks.competitionId, competitionId), gt(marks.revision, revision)))
      .orderBy(asc(marks.revision));
    return { rows, revision: competition?.revision ?? revision };
  });
}

export type StationLockRow = typeof stationLocks.$inferSelect;

/** A competition's station locks and re-opens, oldest first. */
export async function listStationLocks(s: Store, competitionId: number): Promise<StationLockRow[]> {
  const { stationLocks } = s.t;
  return s.db
    .select()
    .from(stationLocks)
    .where(eq(stationLocks.competitionId, competitionId))
    .orderBy(asc(stationLocks.id));
}

/**
 * Prepared statements of the hot path (one mark): drizzle's `.prepare()` runs as fast as raw
 * better-sqlite3, and each is compiled once per database.
 */
export function prepareMarkStatements(db: Db) {
  const byClientId = db
    .select()
    .from(marks)
    .where(eq(marks.clientId, sql.placeholder('clientId')))
    .prepare();
  const bump = db
    .update(competitions)
    .set({ revision: sql`${competitions.revision} + 1` })
    .where(eq(competitions.id, sql.placeholder('id')))
    .returning({ revision: competitions.revision })
    .prepare();
  const insert = db
    .insert(marks)
    .values({
      clientId: sql.placeholder('clientId'),
      kind: sql.placeholder('kind'),
      competitionId: sql.placeholder('competitionId'),
      contestantId: sql.placeholder('contestantId'),
      sheetId: sql.placeholder('sheetId'),
      stationId: sql.placeholder('stationId'),
      attempt: sql.placeholder('attempt'),
      officialId: sql.placeholder('officialId'),
      rules: sql.placeholder('rules'),
      ownerId: sql.placeholder('ownerId'),
      measures: sql.placeholder('measures'),
      valuesJson: sql.placeholder('valuesJson'),
      supersedesId: sql.placeholder('supersedesId'),
      targetMarkId: sql.placeholder('targetMarkId'),
      reason: sql.placeholder('reason'),
      revision: sql.placeholder('revision'),
      createdAt: sql.placeholder('createdAt'),
    })
    .returning({ id: marks.id })
    .prepare();
  const revisionOf = db
    .select({ revision: competitions.revision })
    .from(competitions)
    .where(eq(competitions.id, sql.placeholder('id')))
    .prepare();
  return {
    /** The committed mark with this client-made id, if any. */
    findByClientId: (clientId: string): MarkRow | undefined => byClientId.get({ clientId }),
    /** A competition's committed revision (0 for one that does not exist). */
    revisionOf: (id: number): number => revisionOf.get({ id })?.revision ?? 0,
    /**
     * Appends one mark and bumps the competition's revision. Call inside a transaction.
     * @returns the mark's log id and the revision it produced.
     */
    append(m: NewMark): { id: number; revision: number } {
      const { revision } = bump.get({ id: m.competitionId })!;
      // better-sqlite3 binds numbers, not booleans: a placeholder skips drizzle's column mapping.
      const { id } = insert.get({ ...m, measures: m.measures ? 1 : 0, revision })!;
      return { id, revision };
    },
  };
}

/**
 * The mark log on the embedded SQLite file (db/mark-log.ts): one synchronous transaction per
 * batch on the one connection this process owns, so no other writer can come between its
 * reads and its writes and no row is ever committed by someone else (`committedAfter` is
 * empty).
 */
export function sqliteMarkLog(db: Db): MarkLog {
  const stmts = prepareMarkStatements(db);
  return {
    engine: 'sqlite',
    commit: (_batch, decide) => {
      // Never inside another's transaction (db/client.ts sqliteStore): the marks would commit,
      // and be acknowledged, only with it. Refused as retryable; it cannot happen by design.
      if (db.$client.inTransaction) throw new Error('a transaction is open on the connection');
      return db.transaction(() =>
        decide({
          findByClientId: stmts.findByClientId,
          committedAfter: () => [],
          revisionOf: stmts.revisionOf,
          append: stmts.append,
        }),
      );
    },
  };
}

export type RescoreRow = typeof rescoreRequests.$inferSelect;

/** Every re-score request of a competition, oldest first. */
export async function listRescoreRequests(s: Store, competitionId: number): Promise<RescoreRow[]> {
  const { rescoreRequests } = s.t;
  return s.db
    .select()
    .from(rescoreRequests)
    .where(eq(rescoreRequests.competitionId, competitionId))
    .orderBy(asc(rescoreRequests.id));
}

/** Stores a re-score request (with its audit entry, in one transaction by the caller). */
export async function insertRescoreRequest(
  s: Store,
  r: Omit<RescoreRow, 'id'>,
): Promise<RescoreRow> {
  const [row] = await s.db.insert(s.t.rescoreRequests).values(r).returning();
  return row!;
}

export type NewStationLock = Omit<typeof stationLocks.$inferInsert, 'id'>;

/** Appends a lock or re-open of a station (inside the caller's transaction). */
export async function insertStationLock(s: Store, row: NewStationLock): Promise<void> {
  await s.db.insert(s.t.stationLocks).values(row);
}

/**
 * Inserts one log entry as it is (an import replaying another server's log, revisions given).
 * @returns its id.
 */
export async function insertMarkRow(
  s: Store,
  row: Omit<typeof marks.$inferInsert, 'id'>,
): Promise<number> {
  const [r] = await s.db.insert(s.t.marks).values(row).returning({ id: s.t.marks.id });
  return r!.id;
}

/** Whether a competition's log holds any entry. */
export async function hasMarks(s: Store, competitionId: number): Promise<boolean> {
  const { marks } = s.t;
  return !!(await first(
    s.db
      .select({ id: marks.id })
      .from(marks)
      .where(eq(marks.competitionId, competitionId))
      .limit(1),
  ));
}

/** The commit times (server clock, ISO) of these marks, by id. */
export async function markTimes(s: Store, ids: readonly number[]): Promise<Map<number, string>> {
  const { marks } = s.t;
  const times = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await s.db
      .select({ id: marks.id, createdAt: marks.createdAt })
      .from(marks)
      .where(inArray(marks.id, ids.slice(i, i + 500)));
    for (const r of rows) times.set(r.id, r.createdAt);
  }
  return times;
}
