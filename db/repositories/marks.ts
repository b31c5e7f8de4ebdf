import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { MarkLog } from '../mark-log.ts';
import { competitions, marks, rescoreRequests, stationLocks } from '../schema.ts';

export type MarkRow = typeof marks.$inferSelect;
/** A log entry to append: every column but the ones the database assigns. */
export type NewMark = Omit<MarkRow, 'id' | 'revision'>;

/** The whole log of a competition in sequence order (for loading and recomputing). */
export function listMarks(db: Db, competitionId: number): MarkRow[] {
  return db
    .select()
    .from(marks)
    .where(eq(marks.competitionId, competitionId))
    .orderBy(asc(marks.id))
    .all();
}

export function listStationLocks(db: Db, competitionId: number) {
  return db
    .select()
    .from(stationLocks)
    .where(eq(stationLocks.competitionId, competitionId))
    .orderBy(asc(stationLocks.id))
    .all();
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
    commit: (_batch, decide) =>
      db.transaction(() =>
        decide({
          findByClientId: stmts.findByClientId,
          committedAfter: () => [],
          revisionOf: stmts.revisionOf,
          append: stmts.append,
        }),
      ),
  };
}

export type RescoreRow = typeof rescoreRequests.$inferSelect;

/** Every re-score request of a competition, oldest first. */
export function listRescoreRequests(db: Db, competitionId: number): RescoreRow[] {
  return db
    .select()
    .from(rescoreRequests)
    .where(eq(rescoreRequests.competitionId, competitionId))
    .orderBy(asc(rescoreRequests.id))
    .all();
}

/** Stores a re-score request (with its audit entry, in one transaction by the caller). */
export function insertRescoreRequest(db: Db, r: Omit<RescoreRow, 'id'>): RescoreRow {
  return db.insert(rescoreRequests).values(r).returning().get();
}

export type NewStationLock = Omit<typeof stationLocks.$inferInsert, 'id'>;

/** Appends a lock or re-open of a station (inside the caller's transaction). */
export function insertStationLock(db: Db, row: NewStationLock): void {
  db.insert(stationLocks).values(row).run();
}

/**
 * Inserts one log entry as it is (an import replaying another server's log, revisions given).
 * @returns its id.
 */
export function insertMarkRow(db: Db, row: Omit<typeof marks.$inferInsert, 'id'>): number {
  return db.insert(marks).values(row).returning({ id: marks.id }).get().id;
}

/** Whether a competition's log holds any entry. */
export function hasMarks(db: Db, competitionId: number): boolean {
  return !!db
    .select({ id: marks.id })
    .from(marks)
    .where(eq(marks.competitionId, competitionId))
    .limit(1)
    .get();
}

/** A prepared lookup of a mark's commit time (server clock, ISO) by its id. */
export function prepareMarkTime(db: Db): (markId: number) => string | undefined {
  const q = db
    .select({ createdAt: marks.createdAt })
    .from(marks)
    .where(eq(marks.id, sql.placeholder('id')))
    .prepare();
  return (id) => q.get({ id })?.createdAt;
}
