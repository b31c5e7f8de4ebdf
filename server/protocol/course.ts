import { z } from 'zod';
import { CompetitionSummary } from './http.ts';
import { SafeText } from './judge.ts';
import { LocalText } from './scheme.ts';
import { LineStatus } from './standings.ts';

/**
 * `POST /api/competitions/:slug/course`: the competition's course (SPEC: draft → live →
 * frozen → final, the ceremony's reveal inside frozen) and the head judge's sign-offs, as one
 * action per request, and what the server answers. The route parses the body with
 * {@link CourseAction}; the console sends it and reads {@link CourseAnswer} and, on a refused
 * lock, {@link OpenLinesRefusal}.
 */

/** A course action; the roles allowed each are the engine's (`COURSE_ROLES`). */
export const CourseAction = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('station.lock'),
    stationId: z.string().max(64),
    /** Required (at least 2 characters) to lock a station that still has open lines. */
    reason: SafeText.min(2).max(200).optional(),
  }),
  z.object({
    action: z.literal('station.reopen'),
    stationId: z.string().max(64),
    reason: SafeText.min(2).max(200),
  }),
  z.object({ action: z.literal('competition.freeze'), reason: SafeText.max(200).optional() }),
  z.object({ action: z.literal('competition.unfreeze'), reason: SafeText.min(2).max(200) }),
  z.object({ action: z.literal('competition.reveal') }),
  z.object({ action: z.literal('competition.publish'), reason: SafeText.max(200).optional() }),
  z.object({ action: z.literal('competition.settings'), nameDisplay: z.enum(['full', 'masked']) }),
]);
export type CourseAction = z.infer<typeof CourseAction>;

/** A line's state when it is not scored by a full panel. */
export const OpenStatus = LineStatus.exclude(['scored']);
export type OpenStatus = z.infer<typeof OpenStatus>;

/**
 * One open line of a station (engine/open-lines.ts `openLines`): a contestant × sheet (the
 * station itself, or one of its sub-stations) × attempt that is not scored by a full panel —
 * nobody marked it (`empty`), fewer judges than required (`partial`), or the panel disagrees
 * beyond tolerance (`flagged`).
 */
export const OpenLine = z.object({
  contestantId: z.number().int(),
  bib: z.string(),
  name: z.string(),
  sheetId: z.string(),
  /** The sheet's label: the sub-station's, or the station's own when it is one sheet. */
  sheet: LocalText,
  /** The attempt (run) on a station run in attempts; null otherwise. */
  attempt: z.number().int().nullable(),
  status: OpenStatus,
  /** Judges whose current mark is on the line. */
  judges: z.number().int(),
  /** Judges a complete line needs (`minJudges`, else the station's panel). */
  required: z.number().int(),
});
export type OpenLine = z.infer<typeof OpenLine>;

/**
 * A lock refused because the station has open lines (409, beside `{error, params, message}`):
 * `course/open_lines` when a reason locks it anyway (`reasonRequired`), `course/flagged_lines`
 * while a line is flagged (resolve it first; a reason does not help).
 */
export const OpenLinesRefusal = z.object({
  stationId: z.string(),
  /** True when a reason would lock the station anyway (no line is flagged). */
  reasonRequired: z.boolean(),
  /** Open lines in all (`lines` stops at 1,000). */
  count: z.number().int(),
  /** Contestants with an open line. */
  contestants: z.number().int(),
  lines: z.array(OpenLine),
});
export type OpenLinesRefusal = z.infer<typeof OpenLinesRefusal>;

/** Why a published row stays provisional: a station locked without a full panel's score. */
export const ProvisionalReason = z.object({
  bib: z.string(),
  name: z.string(),
  stationId: z.string(),
  status: OpenStatus,
});
export type ProvisionalReason = z.infer<typeof ProvisionalReason>;

/** What `competition.publish` adds to its answer. */
export const PublishReport = z.object({
  /** Active contestants' rows that stay provisional in the official results. */
  provisional: z.number().int(),
  /** One per row × station not scored by a full panel (the list stops at 1,000). */
  reasons: z.array(ProvisionalReason),
});
export type PublishReport = z.infer<typeof PublishReport>;

/**
 * The answer to an accepted course action: the competition's summary and locked stations after
 * it, so the console moves on at once; a publish adds its {@link PublishReport}.
 */
export const CourseAnswer = z.object({
  competition: CompetitionSummary,
  lockedStations: z.array(z.string()),
  ...PublishReport.partial().shape,
});
export type CourseAnswer = z.infer<typeof CourseAnswer>;
