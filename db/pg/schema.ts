import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL twin of db/schema.ts, for a city-wide deployment (`DATABASE_URL=postgres://…`).
 * db/schema.ts stays the source of truth: every table, column, default, unique constraint and
 * index here mirrors it one for one, and db/pg/schema.test.ts fails on any difference. Only
 * the spellings differ: identity columns for AUTOINCREMENT, `boolean` for SQLite's 0/1, and
 * the ISO-8601 default of `competitions.created_at` from `now()`.
 * `npm run db:generate` writes db/pg/migrations/ from it.
 */

/** An auto-numbered key; explicit ids (a restored export) are allowed, like SQLite's. */
const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const festivals = pgTable('festivals', {
  id: id(),
  slug: text('slug').notNull().unique(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  venue: text('venue').notNull().default(''),
  date: text('date').notNull(),
  boardJson: text('board_json').notNull().default('{}'),
});

export const competitions = pgTable('competitions', {
  id: id(),
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
  nameDisplay: text('name_display', { enum: ['full', 'masked'] })
    .notNull()
    .default('full'),
  frozenRevision: integer('frozen_revision'),
  frozenAt: text('frozen_at'),
  revealed: integer('revealed'),
  schemeJson: text('scheme_json').notNull(),
  revision: integer('revision').notNull().default(0),
  createdAt: text('created_at')
    .notNull()
    .default(sql`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
});

export const contestants = pgTable(
  'contestants',
  {
    id: id(),
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
    carriedMilli: integer('carried_milli'),
    advancedFromId: integer('advanced_from_id'),
  },
  (t) => [uniqueIndex('contestants_bib').on(t.competitionId, t.bib)],
);

export const officials = pgTable(
  'officials',
  {
    id: id(),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['judge', 'head-judge', 'organiser'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    tokenSealed: text('token_sealed'),
    shortCodeHash: text('short_code_hash').unique(),
    sheetsJson: text('sheets_json').notNull().default('[]'),
    recordsJson: text('records_json').notNull().default('[]'),
    revoked: boolean('revoked').notNull().default(false),
  },
  (t) => [uniqueIndex('officials_code').on(t.competitionId, t.code)],
);

export const marks = pgTable(
  'marks',
  {
    id: id(),
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
    sheetId: text('sheet_id'),
    stationId: text('station_id'),
    attempt: integer('attempt').notNull().default(1),
    officialId: integer('official_id')
      .notNull()
      .references(() => officials.id),
    rules: integer('rules').notNull().default(1),
    ownerId: integer('owner_id'),
    measures: boolean('measures').notNull().default(false),
    valuesJson: text('values_json').notNull().default('{}'),
    supersedesId: integer('supersedes_id'),
    targetMarkId: integer('target_mark_id'),
    reason: text('reason'),
    revision: integer('revision').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('marks_line').on(t.competitionId, t.contestantId, t.sheetId)],
);

export const stationLocks = pgTable(
  'station_locks',
  {
    id: id(),
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

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    officialId: integer('official_id').references(() => officials.id),
    action: text('action').notNull(),
    detailJson: text('detail_json').notNull().default('{}'),
    reason: text('reason'),
    revision: integer('revision').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('audit_log_competition').on(t.competitionId)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  valueJson: text('value_json').notNull(),
});

export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  officialId: integer('official_id')
    .notNull()
    .references(() => officials.id),
  credentialHash: text('credential_hash'),
  expiresAt: text('expires_at').notNull(),
  createdAt: text('created_at').notNull(),
});

export const rescoreRequests = pgTable(
  'rescore_requests',
  {
    id: id(),
    competitionId: integer('competition_id')
      .notNull()
      .references(() => competitions.id),
    contestantId: integer('contestant_id')
      .notNull()
      .references(() => contestants.id),
    sheetId: text('sheet_id').notNull(),
    officialId: integer('official_id')
      .notNull()
      .references(() => officials.id),
    reason: text('reason').notNull(),
    revision: integer('revision').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('rescore_requests_competition').on(t.competitionId)],
);
