import type { CourseAction, CourseAnswer, OpenLinesRefusal } from '#protocol';
import type { Api, ApiFail, ApiResult } from './api.ts';

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
