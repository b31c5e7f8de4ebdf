import { openBibs, openLines, type LineStatus, type OpenLine } from '#engine';
import type { BoardDelta, ErrorCode } from '#protocol';
import { z } from 'zod';
import { transaction, type Db } from '../../db/client.ts';
import { appendAudit } from '../../db/repositories/audit.ts';
import {
  setCompetitionColumns,
  updateCompetition,
  type CompetitionPatch,
} from '../../db/repositories/competitions.ts';
import { insertStationLock } from '../../db/repositories/marks.ts';
import { SafeText } from '../protocol/judge.ts';
import type { LiveCompetition } from './live-competition.ts';
import type { JudgeIdentity } from './mark-writer.ts';

/**
 * The competition's course (SPEC: draft → live → frozen → final) and the head judge's
 * sign-offs, as actions. Each is committed in one transaction that bumps the revision and
 * writes the audit log, then applied to the live state and broadcast.
 */
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

/** Who may do what: the head judge signs stations off; the organiser runs the course. */
export const COURSE_ROLES: Record<CourseAction['action'], JudgeIdentity['role'][]> = {
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

/**
 * A refused lock of a station with open lines (409): `course/open_lines` (send a reason to lock
 * anyway) or `course/flagged_lines` (resolve the disagreements first; a reason does not help).
 */
export interface OpenLinesRefusal {
  stationId: string;
  /** True when a reason would lock the station anyway (no line is flagged). */
  reasonRequired: boolean;
  /** Open lines in all (the list stops at {@link LIST_MAX}). */
  count: number;
  /** Contestants with an open line. */
  contestants: number;
  lines: OpenLine[];
}

/** Why a published row stays provisional: a station locked without a full panel's score. */
export interface ProvisionalReason {
  bib: string;
  name: string;
  stationId: string;
  status: Exclude<LineStatus, 'scored'>;
}

/** What `competition.publish` adds to its answer. */
export interface PublishReport {
  /** Active contestants' rows that stay provisional in the official results. */
  provisional: number;
  /** One per row × station not scored by a full panel (the list stops at {@link LIST_MAX}). */
  reasons: ProvisionalReason[];
}

export type CourseResult =
  | { ok: true; delta: BoardDelta; answer?: PublishReport }
  | {
      ok: false;
      status: number;
      error: ErrorCode;
      message: string;
      detail?: OpenLinesRefusal;
    };

const fail = (
  status: number,
  error: ErrorCode,
  message: string,
  detail?: OpenLinesRefusal,
): CourseResult => ({ ok: false, status, error, message, ...(detail ? { detail } : {}) });

/** A few bibs for a message: `1号、3号、7号 等 12 位`. */
function someBibs(bibs: readonly string[], shown = 10): string {
  const list = bibs
    .slice(0, shown)
    .map((b) => `${b}号`)
    .join('、');
  return bibs.length > shown ? `${list} 等 ${bibs.length} 位` : list;
}

const BIB_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * The open lines of a station for the active contestants (withdrawn and disqualified ones are
 * not scored any more), by bib (2 before 10), from the live state's current marks (the same
 * fold as scoring); the route flushes queued marks first.
 */
export function stationOpenLines(live: LiveCompetition, stationId: string): OpenLine[] {
  const active = [...live.contestants.values()]
    .filter((c) => c.status === 'active')
    .sort((a, b) => BIB_ORDER.compare(a.bib, b.bib) || a.id - b.id);
  return openLines(
    live.index,
    active,
    (c, sheetId) => live.marksOf(c, sheetId),
    stationId,
    (c) => live.rerunsOf(c, stationId),
  );
}

/**
 * Rows of the official results that stay provisional, and why: an active contestant's station
 * that is locked but not scored by a full panel (the engine's `provisional`, once every
 * station is locked).
 */
export function provisionalReport(live: LiveCompetition): PublishReport & { bibs: string[] } {
  const reasons: ProvisionalReason[] = [];
  const bibs: string[] = [];
  for (const r of live.standings()) {
    if (r.status !== 'active' || !r.provisional) continue;
    bibs.push(r.bib);
    for (const [stationId, s] of Object.entries(r.stations))
      if (s.status !== 'scored' && reasons.length < LIST_MAX)
        reasons.push({ bib: r.bib, name: r.name, stationId, status: s.status });
  }
  return { provisional: bibs.length, reasons, bibs };
}

/**
 * Checks and commits one course action. Rules: lock only an unlocked station, never while a
 * line there is flagged, and with a reason while a line there is empty or partial (the audit
 * log keeps the reason and the open lines); re-open only a locked one (with a reason); freeze
 * only while live; unfreeze (with a reason) and reveal only
 * while frozen, one row at a time from last place up; publish (final, official) only when
 * every station is locked; settings any time before final.
 */
export function applyCourseAction(
  db: Db,
  live: LiveCompetition,
  who: JudgeIdentity,
  a: CourseAction,
  now: Date,
): CourseResult {
  if (!COURSE_ROLES[a.action].includes(who.role))
    return fail(403, 'auth/forbidden', '您没有权限执行此操作');
  if (who.competitionId !== live.id) return fail(403, 'auth/forbidden', '您不是本场比赛的工作人员');
  const { state, revealed } = live.row;
  if (state === 'final') return fail(409, 'course/final', '成绩已正式公布，不能再更改');
  const patch: CompetitionPatch = {};
  let lock: { stationId: string; locked: boolean } | undefined;
  /** What the audit log adds to the action's own fields. */
  let audit: Record<string, unknown> = {};
  let answer: PublishReport | undefined;
  switch (a.action) {
    case 'station.lock':
    case 'station.reopen': {
      const station = live.index.stations.get(a.stationId)?.station;
      if (!station) return fail(404, 'course/unknown_station', `没有站点 “${a.stationId}”`);
      const locked = live.isLocked(station.id);
      if (a.action === 'station.lock' && locked)
        return fail(409, 'course/already_locked', `${station.label.zh} 已锁定`);
      if (a.action === 'station.reopen' && !locked)
        return fail(409, 'course/not_locked', `${station.label.zh} 未锁定`);
      if (a.action === 'station.lock') {
        const lines = stationOpenLines(live, station.id);
        const bibs = openBibs(lines);
        const flagged = openBibs(lines.filter((l) => l.status === 'flagged'));
        const refusal = (reasonRequired: boolean): OpenLinesRefusal => ({
          stationId: station.id,
          reasonRequired,
          count: lines.length,
          contestants: bibs.length,
          lines: lines.slice(0, LIST_MAX),
        });
        // Sign-off means the head judge has resolved every disagreement at this station.
        if (flagged.length)
          return fail(
            409,
            'course/flagged_lines',
            `${station.label.zh} 仍有评分分歧待处理：${someBibs(flagged)}`,
            refusal(false),
          );
        // Lines not complete: signed off only on purpose, with a reason for the record.
        if (lines.length && !a.reason)
          return fail(
            409,
            'course/open_lines',
            `${station.label.zh} 还有 ${lines.length} 项评分未完成（${someBibs(bibs)}）；如确认锁定，请填写原因`,
            refusal(true),
          );
        if (lines.length) audit = { openLines: { count: lines.length, bibs } };
      }
      lock = { stationId: station.id, locked: a.action === 'station.lock' };
      break;
    }
    case 'competition.freeze':
      if (state !== 'live') return fail(409, 'course/not_live', '只有进行中的比赛可以封榜');
      Object.assign(patch, { state: 'frozen', frozenAt: now.toISOString(), revealed: null });
      break;
    case 'competition.unfreeze':
      if (state !== 'frozen') return fail(409, 'course/not_frozen', '比赛未封榜');
      Object.assign(patch, { state: 'live', frozenAt: null, frozenRevision: null, revealed: null });
      break;
    case 'competition.reveal': {
      if (state !== 'frozen') return fail(409, 'course/not_frozen', '请先封榜，再开始颁奖揭晓');
      const total = live.standings().length;
      if ((revealed ?? 0) >= total) return fail(409, 'course/all_revealed', '已全部揭晓');
      patch.revealed = (revealed ?? 0) + 1;
      break;
    }
    case 'competition.publish': {
      const open = [...live.index.stations.values()]
        .filter((s) => !live.isLocked(s.station.id))
        .map((s) => s.station.label.zh);
      if (open.length)
        return fail(
          409,
          'course/stations_unlocked',
          `以下站点尚未锁定（签核）：${open.join('、')}`,
        );
      Object.assign(patch, { state: 'final', revealed: null });
      // Locks, not the state, decide what is provisional: the same before and after publishing.
      const { bibs, ...report } = provisionalReport(live);
      answer = report;
      if (bibs.length) audit = { provisional: { count: bibs.length, bibs } };
      break;
    }
    case 'competition.settings':
      patch.nameDisplay = a.nameDisplay;
      break;
  }
  const createdAt = now.toISOString();
  const row = transaction(db, (tx) => {
    const updated = updateCompetition(tx, live.id, patch);
    if (a.action === 'competition.freeze') {
      setCompetitionColumns(tx, live.id, { frozenRevision: updated.revision });
      updated.frozenRevision = updated.revision;
    }
    if (lock)
      insertStationLock(tx, {
        competitionId: live.id,
        stationId: lock.stationId,
        action: lock.locked ? 'lock' : 'reopen',
        officialId: who.officialId,
        reason: 'reason' in a ? (a.reason ?? null) : null,
        revision: updated.revision,
        createdAt,
      });
    const { action, ...detail } = a;
    appendAudit(tx, {
      competitionId: live.id,
      officialId: who.officialId,
      action,
      detail: { ...detail, ...audit },
      reason: 'reason' in a ? (a.reason ?? null) : null,
      revision: updated.revision,
      createdAt,
    });
    return updated;
  });
  return { ok: true, delta: live.applyCourse(row, { lock }, null), ...(answer ? { answer } : {}) };
}
