import { and, eq, sql } from 'drizzle-orm';
import type { contestants } from '../schema.ts';
import type { Store } from '../store.ts';
import { insertChunked } from './competitions.ts';

export type ContestantRow = typeof contestants.$inferSelect;
export type NewContestant = typeof contestants.$inferInsert;

/** Inserts one contestant. @returns its id. */
export async function insertContestant(s: Store, row: NewContestant): Promise<number> {
  const { contestants } = s.t;
  const [r] = await s.db.insert(contestants).values(row).returning({ id: contestants.id });
  return r!.id;
}

/** Inserts contestants (any number: in chunks) inside the caller's transaction. */
export async function insertContestants(s: Store, rows: readonly NewContestant[]): Promise<void> {
  await insertChunked(s, s.t.contestants, rows);
}

/** Replaces a competition's whole field (call before any mark refers to it). */
export async function replaceContestants(
  s: Store,
  competitionId: number,
  rows: readonly NewContestant[],
): Promise<void> {
  const { contestants } = s.t;
  await s.transaction(async (tx) => {
    await tx.db.delete(contestants).where(eq(contestants.competitionId, competitionId));
    await insertContestants(tx, rows);
  });
}

/** Gives the contestants of `bibs` the draw orders 1, 2, … in that order. */
export async function setDrawOrder(
  s: Store,
  competitionId: number,
  bibs: readonly string[],
): Promise<void> {
  const { contestants } = s.t;
  await s.transaction(async (tx) => {
    // Two passes keep (competition, draw order) free of clashes while it is rewritten.
    for (const [i, bib] of bibs.entries())
      await tx.db
        .update(contestants)
        .set({ drawOrder: -(i + 1) })
        .where(and(eq(contestants.competitionId, competitionId), eq(contestants.bib, bib)));
    await tx.db
      .update(contestants)
      .set({ drawOrder: sql`-${contestants.drawOrder}` })
      .where(eq(contestants.competitionId, competitionId));
  });
}
