import type { CompetitionSummary } from '#protocol';
import type { Api, ApiResult } from './api.ts';

/** A body of `POST /api/competitions/:slug/course` (server/services/course.ts). */
export type CourseAction =
  | { action: 'station.lock'; stationId: string; reason?: string }
  | { action: 'station.reopen'; stationId: string; reason: string }
  | { action: 'competition.freeze'; reason?: string }
  | { action: 'competition.unfreeze'; reason: string }
  | { action: 'competition.reveal' }
  | { action: 'competition.publish'; reason?: string }
  | { action: 'competition.settings'; nameDisplay: 'full' | 'masked' };

export interface CourseAnswer {
  competition: CompetitionSummary;
  lockedStations: string[];
}

/** Sends one course action; a refusal comes back as `{error, message}` with a Chinese message. */
export function postCourse(api: Api, action: CourseAction): Promise<ApiResult<CourseAnswer>> {
  return api.request<CourseAnswer>(api.competition('/course'), { json: action });
}
