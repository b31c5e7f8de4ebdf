import { z } from 'zod';
import { CompetitionInfo, OfficialRole, Slug } from './fixture.ts';
import { CompetitionSummary } from './http.ts';
import { SafeText } from './judge.ts';
import { MarkingScheme } from './scheme.ts';

/**
 * The HTTP contract's requests (params, query, bodies) and the answers whose shape clients
 * rely on, as zod schemas the routes declare (`schema: {params, querystring, body, response}`).
 * Answers that are open (standings rows, a competition summary) are declared loose: their
 * named fields are checked, the rest passes as it is, so a schema never strips what a page
 * reads. Answers that are files (CSV, XLSX, HTML, a database) have no response schema.
 */

export const SlugParams = z.object({ slug: Slug });
/** An official's code in a URL. */
export const OfficialCode = z.string().regex(/^[A-Z0-9]{2,8}$/);
export const OfficialParams = SlugParams.extend({ code: OfficialCode });

/** `?lang=zh|en` of the exports (anything else: Chinese). */
export const ExportQuery = z.looseObject({ lang: z.unknown().optional() });

/**
 * An open answer (standings, a summary, the marks log): checked to be an object and sent as
 * it is, nothing stripped or copied, so a large answer costs no more than JSON.stringify.
 */
export const JsonAnswer = z.custom<object>((v) => typeof v === 'object' && v !== null);
/**
 * An answer declared by its protocol schema (protocol/http.ts, course.ts) and sent as it is:
 * the handler must return `z.output<S>` (the compiler checks it), and nothing is parsed,
 * stripped or copied on the way out, so a large answer costs no more than JSON.stringify and a
 * field the schema does not name yet still reaches the page. server/protocol-answers.test.ts
 * parses the real answers with the schemas themselves, so a declared shape cannot drift from
 * what is sent.
 */
export function sentAs<S extends z.ZodType>(_schema: S): z.ZodType<z.output<S>> {
  return JsonAnswer as unknown as z.ZodType<z.output<S>>;
}
/**
 * The answers of a route that also sends bodies with 4xx/5xx (an import's refused lines): the
 * 200 declared by its protocol schema (see {@link sentAs}), the others open.
 */
export function sentWithRefusals<S extends z.ZodType>(schema: S) {
  return { 200: sentAs(schema), '4xx': JsonAnswer, '5xx': JsonAnswer };
}
/** `{ok: true}`, and the revision a write produced. */
export const Ok = z.object({ ok: z.literal(true) });
export const WriteOk = z.object({ ok: z.literal(true), revision: z.number().int() });

/** `GET /api/server-info`: the server's LAN addresses, for QR codes phones can open. */
export const ServerInfo = z.object({ lanUrls: z.array(z.string()) });
export type ServerInfo = z.infer<typeof ServerInfo>;

// ── /api/session ─────────────────────────────────────────────────────────────

export const PasswordLogin = z.object({ slug: Slug, password: z.string().min(1).max(200) });
/** A short code as typed (7KQ2M-XD4PA; case, spaces and look-alikes are forgiven). */
export const CodeLogin = z.object({ code: z.string().min(10).max(40) });
export const SessionSwitch = z.object({ slug: Slug });
/** A session (`POST /api/session`, `POST /api/session/switch`): its token and when it ends. */
export const Session = z.object({
  token: z.string(),
  expiresAt: z.string(),
  role: OfficialRole,
  code: z.string().optional(),
  name: z.string().optional(),
  competition: z.string().optional(),
});
export type Session = z.infer<typeof Session>;
/** `GET /api/me`: who a login code or password session belongs to. */
export const Me = z.object({
  code: z.string(),
  name: z.string(),
  role: OfficialRole,
  sheets: z.array(z.string()),
  /** The competition's slug; null when the official's competition is not loaded. */
  competition: z.string().nullable(),
});
export type Me = z.infer<typeof Me>;

// ── /api/competitions/:slug (settings) ───────────────────────────────────────

/**
 * `PATCH /api/competitions/:slug` (organiser): what may be edited of a competition — all but
 * its slug and scheme — and only what changed.
 */
export const SettingsPatch = CompetitionInfo.omit({ slug: true })
  .extend({
    title: z.object({ zh: SafeText.min(1).max(200), en: SafeText.min(1).max(200) }),
    venue: SafeText.max(120),
  })
  .partial();
export type SettingsPatch = z.input<typeof SettingsPatch>;
/** The answer to a settings change: the competition's summary after it. */
export const SettingsAnswer = z.object({ competition: CompetitionSummary });
export type SettingsAnswer = z.infer<typeof SettingsAnswer>;

// ── /api/competitions/:slug/… (head judge) ───────────────────────────────────

const Reason = SafeText.min(2).max(200);
const OptionalClientId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/)
  .optional();
export const MarkParams = SlugParams.extend({ id: z.coerce.number().int() });
export const VoidRequest = z.object({
  reason: z.string().trim().min(2).max(200),
  clientId: OptionalClientId,
});
export const RerunRequest = VoidRequest.extend({
  contestantId: z.number().int().positive(),
  stationId: z.string().max(64),
  attempt: z.number().int().min(1).max(20),
});
export const RescoreRequestBody = z.object({
  contestantId: z.number().int().positive(),
  sheetId: z.string().max(64),
  reason: Reason,
});
export const RescoreAnswer = z.object({
  ok: z.literal(true),
  id: z.number().int(),
  tabletsTold: z.number().int(),
});

// ── review: the marks log, re-scores, judge monitoring, the scheme ─────────────

const Person = z.object({ code: z.string(), name: z.string() });

/** One entry of the marks log (append-only: marks, corrections, voids, re-runs). */
export const LogMark = z.object({
  id: z.number().int(),
  kind: z.enum(['mark', 'void', 'rerun']),
  contestantId: z.number().int(),
  bib: z.string(),
  name: z.string(),
  sheetId: z.string().nullable(),
  stationId: z.string().nullable(),
  attempt: z.number().int(),
  /** Who wrote it. */
  judge: Person,
  /**
   * Whose line it is: the judge on a panel sheet; null for a sheet one judge fills (the line
   * itself) and for voids and re-runs.
   */
  owner: Person.nullable(),
  /** As stored: faults `{id: count}`, veto/check booleans, time ms, judgement/imported milli-points. */
  values: z.record(z.string(), z.unknown()),
  reason: z.string().nullable(),
  /** A correction: the mark it replaces. */
  supersedesId: z.number().int().nullable(),
  /** A void: the mark it voids. */
  targetMarkId: z.number().int().nullable(),
  createdAt: z.string(),
  revision: z.number().int(),
  /** True for a mark that counts now. */
  current: z.boolean(),
});
export type LogMark = z.infer<typeof LogMark>;
/** `GET …/marks` (organiser, head judge): the whole log, oldest first. */
export const MarksResponse = z.object({ marks: z.array(LogMark) });
export type MarksResponse = z.infer<typeof MarksResponse>;

/** `GET …/judge-stats`: one judge × judgement criterion (engine/judge-stats.ts). */
export const JudgeStat = z.object({
  judgeId: z.number().int(),
  code: z.string(),
  name: z.string(),
  criterionId: z.string(),
  criterion: z.object({ zh: z.string(), en: z.string() }),
  /** Lines where this judge marked beside at least one other judge. */
  lines: z.number().int(),
  /** Mean signed deviation from the panel mean, 2 decimals ("+0.33": marks high). */
  meanDeviation: z.string(),
  /** Mean absolute deviation, same unit. */
  meanAbsDeviation: z.string(),
});
export type JudgeStat = z.infer<typeof JudgeStat>;
export const JudgeStatsResponse = z.object({ judges: z.array(JudgeStat) });
export type JudgeStatsResponse = z.infer<typeof JudgeStatsResponse>;

/** One re-score request the head judge made, with each judge's answer. */
export const RescoreItem = z.object({
  id: z.number().int(),
  contestantId: z.number().int(),
  bib: z.string(),
  name: z.string(),
  sheetId: z.string(),
  reason: z.string(),
  by: Person,
  /** Server time (ISO 8601). */
  at: z.string(),
  /** Each judge asked (code and name empty for the one line of a one-judge sheet). */
  judges: z.array(z.object({ official: Person, done: z.boolean() })),
  /** Some judge has not marked the line again yet. */
  pending: z.boolean(),
});
export type RescoreItem = z.infer<typeof RescoreItem>;
/** `GET …/rescores`. */
export const RescoresResponse = z.object({ requests: z.array(RescoreItem) });
export type RescoresResponse = z.infer<typeof RescoresResponse>;

/** `GET …/scheme`: the marking scheme the server scores with, parsed (defaults filled in). */
export const SchemeResponse = z.object({ scheme: MarkingScheme });
export type SchemeResponse = z.infer<typeof SchemeResponse>;

// ── officials ────────────────────────────────────────────────────────────────

const SheetIds = z.array(z.string().max(64)).max(100);
export const NewOfficialRequest = z.object({
  code: z.string().regex(/^[A-Z0-9]{2,8}$/, 'code: 2–8 capital letters or digits'),
  name: SafeText.min(1).max(60),
  role: OfficialRole,
  sheets: SheetIds.default([]),
  /** Stations whose panel measurements this judge records (docs/scheme.md). */
  records: SheetIds.default([]),
});
/** `PATCH …/officials/:code`: what changes of an official (his code and role never do). */
export const OfficialPatchRequest = z.object({
  name: SafeText.min(1).max(60).optional(),
  sheets: SheetIds.optional(),
  records: SheetIds.optional(),
});
export type OfficialPatch = z.input<typeof OfficialPatchRequest>;
/** Revoke or rotate: an optional reason for the audit log. */
export const CredentialChange = z
  .object({ reason: SafeText.max(200).optional() })
  .default({})
  .optional();
export type NewOfficial = z.input<typeof NewOfficialRequest>;
/** A login code shown once: the token, what a judge types ("7KQ2M-XD4PA") and the tablet's link. */
export const Login = z.object({
  code: z.string(),
  token: z.string(),
  shortCode: z.string(),
  loginPath: z.string(),
});
export type Login = z.infer<typeof Login>;

/** `GET …/officials`: one official of the competition (never a token). */
export const Official = z.object({
  code: z.string(),
  name: z.string(),
  role: OfficialRole,
  sheets: z.array(z.string()),
  /** Panel stations whose measurements he records (docs/scheme.md). */
  records: z.array(z.string()),
  revoked: z.boolean(),
  /** The server can show his login code again, for printing. */
  printable: z.boolean(),
});
export type Official = z.infer<typeof Official>;
export const OfficialsResponse = z.object({ officials: z.array(Official) });
export type OfficialsResponse = z.infer<typeof OfficialsResponse>;

/**
 * `GET …/officials/cards`: one official's card as the server prints it, the same code every
 * time; the login is null when revoked, or when the code cannot be shown again
 * (`unrecoverable`: made before codes were kept for printing; print that card by rotating).
 */
export const OfficialCard = z.object({
  code: z.string(),
  name: z.string(),
  role: OfficialRole,
  sheets: z.array(z.string()),
  revoked: z.boolean(),
  status: z.enum(['printable', 'revoked', 'unrecoverable']),
  token: z.string().nullable(),
  shortCode: z.string().nullable(),
  loginPath: z.string().nullable(),
  /** The console's sign-in link, for an organiser or head judge. */
  consolePath: z.string().nullable(),
});
export type OfficialCard = z.infer<typeof OfficialCard>;
export const CardsResponse = z.object({ cards: z.array(OfficialCard) });
export type CardsResponse = z.infer<typeof CardsResponse>;

/** `POST …/officials` (201): the new official as stored, and his login code shown once. */
export const OfficialCreated = z.object({
  ...NewOfficialRequest.shape,
  ...Login.omit({ code: true }).shape,
});
export type OfficialCreated = z.infer<typeof OfficialCreated>;

/** `PATCH …/officials/:code`: the official's name and assignments after the edit. */
export const OfficialEdited = z.object({
  code: z.string(),
  name: z.string(),
  sheets: z.array(z.string()),
  records: z.array(z.string()),
});
export type OfficialEdited = z.infer<typeof OfficialEdited>;

/**
 * `POST …/officials/:code/rotate`: his new login code, shown once; `…/revoke`: revoked. Both
 * say how many of his open tablets were logged out.
 */
export const Rotated = Login.extend({ loggedOut: z.number().int() });
export type Rotated = z.infer<typeof Rotated>;
export const Revoked = z.object({
  code: z.string(),
  revoked: z.literal(true),
  loggedOut: z.number().int(),
});
export const CredentialAnswer = z.union([Rotated, Revoked]);
export type CredentialAnswer = z.infer<typeof CredentialAnswer>;

// ── set-up ───────────────────────────────────────────────────────────────────

export const DryRunQuery = z.looseObject({ dryRun: z.unknown().optional() });
export const DrawRequest = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .optional();
/** `POST …/draw`: the running order drawn from a recorded seed. */
export const DrawAnswer = z.object({
  seed: z.number().int(),
  order: z.array(z.object({ bib: z.string(), drawOrder: z.number().int() })),
});
export type DrawAnswer = z.infer<typeof DrawAnswer>;
export const NewCompetitionQuery = z.object({ slug: Slug.optional() });

/** An official's new login in a created competition's answer, shown once. */
export const NewLogin = z.object({
  code: z.string(),
  name: z.string(),
  role: OfficialRole,
  token: z.string(),
  /** What a judge types on the tablet's sign-in screen ("7KQ2M-XD4PA"). */
  shortCode: z.string(),
});
export type NewLogin = z.infer<typeof NewLogin>;
/** `POST /api/competitions` (201): the new competition's slug and every official's new login. */
export const CompetitionCreated = z.object({ slug: z.string(), logins: z.array(NewLogin) });
export type CompetitionCreated = z.infer<typeof CompetitionCreated>;
/** `POST /api/festivals` (201): the festival's slug and, per competition, the new logins. */
export const FestivalCreated = z.object({
  slug: z.string(),
  competitions: z.array(CompetitionCreated),
});
export type FestivalCreated = z.infer<typeof FestivalCreated>;

// ── imports ──────────────────────────────────────────────────────────────────

/** Largest score import file accepted, bytes (5,000 rows of bib,score fit many times over). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

const BibKey = z.string().min(1).max(64);
/**
 * `POST …/imports/:criterionId` in its JSON form: the file's text, and for each bib the mark
 * id its dry run showed (`supersedes`; null: none); `overwrite` (bib → reason) and `keep`
 * decide conflicting lines. (The body may also be the CSV itself.)
 */
export const ScoreImportRequest = z
  .object({
    csv: z.string().max(MAX_IMPORT_BYTES),
    seen: z.record(BibKey, z.number().int().positive().nullable()).optional(),
    overwrite: z
      .record(BibKey, SafeText.min(2, '覆盖须填写原因（至少 2 个字）').max(200))
      .optional(),
    keep: z.array(BibKey).max(100_000).optional(),
  })
  .strict()
  .refine(
    (r) => !(r.keep ?? []).some((bib) => r.overwrite && Object.hasOwn(r.overwrite, bib)),
    '同一号码不能既保留又覆盖',
  );
export type ScoreImportRequest = z.infer<typeof ScoreImportRequest>;

/**
 * A line of an uploaded file that was refused (0: the file as a whole), and why: a code of
 * line-problems.ts's closed table with its parameters, which the console words in its
 * language, and the same in Chinese (`message`).
 */
export const LineError = z.object({
  line: z.number().int(),
  /** A LineProblemCode; a plain string here so this schema does not pull the texts in. */
  code: z.string(),
  params: z.record(z.string(), z.unknown()),
  message: z.string(),
});
export type LineError = z.infer<typeof LineError>;

/** `POST …/contestants/import[?dryRun=1]`: one row read from the file. */
export const ContestantRow = z.object({
  /** The file's own line (the sheet's row number for XLSX). */
  line: z.number().int(),
  bib: z.string(),
  name: z.string(),
  organisation: z.string(),
  /** The draw order stored: the file's, or the row's position when the file gives none. */
  drawOrder: z.number().int().nullable(),
});
export type ContestantRow = z.infer<typeof ContestantRow>;
/** `POST …/contestants/import`: the rows read, the refused lines, how many were stored. */
export const ContestantImportAnswer = z.object({
  rows: z.array(ContestantRow),
  errors: z.array(LineError),
  imported: z.number().int(),
});
export type ContestantImportAnswer = z.infer<typeof ContestantImportAnswer>;

/** A line's current mark as the server names it: value as published, author, commit time. */
export const CurrentScore = z.object({
  markId: z.number().int(),
  value: z.string().nullable(),
  by: Person.nullable(),
  at: z.string().nullable(),
});
export type CurrentScore = z.infer<typeof CurrentScore>;

/** `POST …/imports/:criterionId`: one line of the file as the server stores (or would store) it. */
export const ScoreLine = z.object({
  line: z.number().int(),
  bib: z.string(),
  name: z.string(),
  /** The cell as the file wrote it. */
  text: z.string(),
  /** The value stored, as published ("95.50"). */
  value: z.string(),
  change: z.enum(['new', 'changed', 'unchanged', 'kept']),
  /** The mark this line supersedes (what the dry run showed): sent back as `seen`. */
  supersedes: z.number().int().nullable(),
  current: CurrentScore.nullable(),
  /** The mark written for the line, after an import (not a dry run). */
  markId: z.number().int().optional(),
});
export type ScoreLine = z.infer<typeof ScoreLine>;

/** A line whose mark changed after the preview (a tablet's correction, a void). */
export const ScoreConflict = z.object({
  line: z.number().int(),
  bib: z.string(),
  name: z.string(),
  /** The file's value. */
  value: z.string(),
  seen: z.number().int().nullable(),
  /** What the line holds now; null when its mark was voided. */
  current: CurrentScore.nullable(),
});
export type ScoreConflict = z.infer<typeof ScoreConflict>;

/** `POST …/imports/:criterionId[?dryRun=1]`: every line as stored (or to be), errors, conflicts. */
export const ScoreImportAnswer = z.object({
  dryRun: z.boolean(),
  rows: z.number().int(),
  imported: z.number().int(),
  unchanged: z.number().int(),
  kept: z.number().int(),
  lines: z.array(ScoreLine),
  errors: z.array(LineError),
  conflicts: z.array(ScoreConflict),
});
export type ScoreImportAnswer = z.infer<typeof ScoreImportAnswer>;

export const ImportParams = SlugParams.extend({ criterionId: z.string().max(64) });
export const ImportQuery = z.object({
  dryRun: z.enum(['0', '1', 'true', 'false']).optional(),
});

// ── festivals ────────────────────────────────────────────────────────────────

export const CertificateQuery = z.object({
  award: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/)
    .optional(),
  bib: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,12}$/)
    .optional(),
});
/** `POST …/advance`: the next round's slug and how many went on to it. */
export const AdvanceAnswer = z.object({ next: z.string(), count: z.number().int() });
export type AdvanceAnswer = z.infer<typeof AdvanceAnswer>;
