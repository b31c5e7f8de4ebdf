import type { CompetitionSummary, CourseAction, CourseAnswer } from '#protocol';
import { failText, type Api, type ApiResult } from './api.ts';
import { openLinesOf, postCourse } from './course-actions.ts';
import type { Dict } from './i18n.ts';
import type { StationCounts } from './progress.ts';

/**
 * "Lock every complete station" (锁定所有已评完的站点): one confirmation, then a plain lock (no
 * reason) of each station not yet locked, one after another. The server decides what is
 * complete: a station with open lines answers 409 `course/open_lines` (a disagreement
 * `course/flagged_lines`) and is skipped — without a reason nothing incomplete is ever locked.
 */

/** Why a station was not locked. */
export type SkipReason = 'open' | 'flagged' | 'other';

export interface Skipped {
  stationId: string;
  reason: SkipReason;
  /** Open lines, and contestants with one (`open` and `flagged`). */
  lines: number;
  contestants: number;
  /** The server's message as sent (or a worded failure), for `other`. */
  message: string;
}

export interface LockAllReport {
  locked: string[];
  skipped: Skipped[];
  /** The summary the last successful lock answered with; null when none locked. */
  competition: CompetitionSummary | null;
}

type Post = (api: Api, action: CourseAction) => Promise<ApiResult<CourseAnswer>>;

/** Locks each station in turn (scheme order) and reports what was locked and what skipped. */
export async function lockAll(
  api: Api,
  stationIds: readonly string[],
  t: Pick<Dict, 'network' | 'notAvailable'>,
  post: Post = postCourse,
): Promise<LockAllReport> {
  const report: LockAllReport = { locked: [], skipped: [], competition: null };
  for (const stationId of stationIds) {
    const r = await post(api, { action: 'station.lock', stationId });
    if (r.ok) {
      report.locked.push(stationId);
      report.competition = r.data.competition;
      continue;
    }
    const open = openLinesOf(r);
    report.skipped.push({
      stationId,
      reason: open ? (open.reasonRequired ? 'open' : 'flagged') : 'other',
      lines: open?.count ?? 0,
      contestants: open?.contestants ?? 0,
      message: open ? r.message : failText(r, t),
    });
  }
  return report;
}

/**
 * What the console expects before asking, from the live counts: the stations that look
 * complete (every active contestant scored) and those that do not. Only said in the dialog;
 * the server's answers decide.
 */
export function lockAllForecast(
  stationIds: readonly string[],
  counts: Readonly<Record<string, StationCounts>>,
): { complete: string[]; open: string[] } {
  const complete: string[] = [];
  const open: string[] = [];
  for (const id of stationIds) ((counts[id]?.open ?? 0) > 0 ? open : complete).push(id);
  return { complete, open };
}
