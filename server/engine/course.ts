import type {
  CourseAction,
  OpenLinesRefusal,
  ProvisionalReason,
  PublishReport,
} from '../protocol/course.ts';
import type { LocalText } from '../protocol/scheme.ts';
import type { CompetitionState, Writer } from './acceptance.ts';
import { openBibs, type OpenLine } from './open-lines.ts';
import { refuse, type Refusal } from './refusal.ts';
import type { StandingRow } from './standings.ts';

/**
 * Who may do what: the head judge signs stations off; the organiser runs the course. The
 * actions themselves (SPEC: draft → live → frozen → final, the ceremony's reveal inside
 * frozen) are protocol/course.ts `CourseAction`, the body of `POST …/course`.
 */
export const COURSE_ROLES: Record<CourseAction['action'], readonly Writer['role'][]> = {
  'station.lock': ['head-judge', 'organiser'],
  'station.reopen': ['head-judge', 'organiser'],
  'competition.freeze': ['organiser'],
  'competition.unfreeze': ['organiser'],
  'competition.reveal': ['organiser'],
  'competition.publish': ['organiser'],
  'competition.settings': ['organiser'],
};

/** Most lines (or reasons) one answer lists; `count` / `provisional` always say how many. */
export const LIST_MAX = 1000;

/** Most bibs a refusal's text names (`1号、3号 … 等 12 位`); the count says how many in all. */
export const BIBS_NAMED = 10;

/** The part of a competition the course moves. */
export interface CourseState {
  state: CompetitionState;
  /** Rows revealed so far in the ceremony (from last place up); null: the reveal has not begun. */
  revealed: number | null;
  nameDisplay: 'full' | 'masked';
}

/**
 * What the course rules read of a competition beyond its {@link CourseState}, in memory.
 * The costly reads are functions, called only by the action that needs them.
 */
export interface CourseFacts {
  /** The competition's id (an official of another one may not act on it). */
  id: number;
  /** Every station in scheme order. */
  stations: readonly { id: string; label: LocalText }[];
  isLocked(stationId: string): boolean;
  /** The station's open lines for the active contestants, by bib (engine/open-lines.ts). */
  openLines(stationId: string): OpenLine[];
  /** The current standings (the reveal counts their rows; publish reports the provisional). */
  standings(): readonly StandingRow[];
}

/** What happened, for the shell to commit (state row, lock row, audit) and to answer. */
export type CourseEvent =
  | {
      type: 'station.locked';
      stationId: string;
      /** Locked with open lines (on purpose, with a reason): what was open, for the audit. */
      openLines?: { count: number; bibs: string[] };
    }
  | { type: 'station.reopened'; stationId: string }
  | { type: 'competition.frozen' }
  | { type: 'competition.unfrozen' }
  | { type: 'competition.revealed'; revealed: number }
  | { type: 'competition.published'; report: PublishReport; bibs: string[] }
  | { type: 'competition.settings'; nameDisplay: 'full' | 'masked' };

/** The codes the course rules refuse with (each with its `ErrorParams`). */
export type CourseRefusalCode =
  | 'auth/forbidden'
  | 'course/final'
  | 'course/unknown_station'
  | 'course/already_locked'
  | 'course/not_locked'
  | 'course/flagged_lines'
  | 'course/open_lines'
  | 'course/not_live'
  | 'course/not_frozen'
  | 'course/all_revealed'
  | 'course/stations_unlocked';

/**
 * Why a course action is refused, with what its text needs; a lock refused for its open
 * lines also carries them (`detail`, answered beside the error).
 */
export type CourseRefusal =
  | Exclude<
      { [C in CourseRefusalCode]: Refusal<C> }[CourseRefusalCode],
      Refusal<'course/flagged_lines' | 'course/open_lines'>
    >
  | (Refusal<'course/flagged_lines'> & { detail: OpenLinesRefusal })
  | (Refusal<'course/open_lines'> & { detail: OpenLinesRefusal });

/** A course action's outcome: the next state and what happened, or why not. */
export type CourseDecision =
  { ok: true; state: CourseState; events: CourseEvent[] } | CourseRefusal;

/**
 * Rows of the official results that stay provisional, and why: an active contestant's station
 * that is locked but not scored by a full panel (the engine's `provisional`, once every
 * station is locked). Locks, not the state, decide it: the same before and after publishing.
 * @returns the report (reasons stop at {@link LIST_MAX}) and the bibs of every such row.
 */
export function provisionalReport(
  rows: readonly StandingRow[],
): PublishReport & { bibs: string[] } {
  const reasons: ProvisionalReason[] = [];
  const bibs: string[] = [];
  for (const r of rows) {
    if (r.status !== 'active' || !r.provisional) continue;
    bibs.push(r.bib);
    for (const [stationId, s] of Object.entries(r.stations))
      if (s.status !== 'scored' && reasons.length < LIST_MAX)
        reasons.push({ bib: r.bib, name: r.name, stationId, status: s.status });
  }
  return { provisional: bibs.length, reasons, bibs };
}

/**
 * The course state machine: one action applied to a competition's state. Rules (SPEC,
 * docs/officiating.md): the head judge or organiser locks and re-opens stations, only the
 * organiser runs the course; nothing changes once final. Lock only an unlocked station,
 * never while a line there is flagged, and with a reason while a line there is empty or
 * partial; re-open only a locked one. Freeze only while live; unfreeze and reveal only while
 * frozen, one row at a time from last place up, until every row is revealed; publish (final,
 * official) only when every station is locked, from any state before final; settings any
 * time before final. There is no action out of draft (a draft competition comes only from a
 * competition file, and takes no marks). The reasons a re-open and an unfreeze need (at least
 * two characters) are the action's schema's (protocol/course.ts), checked at the edge.
 *
 * Pure: reads `course`, `facts` and `who`; no clock (the shell stamps the time).
 * @returns the next {@link CourseState} with the events to commit, or the refusal.
 */
export function nextCourse(
  course: CourseState,
  action: CourseAction,
  who: Pick<Writer, 'role' | 'competitionId'>,
  facts: CourseFacts,
): CourseDecision {
  if (!COURSE_ROLES[action.action].includes(who.role)) return refuse('auth/forbidden', {});
  if (who.competitionId !== facts.id) return refuse('auth/forbidden', { why: 'not_staff' });
  const { state, revealed } = course;
  if (state === 'final') return refuse('course/final', {});
  const done = (next: Partial<CourseState>, event: CourseEvent): CourseDecision => ({
    ok: true,
    state: { ...course, ...next },
    events: [event],
  });
  switch (action.action) {
    case 'station.lock':
    case 'station.reopen': {
      const station = facts.stations.find((s) => s.id === action.stationId);
      if (!station) return refuse('course/unknown_station', { station: action.stationId });
      const locked = facts.isLocked(station.id);
      if (action.action === 'station.reopen')
        return locked
          ? done({}, { type: 'station.reopened', stationId: station.id })
          : refuse('course/not_locked', { station: station.label });
      if (locked) return refuse('course/already_locked', { station: station.label });
      const lines = facts.openLines(station.id);
      const bibs = openBibs(lines);
      const flagged = openBibs(lines.filter((l) => l.status === 'flagged'));
      const detail = (reasonRequired: boolean): OpenLinesRefusal => ({
        stationId: station.id,
        reasonRequired,
        count: lines.length,
        contestants: bibs.length,
        lines: lines.slice(0, LIST_MAX),
      });
      // Sign-off means the head judge has resolved every disagreement at this station.
      if (flagged.length)
        return {
          ...refuse('course/flagged_lines', {
            station: station.label,
            bibs: flagged.slice(0, BIBS_NAMED),
            contestants: flagged.length,
          }),
          detail: detail(false),
        };
      // Lines not complete: signed off only on purpose, with a reason for the record.
      if (lines.length && !action.reason)
        return {
          ...refuse('course/open_lines', {
            station: station.label,
            lines: lines.length,
            bibs: bibs.slice(0, BIBS_NAMED),
            contestants: bibs.length,
          }),
          detail: detail(true),
        };
      return done(
        {},
        {
          type: 'station.locked',
          stationId: station.id,
          ...(lines.length ? { openLines: { count: lines.length, bibs } } : {}),
        },
      );
    }
    case 'competition.freeze':
      if (state !== 'live') return refuse('course/not_live', {});
      return done({ state: 'frozen', revealed: null }, { type: 'competition.frozen' });
    case 'competition.unfreeze':
      if (state !== 'frozen') return refuse('course/not_frozen', {});
      return done({ state: 'live', revealed: null }, { type: 'competition.unfrozen' });
    case 'competition.reveal': {
      if (state !== 'frozen') return refuse('course/not_frozen', { reveal: true });
      if ((revealed ?? 0) >= facts.standings().length) return refuse('course/all_revealed', {});
      const next = (revealed ?? 0) + 1;
      return done({ revealed: next }, { type: 'competition.revealed', revealed: next });
    }
    case 'competition.publish': {
      const open = facts.stations.filter((s) => !facts.isLocked(s.id)).map((s) => s.label);
      if (open.length) return refuse('course/stations_unlocked', { stations: open });
      const { bibs, ...report } = provisionalReport(facts.standings());
      return done(
        { state: 'final', revealed: null },
        { type: 'competition.published', report, bibs },
      );
    }
    case 'competition.settings':
      return done(
        { nameDisplay: action.nameDisplay },
        { type: 'competition.settings', nameDisplay: action.nameDisplay },
      );
  }
}
