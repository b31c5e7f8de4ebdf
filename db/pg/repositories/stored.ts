import { asc, eq } from 'drizzle-orm';
import type { CompetitionRow } from '../../repositories/competitions.ts';
import type { StoredCompetition } from '../../repositories/stored.ts';
import type { PgDb } from '../client.ts';
import {
  competitions,
  contestants,
  festivals,
  marks,
  officials,
  rescoreRequests,
  stationLocks,
} from '../schema.ts';

/** Every competition row, in id order (what an instance loads at start). */
export async function listCompetitionRows(db: PgDb): Promise<CompetitionRow[]> {
  return db.select().from(competitions).orderBy(asc(competitions.id));
}

/**
 * Reads a competition's stored state from PostgreSQL, in the orders the SQLite reader
 * (db/repositories/stored.ts) uses, in one REPEATABLE READ transaction so the log, locks and
 * revision are one consistent snapshot even while other instances write.
 * @returns null when no competition has this slug.
 * @throws Error when the competition belongs to no festival.
 */
export async function readStoredCompetition(
  db: PgDb,
  slug: string,
): Promise<StoredCompetition | null> {
  return db.transaction(
    async (tx) => {
      const [row] = await tx.select().from(competitions).where(eq(competitions.slug, slug));
      if (!row) return null;
      const [festival] =
        row.festivalId === null
          ? []
          : await tx.select().from(festivals).where(eq(festivals.id, row.festivalId));
      if (!festival) throw new Error(`competition ${row.slug} belongs to no festival`);
      const of = row.id;
      return {
        row,
        festival,
        contestants: await tx
          .select()
          .from(contestants)
          .where(eq(contestants.competitionId, of))
          .orderBy(asc(contestants.drawOrder)),
        officials: await tx
          .select()
          .from(officials)
          .where(eq(officials.competitionId, of))
          .orderBy(asc(officials.code)),
        rescores: await tx
          .select()
          .from(rescoreRequests)
          .where(eq(rescoreRequests.competitionId, of))
          .orderBy(asc(rescoreRequests.id)),
        locks: await tx
          .select()
          .from(stationLocks)
          .where(eq(stationLocks.competitionId, of))
          .orderBy(asc(stationLocks.id)),
        log: await tx
          .select()
          .from(marks)
          .where(eq(marks.competitionId, of))
          .orderBy(asc(marks.id)),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
