import { and, asc, eq } from 'drizzle-orm';
import type { officials } from '../schema.ts';
import { first, type Store } from '../store.ts';

export type OfficialRow = typeof officials.$inferSelect;
export type NewOfficial = typeof officials.$inferInsert;
/** What may change of an official: name, sheets, records, login columns, revoked. */
export type OfficialPatch = Partial<Omit<NewOfficial, 'id' | 'competitionId' | 'code' | 'role'>>;

/** A competition's officials in code order. */
export async function listOfficials(s: Store, competitionId: number): Promise<OfficialRow[]> {
  const { officials } = s.t;
  return s.db
    .select()
    .from(officials)
    .where(eq(officials.competitionId, competitionId))
    .orderBy(asc(officials.code));
}

/** The officials of a competition by id (for naming judges in logs and reviews). */
export async function officialsById(
  s: Store,
  competitionId: number,
): Promise<Map<number, OfficialRow>> {
  return new Map((await listOfficials(s, competitionId)).map((o) => [o.id, o]));
}

export async function getOfficial(s: Store, id: number): Promise<OfficialRow | undefined> {
  const { officials } = s.t;
  return first(s.db.select().from(officials).where(eq(officials.id, id)));
}

/** The official with this code in a competition. */
export async function findOfficialByCode(
  s: Store,
  competitionId: number,
  code: string,
): Promise<OfficialRow | undefined> {
  const { officials } = s.t;
  return first(
    s.db
      .select()
      .from(officials)
      .where(and(eq(officials.competitionId, competitionId), eq(officials.code, code))),
  );
}

/** A competition's organiser (the first; `active`: not revoked). */
export async function findOrganiser(
  s: Store,
  competitionId: number,
  o: { active?: boolean } = {},
): Promise<OfficialRow | undefined> {
  const { officials } = s.t;
  return first(
    s.db
      .select()
      .from(officials)
      .where(
        and(
          eq(officials.competitionId, competitionId),
          eq(officials.role, 'organiser'),
          o.active ? eq(officials.revoked, false) : undefined,
        ),
      )
      .orderBy(asc(officials.id)),
  );
}

/** The official whose login token has this SHA-256. */
export async function findOfficialByTokenHash(
  s: Store,
  tokenHash: string,
): Promise<OfficialRow | undefined> {
  const { officials } = s.t;
  return first(s.db.select().from(officials).where(eq(officials.tokenHash, tokenHash)));
}

/** The official whose short code is stored under one of these keys (tried in order). */
export async function findOfficialByShortCodeKey(
  s: Store,
  keys: readonly string[],
): Promise<OfficialRow | undefined> {
  const { officials } = s.t;
  for (const key of keys) {
    const o = await first(s.db.select().from(officials).where(eq(officials.shortCodeHash, key)));
    if (o) return o;
  }
  return undefined;
}

/** Inserts an official. @returns his id. */
export async function insertOfficialRow(s: Store, o: NewOfficial): Promise<number> {
  const { officials } = s.t;
  const [row] = await s.db.insert(officials).values(o).returning({ id: officials.id });
  return row!.id;
}

export async function updateOfficial(s: Store, id: number, patch: OfficialPatch): Promise<void> {
  const { officials } = s.t;
  await s.db.update(officials).set(patch).where(eq(officials.id, id));
}
