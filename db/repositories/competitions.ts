import { asc, count, eq, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { createHash } from 'node:crypto';
import type { competitions, contestants, festivals } from '../schema.ts';
import { revisionPayload } from '../pg/revision-channel.ts';
import { first, type Store } from '../store.ts';
import {
  findOfficialByShortCodeKey,
  findOfficialByTokenHash,
  type OfficialRow,
} from './officials.ts';

export type CompetitionRow = typeof competitions.$inferSelect;
export type FestivalRow = typeof festivals.$inferSelect;
export type CompetitionPatch = Partial<Omit<typeof competitions.$inferInsert, 'id' | 'slug'>>;

/**
 * What seals an official's token and keys his short code under the server secret, kept
 * outside the database (server/services/custody.ts `Custody`).
 */
export interface Sealer {
  seal(token: string, tokenHash: string): string;
  shortCodeKey(shortCode: string): string;
}

type Text = { zh: string; en: string };
type Place = { id: string; label: Text };
/**
 * A competition to create, as the database needs it: a competition file
 * (protocol/fixture.ts `CompetitionFixture`) is one. The scheme is stored as given.
 */
export interface NewCompetition {
  competition: {
    slug: string;
    title: Text;
    venue: string;
    date: string;
    timeZone: string;
    locale: 'zh-CN' | 'en';
  };
  event?: Place;
  group?: Place;
  round?: Place & { order: number };
  scheme: unknown;
  contestants: readonly Omit<typeof contestants.$inferInsert, 'id' | 'competitionId'>[];
  officials: readonly {
    code: string;
    name: string;
    role: OfficialRow['role'];
    token: string;
    sheets: readonly string[];
    records: readonly string[];
  }[];
}

/** A festival to create with its competitions (protocol/fixture.ts `FestivalFixture` is one). */
export interface NewFestival {
  festival: {
    slug: string;
    title: Text;
    venue: string;
    date: string;
    board: unknown;
  };
  competitions: readonly NewCompetition[];
}

/** SHA-256 hex of a login token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The short login code of a token, for typing on a tablet without a camera: 10 Crockford
 * base-32 characters (50 bits) derived from the token, shown as `7KQ2M-XD4PA`. Guessing is
 * held off by the failed-login limit per address.
 */
export function shortCodeOf(token: string): string {
  const h = createHash('sha256').update(`jiangxing-short-code:${token}`).digest();
  let bits = 0n;
  for (let i = 0; i < 7; i++) bits = (bits << 8n) | BigInt(h[i]!);
  let out = '';
  for (let i = 0; i < 10; i++) out += CROCKFORD[Number((bits >> BigInt(51 - 5 * i)) & 31n)];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/**
 * The columns that keep an official's login: the token's SHA-256 (lookups), the token sealed
 * under the server secret (printing the card again) and the short code's HMAC under it.
 * Every place that gives an official a token stores it through this.
 */
export function credentialsOf(custody: Sealer, token: string) {
  const tokenHash = hashToken(token);
  return {
    tokenHash,
    tokenSealed: custody.seal(token, tokenHash),
    shortCodeHash: custody.shortCodeKey(shortCodeOf(token)),
  };
}

/** A typed short code, normalised: upper case, no separators, Crockford's look-alikes mapped (O→0, I/L→1). */
export function normaliseShortCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{10}$/.test(s) ? `${s.slice(0, 5)}-${s.slice(5)}` : null;
}

export async function listCompetitions(s: Store): Promise<CompetitionRow[]> {
  const { competitions } = s.t;
  return s.db.select().from(competitions).orderBy(asc(competitions.id));
}

export async function getCompetitionBySlug(
  s: Store,
  slug: string,
): Promise<CompetitionRow | undefined> {
  const { competitions } = s.t;
  return first(s.db.select().from(competitions).where(eq(competitions.slug, slug)));
}

export async function countCompetitions(s: Store): Promise<number> {
  const [row] = await s.db.select({ n: count() }).from(s.t.competitions);
  return Number(row!.n);
}

/**
 * Creates a competition with its contestants and officials from a validated fixture, in one
 * transaction, in festival `festivalId` (absent: a festival of its own). Tokens are kept as
 * {@link credentialsOf} says: hashed, and sealed under the server secret.
 * @returns the new competition id. Throws on a duplicate slug (UNIQUE constraint).
 */
export async function insertCompetition(
  s: Store,
  custody: Sealer,
  f: NewCompetition,
  festivalId?: number,
): Promise<number> {
  const place = placementOf(f);
  return s.transaction(async (tx) => {
    const id = await insertCompetitionRow(tx, {
      festivalId: festivalId ?? (await insertFestivalOfOne(tx, f.competition)),
      ...place,
      slug: f.competition.slug,
      titleZh: f.competition.title.zh,
      titleEn: f.competition.title.en,
      venue: f.competition.venue,
      date: f.competition.date,
      timeZone: f.competition.timeZone,
      locale: f.competition.locale,
      state: 'live',
      schemeJson: JSON.stringify(f.scheme),
    });
    await insertChunked(
      tx,
      tx.t.contestants,
      f.contestants.map((c) => ({ ...c, competitionId: id })),
    );
    await insertChunked(
      tx,
      tx.t.officials,
      f.officials.map((o) => ({
        competitionId: id,
        code: o.code,
        name: o.name,
        role: o.role,
        ...credentialsOf(custody, o.token),
        sheetsJson: JSON.stringify(o.sheets),
        recordsJson: JSON.stringify(o.records),
      })),
    );
    return id;
  });
}

/**
 * Inserts rows in statements of at most 500, inside the caller's transaction: one statement
 * for a field of thousands would pass SQLite's limit of bound variables (and the query
 * builder's stack), which is how a preliminary of 7,000 once failed to load; PostgreSQL's
 * limit (65,535 parameters) holds 500 rows of any table here too.
 */
export async function insertChunked<T extends SQLiteTable>(
  s: Store,
  table: T,
  rows: readonly T['$inferInsert'][],
  size = 500,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size)
    await s.db.insert(table).values(rows.slice(i, i + size) as T['$inferInsert'][]);
}

/** The columns that place a competition file in its festival, with the defaults of a festival of one. */
function placementOf(f: NewCompetition) {
  return {
    eventId: f.event?.id ?? 'main',
    eventZh: f.event?.label.zh ?? f.competition.title.zh,
    eventEn: f.event?.label.en ?? f.competition.title.en,
    groupId: f.group?.id ?? 'all',
    groupZh: f.group?.label.zh ?? '不分组',
    groupEn: f.group?.label.en ?? 'Open',
    roundId: f.round?.id ?? 'final',
    roundZh: f.round?.label.zh ?? '决赛',
    roundEn: f.round?.label.en ?? 'Final',
    roundOrder: f.round?.order ?? 1,
  };
}

/**
 * Creates a festival and all its competitions (contestants, officials) in one transaction.
 * @returns the new competition ids in file order. Throws on a duplicate slug or token.
 */
export async function insertFestival(s: Store, custody: Sealer, f: NewFestival): Promise<number[]> {
  return s.transaction(async (tx) => {
    const { festivals } = tx.t;
    const [festival] = await tx.db
      .insert(festivals)
      .values({
        slug: f.festival.slug,
        titleZh: f.festival.title.zh,
        titleEn: f.festival.title.en,
        venue: f.festival.venue,
        date: f.festival.date,
        boardJson: JSON.stringify(f.festival.board),
      })
      .returning({ id: festivals.id });
    const ids: number[] = [];
    for (const c of f.competitions) ids.push(await insertCompetition(tx, custody, c, festival!.id));
    return ids;
  });
}

/**
 * A festival of one for a competition created alone (an import): named by its slug, or the
 * slug with -2, -3 … when a festival already has that name. @returns the festival id.
 */
export async function insertFestivalOfOne(
  s: Store,
  c: { slug: string; title: { zh: string; en: string }; venue: string; date: string },
): Promise<number> {
  let slug = c.slug;
  for (let n = 2; await getFestivalBySlug(s, slug); n++) slug = `${c.slug}-${n}`;
  const { festivals } = s.t;
  const [row] = await s.db
    .insert(festivals)
    .values({ slug, titleZh: c.title.zh, titleEn: c.title.en, venue: c.venue, date: c.date })
    .returning({ id: festivals.id });
  return row!.id;
}

export async function getFestival(s: Store, id: number): Promise<FestivalRow | undefined> {
  const { festivals } = s.t;
  return first(s.db.select().from(festivals).where(eq(festivals.id, id)));
}

export async function listFestivals(s: Store): Promise<FestivalRow[]> {
  const { festivals } = s.t;
  return s.db.select().from(festivals).orderBy(asc(festivals.id));
}

/** A competition's contestants in draw order. */
export async function listContestants(
  s: Store,
  competitionId: number,
): Promise<(typeof contestants.$inferSelect)[]> {
  const { contestants } = s.t;
  return s.db
    .select()
    .from(contestants)
    .where(eq(contestants.competitionId, competitionId))
    .orderBy(asc(contestants.drawOrder));
}

/** The official a full login token belongs to (by its SHA-256). Short codes are not tokens. */
export async function findOfficialByToken(
  s: Store,
  token: string,
): Promise<OfficialRow | undefined> {
  return findOfficialByTokenHash(s, hashToken(token));
}

/**
 * The official a typed short code belongs to: by its HMAC under the server secret, or, for a
 * row made before sealing, by its plain SHA-256.
 */
export async function findOfficialByShortCode(
  s: Store,
  custody: Sealer,
  typed: string,
): Promise<OfficialRow | undefined> {
  const code = normaliseShortCode(typed);
  return code
    ? findOfficialByShortCodeKey(s, [custody.shortCodeKey(code), hashToken(code)])
    : undefined;
}

export async function getFestivalBySlug(s: Store, slug: string): Promise<FestivalRow | undefined> {
  const { festivals } = s.t;
  return first(s.db.select().from(festivals).where(eq(festivals.slug, slug)));
}

/**
 * Changes a competition's row and bumps its revision (boards resume from it), in one
 * statement, and tells the other instances (`Store.notify`). Call inside a
 * transaction: on PostgreSQL the row stays locked to its commit, so no other instance hands
 * out the same revision. @returns the row as it is now.
 */
export async function updateCompetition(
  s: Store,
  id: number,
  patch: CompetitionPatch,
): Promise<CompetitionRow> {
  const { competitions } = s.t;
  const [row] = await s.db
    .update(competitions)
    .set({ ...patch, revision: sql`${competitions.revision} + 1` })
    .where(eq(competitions.id, id))
    .returning();
  await s.notify(revisionPayload({ competitionId: id, revision: row!.revision }));
  return row!;
}

/** Bumps a competition's revision (as {@link updateCompetition}). @returns the new revision. */
export async function bumpRevision(s: Store, id: number): Promise<number> {
  return (await updateCompetition(s, id, {})).revision;
}

/** Sets columns of a competition without touching its revision (e.g. `frozenRevision`). */
export async function setCompetitionColumns(
  s: Store,
  id: number,
  patch: CompetitionPatch,
): Promise<void> {
  const { competitions } = s.t;
  await s.db.update(competitions).set(patch).where(eq(competitions.id, id));
}

/** Inserts a competition row. @returns its id. */
export async function insertCompetitionRow(
  s: Store,
  row: typeof competitions.$inferInsert,
): Promise<number> {
  const { competitions } = s.t;
  const [r] = await s.db.insert(competitions).values(row).returning({ id: competitions.id });
  return r!.id;
}
