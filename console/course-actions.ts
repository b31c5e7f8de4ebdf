import type { OpenLine } from '#engine';
import type { CompetitionSummary } from '#protocol';
import type { Api, ApiFail, ApiResult } from './api.ts';

/** A body of `POST /api/competitions/:slug/course` (server/services/course.ts). */
export type CourseAction =
  | { action: 'station.lock'; stationId: string; reason?: string }
  | { action: 'station.reopen'; stationId: string; reason: string }
  | { action: 'competition.freeze'; reason?: string }
  | { action: 'competition.unfreeze'; reason: string }
  | { action: 'competition.reveal' }
  | { action: 'competition.publish'; reason?: string }
  | { action: 'competition.settings'; nameDisplay: 'full' | 'masked' };

/** Why a published row stays provisional: a station locked without a full panel's score. */
export interface ProvisionalReason {
  bib: string;
  name: string;
  stationId: string;
  status: OpenLine['status'];
}

/** What a publish answers besides the summary (server/services/course.ts `PublishReport`). */
export interface PublishReport {
  /** Rows of active contestants that stay provisional in the official results. */
  provisional: number;
  /** One per row × station not scored by a full panel (at most 1,000). */
  reasons: ProvisionalReason[];
}

export interface CourseAnswer extends Partial<PublishReport> {
  competition: CompetitionSummary;
  lockedStations: string[];
}

/**
 * A lock refused because the station has open lines (409, server/services/course.ts
 * `OpenLinesRefusal`): `reasonRequired` when a reason locks it anyway (`course/open_lines`),
 * false while a line is flagged (`course/flagged_lines`: resolve it first).
 */
export interface OpenLinesRefusal {
  stationId: string;
  reasonRequired: boolean;
  /** Open lines in all; `lines` stops at 1,000. */
  count: number;
  /** Contestants with an open line. */
  contestants: number;
  lines: OpenLine[];
}

/** The open lines a refused lock carries, or null when the refusal is about something else. */
export function openLinesOf(f: ApiFail): OpenLinesRefusal | null {
  if (f.status !== 409 || (f.error !== 'course/open_lines' && f.error !== 'course/flagged_lines'))
    return null;
  const b = f.body as Partial<OpenLinesRefusal> | null;
  if (!b || !Array.isArray(b.lines) || typeof b.count !== 'number') return null;
  return {
    stationId: String(b.stationId ?? ''),
    reasonRequired: b.reasonRequired === true,
    count: b.count,
    contestants: typeof b.contestants === 'number' ? b.contestants : 0,
    lines: b.lines,
  };
}

/** Sends one course action; a refusal comes back as `{error, message}` with a Chinese message. */
export function postCourse(api: Api, action: CourseAction): Promise<ApiResult<CourseAnswer>> {
  return api.request<CourseAnswer>(api.competition('/course'), { json: action });
}
