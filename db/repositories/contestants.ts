import { and, eq, inArray, sql } from 'drizzle-orm';
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

/** Bibs per statement of a draw: two parameters each, well inside both engines' limits. */
const DRAW_CHUNK = 500;

/** Gives the contestants of `bibs` the draw orders 1, 2, … in that order. */
export async function setDrawOrder(
  s: Store,
  competitionId: number,
  bibs: readonly string[],
): Promise<void> {
  const { contestants } = s.t;
  await s.transaction(async (tx) => {
    // Two passes keep (competition, draw order) free of clashes while it is rewritten. The
    // first is one UPDATE per DRAW_CHUNK bibs (CASE bib WHEN … THEN …), not one per bib: on
    // PostgreSQL each statement is a round trip, and the draw holds the competition's lock.
    for (let k = 0; k < bibs.length; k += DRAW_CHUNK) {
      const part = bibs.slice(k, k + DRAW_CHUNK);
      // The orders are integers made here, written as literals (a bare parameter in a CASE
      // would be text to PostgreSQL); the bibs are parameters.
      const orders = sql.join(
        part.map((bib, j) => sql`WHEN ${bib} THEN ${sql.raw(String(-(k + j + 1)))}`),
        sql` `,
      );
      await tx.db
        .update(contestants)
        .set({ drawOrder: sql`CASE ${contestants.bib} ${orders} END` })
        .where(and(eq(contestants.competitionId, competitionId), inArray(contestants.bib, part)));
    }
    await tx.db
      .update(contestants)
      .set({ drawOrder: sql`-${contestants.drawOrder}` })
      .where(eq(contestants.competitionId, competitionId));
  });
}
