import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The single source of truth for the database. `npm run db:generate` writes db/migrations/
 * from it; migrations are committed and applied at boot.
 */

/**
 * A festival (技能节): the competitions one server runs together under one title. The default
 * contest is a festival of one competition. `boardJson` is the projector rotation:
 * `{show: slug[], seconds}` (empty `show`: every competition in order).
 */
export const festivals = sqliteTable('festivals', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  venue: text('venue').notNull().default(''),
  date: text('date').notNull(),
  boardJson: text('board_json').notNull().default('{}'),
});

/**
 * A competition: one event × group × round of a festival, with its own marking scheme,
 * contestants, judges, marks, standings and course.
 */
export const competitions = sqliteTable('competitions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  festivalId: integer('festival_id').references(() => festivals.id),
  eventId: text('event_id').notNull().default('main'),
  eventZh: text('event_zh').notNull().default(''),
  eventEn: text('event_en').notNull().default(''),
  groupId: text('group_id').notNull().default('all'),
  groupZh: text('group_zh').notNull().default('不分组'),
  groupEn: text('group_en').notNull().default('Open'),
  roundId: text('round_id').notNull().default('final'),
  roundZh: text('round_zh').notNull().default('决赛'),
  roundEn: text('round_en').notNull().default('Final'),
  /** 1 = the event's first round; the next round of a group is the next order. */
  roundOrder: integer('round_order').notNull().default(1),
  slug: text('slug').notNull().unique(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  venue: text('venue').notNull().default(''),
  date: text('date').notNull(),
  timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
  locale: text('locale', { enum: ['zh-CN', 'en'] })
    .notNull()
    .default('zh-CN'),
  state: text('state', { enum: ['draft', 'live', 'frozen', 'final'] })
    .notNull()
    .default('live'),
  /** How the public sees names: in full, or masked (张*华). */
  nameDisplay: text('name_display', { enum: ['full', 'masked'] })
    .notNull()
    .default('full'),
  /** Revision at which the public board was frozen; null while not frozen. */
  frozenRevision: integer('frozen_revision'),
  frozenAt: text('frozen_at'),
  /** Rows revealed so far at the ceremony, counted from last place; null before the reveal. */
  revealed: integer('revealed'),
  /** The marking scheme as validated JSON (protocol/scheme.ts). */
  schemeJson: text('scheme_json').notNull(),
  /** Monotonic: bumped by every state change (a mark, a lock); boards resume from it. */
  revision: integer('revision').notNull().default(0),
  createdAt: text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});

export const contestants = sqliteTable(
  'contestants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    bib: text('bib').notNull(),
    drawOrder: integer('draw_order').notNull(),
    name: text('name').notNull(),
    organisation: text('organisation').notNull().default(''),
    status: text('status', { enum: ['active', 'withdrawn', 'disqualified'] })
      .notNull()
      .default('active'),
    /** Carry-over from the previous round, milli-points on this scheme's decimals; null: none. */
    carriedMilli: integer('carried_milli'),
    /** The contestant row of the previous round this one advanced from. */
    advancedFromId: integer('advanced_from_id'),
  },
  (t) => [uniqueIndex('contestants_bib').on(t.competitionId, t.bib)],
);

export const officials = sqliteTable(
  'officials',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['judge', 'head-judge', 'organiser'] }).notNull(),
    /** SHA-256 of the login token (hex): how a presented token is found. */
    tokenHash: text('token_hash').notNull().unique(),
    /**
     * The token sealed with AES-256-GCM under the server secret kept outside the database
     * (server/services/custody.ts), so a card can be printed again; null on rows made before
     * sealing, whose card is printed only by rotating. Useless without `DATA_DIR/server-secret.key`.
     */
    tokenSealed: text('token_sealed'),
    /**
     * The short login code typed on a tablet without a camera (e.g. 7KQ2M-XD4PA), as an
     * HMAC-SHA256 under the server secret; rows made before sealing hold its plain SHA-256.
     */
    shortCodeHash: text('short_code_hash').unique(),
    /** JSON array of sheet ids this official scores. */
    sheetsJson: text('sheets_json').notNull().default('[]'),
    /**
     * JSON array of station ids whose measurements (faults, veto, checks, times) this official
     * records for the panel: one recorder per panel station (docs/scheme.md).
     */
    recordsJson: text('records_json').notNull().default('[]'),
    revoked: integer('revoked', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [uniqueIndex('officials_code').on(t.competitionId, t.code)],
);

/**
 * The append-only marks log (评分记录). Nothing is updated or deleted. Entries:
 * - `mark`: one judge's values for one contestant × sheet × attempt; a later mark on the same
 *   line supersedes the earlier one (`supersedes_id`, with a reason);
 * - `void`: the head judge drops mark `target_mark_id` out, with a reason;
 * - `rerun`: the head judge voids attempt `attempt` of `station_id` and grants another.
 * The `id` is the log sequence; `client_id` is made by the client and makes a resend harmless.
 */
export const marks = sqliteTable(
  'marks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: text('client_id').notNull().unique(),
    kind: text('kind', { enum: ['mark', 'void', 'rerun'] })
      .notNull()
      .default('mark'),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    contestantId: integer('contestant_id')
      .notNull()
      .references(() => contestants.id),
    /** The sheet of a mark (and of the mark a void drops); null for a rerun. */
    sheetId: text('sheet_id'),
    /** The station of a rerun; null otherwise. */
    stationId: text('station_id'),
    attempt: integer('attempt').notNull().default(1),
    /** The author: the official who wrote the entry. */
    officialId: integer('official_id')
      .notNull()
      .references(() => officials.id),
    /**
     * The rules version the entry was written under (engine/log.ts MARK_RULES): the log is
     * replayed at boot, and an entry folds under its own version. Rows written before marks
     * had owners are 1.
     */
    rules: integer('rules').notNull().default(1),
    /**
     * Rules 2: the owner, whose line the mark is: the panel judge; null on a one-judge sheet,
     * where the line itself is the owner (so a second official's mark supersedes the first).
     */
    ownerId: integer('owner_id'),
    /** Rules 2: the mark carries the sheet's measurements (its author recorded them). */
    measures: integer('measures', { mode: 'boolean' }).notNull().default(false),
    /** Parsed criterion values as JSON (engine/values.ts SheetValues); `{}` for actions. */
    valuesJson: text('values_json').notNull().default('{}'),
    supersedesId: integer('supersedes_id'),
    /** The mark a void drops out. */
    targetMarkId: integer('target_mark_id'),
    reason: text('reason'),
    /** Competition revision this entry produced. */
    revision: integer('revision').notNull(),
    /** Server wall clock, for people only; ordering is by id and revision. */
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('marks_line').on(t.competitionId, t.contestantId, t.sheetId)],
);

/** Lock (sign-off) and re-open events of stations, append-only; the latest per station wins. */
export const stationLocks = sqliteTable(
  'station_locks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    stationId: text('station_id').notNull(),
    action: text('action', { enum: ['lock', 'reopen'] }).notNull(),
    officialId: integer('official_id')
      .notNull()
      .references(() => officials.id),
    reason: text('reason'),
    revision: integer('revision').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('station_locks_station').on(t.competitionId, t.stationId)],
);

/**
 * The audit log of everything an organiser or head judge did to the competition's course
 * (freeze, reveal, publish, lock, re-open, settings, token rotation), append-only.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    officialId: integer('official_id').references(() => officials.id),
    action: text('action').notNull(),
    /** JSON with the action's details. */
    detailJson: text('detail_json').notNull().default('{}'),
    reason: text('reason'),
    revision: integer('revision').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('audit_log_competition').on(t.competitionId)],
);

/** Server-wide settings (key → JSON), e.g. the organiser password's scrypt hash. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  valueJson: text('value_json').notNull(),
});

/**
 * Login sessions made from the organiser's password or from a short code: the session token is
 * stored as SHA-256, with an expiry.
 */
export const sessions = sqliteTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  officialId: integer('official_id')
    .notNull()
    .references(() => officials.id),
  /**
   * A session opened with a short code: the official's `token_hash` at that moment, so the
   * session ends when the token is rotated. Null for a password session.
   */
  credentialHash: text('credential_hash'),
  expiresAt: text('expires_at').notNull(),
  createdAt: text('created_at').notNull(),
});

/**
 * Re-score requests (要求重评): the head judge asks the judges of a sheet to mark a contestant
 * again, with a reason. Server state, append-only: it reaches the judges' tablets on every
 * (re)connect, on any device; a judge's part is done once that judge's line has a mark
 * committed after the request (revision order), so nothing is updated here.
 */
export const rescoreRequests = sqliteTable(
  'rescore_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    contestantId: integer('contestant_id')
      .notNull()
      .references(() => contestants.id),
    sheetId: text('sheet_id').notNull(),
    /** The head judge who asked. */
    officialId: integer('official_id')
      .notNull()
      .references(() => officials.id),
    reason: text('reason').notNull(),
    /** The competition revision when asked: marks with a later revision answer it. */
    revision: integer('revision').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('rescore_requests_competition').on(t.competitionId)],
);
