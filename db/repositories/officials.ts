import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { officials } from '../schema.ts';

export type OfficialRow = typeof officials.$inferSelect;
export type NewOfficial = typeof officials.$inferInsert;
/** What may change of an official: name, sheets, records, login columns, revoked. */
export type OfficialPatch = Partial<Omit<NewOfficial, 'id' | 'competitionId' | 'code' | 'role'>>;

/** A competition's officials in code order. */
export function listOfficials(db: Db, competitionId: number): OfficialRow[] {
  return db
    .select()
    .from(officials)
    .where(eq(officials.competitionId, competitionId))
    .orderBy(asc(officials.code))
    .all();
}

/** The officials of a competition by id (for naming judges in logs and reviews). */
export function officialsById(db: Db, competitionId: number): Map<number, OfficialRow> {
  return new Map(listOfficials(db, competitionId).map((o) => [o.id, o]));
}

export function getOfficial(db: Db, id: number): OfficialRow | undefined {
  return db.select().from(officials).where(eq(officials.id, id)).get();
}

/** The official with this code in a competition. */
export function findOfficialByCode(
  db: Db,
  competitionId: number,
  code: string,
): OfficialRow | undefined {
  return db
    .select()
    .from(officials)
    .where(and(eq(officials.competitionId, competitionId), eq(officials.code, code)))
    .get();
}

/** A competition's organiser (the first; `active`: not revoked). */
export function findOrganiser(
  db: Db,
  competitionId: number,
  o: { active?: boolean } = {},
): OfficialRow | undefined {
  return db
    .select()
    .from(officials)
    .where(
      and(
        eq(officials.competitionId, competitionId),
        eq(officials.role, 'organiser'),
        o.active ? eq(officials.revoked, false) : undefined,
      ),
    )
    .get();
}

/** The official whose login token has this SHA-256. */
export function findOfficialByTokenHash(db: Db, tokenHash: string): OfficialRow | undefined {
  return db.select().from(officials).where(eq(officials.tokenHash, tokenHash)).get();
}

/** The official whose short code is stored under one of these keys (tried in order). */
export function findOfficialByShortCodeKey(
  db: Db,
  keys: readonly string[],
): OfficialRow | undefined {
  for (const key of keys) {
    const o = db.select().from(officials).where(eq(officials.shortCodeHash, key)).get();
    if (o) return o;
  }
  return undefined;
}

/** Inserts an official. @returns his id. */
export function insertOfficialRow(db: Db, o: NewOfficial): number {
  return db.insert(officials).values(o).returning({ id: officials.id }).get().id;
}

export function updateOfficial(db: Db, id: number, patch: OfficialPatch): void {
  db.update(officials).set(patch).where(eq(officials.id, id)).run();
}
