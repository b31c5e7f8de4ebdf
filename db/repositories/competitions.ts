import { asc, eq, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { CompetitionFixture } from '../../server/protocol/fixture.ts';
import type { Db } from '../client.ts';
import { competitions, contestants, officials } from '../schema.ts';

export type CompetitionRow = typeof competitions.$inferSelect;

/** SHA-256 hex of a login token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function listCompetitions(db: Db): CompetitionRow[] {
  return db.select().from(competitions).orderBy(asc(competitions.id)).all();
}

export function getCompetitionBySlug(db: Db, slug: string): CompetitionRow | undefined {
  return db.select().from(competitions).where(eq(competitions.slug, slug)).get();
}

export function countCompetitions(db: Db): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(competitions)
    .get()!.n;
}

/**
 * Creates a competition with its contestants and officials from a validated fixture, in one
 * transaction. Tokens are stored as SHA-256 hashes.
 * @returns the new competition id. Throws on a duplicate slug (UNIQUE constraint).
 */
export function insertCompetition(db: Db, f: CompetitionFixture): number {
  return db.transaction((tx) => {
    const { id } = tx
      .insert(competitions)
      .values({
        slug: f.competition.slug,
        titleZh: f.competition.title.zh,
        titleEn: f.competition.title.en,
        venue: f.competition.venue,
        date: f.competition.date,
        timeZone: f.competition.timeZone,
        locale: f.competition.locale,
        state: 'live',
        schemeJson: JSON.stringify(f.scheme),
      })
      .returning({ id: competitions.id })
      .get();
    if (f.contestants.length)
      tx.insert(contestants)
        .values(f.contestants.map((c) => ({ ...c, competitionId: id })))
        .run();
    if (f.officials.length)
      tx.insert(officials)
        .values(
          f.officials.map((o) => ({
            competitionId: id,
            code: o.code,
            name: o.name,
            role: o.role,
            tokenHash: hashToken(o.token),
            sheetsJson: JSON.stringify(o.sheets),
          })),
        )
        .run();
    return id;
  });
}

export function listContestants(db: Db, competitionId: number) {
  return db
    .select()
    .from(contestants)
    .where(eq(contestants.competitionId, competitionId))
    .orderBy(asc(contestants.drawOrder))
    .all();
}

export function findOfficialByToken(db: Db, token: string) {
  return db
    .select()
    .from(officials)
    .where(eq(officials.tokenHash, hashToken(token)))
    .get();
}
