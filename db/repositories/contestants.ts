import { and, eq, sql } from 'drizzle-orm';
import { transaction, type Db } from '../client.ts';
import { contestants } from '../schema.ts';
import { insertChunked } from './competitions.ts';

export type ContestantRow = typeof contestants.$inferSelect;
export type NewContestant = typeof contestants.$inferInsert;

/** Inserts one contestant. @returns its id. */
export function insertContestant(db: Db, row: NewContestant): number {
  return db.insert(contestants).values(row).returning({ id: contestants.id }).get().id;
}

/** Inserts contestants (any number: in chunks) inside the caller's transaction. */
export function insertContestants(db: Db, rows: readonly NewContestant[]): void {
  insertChunked(db, contestants, rows);
}

/** Replaces a competition's whole field (call before any mark refers to it). */
export function replaceContestants(
  db: Db,
  competitionId: number,
  rows: readonly NewContestant[],
): void {
  transaction(db, (tx) => {
    tx.delete(contestants).where(eq(contestants.competitionId, competitionId)).run();
    insertContestants(tx, rows);
  });
}

/** Gives the contestants of `bibs` the draw orders 1, 2, … in that order. */
export function setDrawOrder(db: Db, competitionId: number, bibs: readonly string[]): void {
  transaction(db, (tx) => {
    // Two passes keep (competition, draw order) free of clashes while it is rewritten.
    bibs.forEach((bib, i) =>
      tx
        .update(contestants)
        .set({ drawOrder: -(i + 1) })
        .where(and(eq(contestants.competitionId, competitionId), eq(contestants.bib, bib)))
        .run(),
    );
    tx.update(contestants)
      .set({ drawOrder: sql`-${contestants.drawOrder}` })
      .where(eq(contestants.competitionId, competitionId))
      .run();
  });
}
