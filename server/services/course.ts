import type { BoardDelta } from '#protocol';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { auditLog, competitions, stationLocks } from '../../db/schema.ts';
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
    reason: SafeText.max(200).optional(),
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

export type CourseResult =
  { ok: true; delta: BoardDelta } | { ok: false; status: number; error: string; message: string };

const fail = (status: number, error: string, message: string): CourseResult => ({
  ok: false,
  status,
  error,
  message,
});

/**
 * Checks and commits one course action. Rules: lock only an unlocked station, re-open only a
 * locked one (with a reason); freeze only while live; unfreeze (with a reason) and reveal only
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
  const patch: Partial<typeof competitions.$inferInsert> = {};
  let lock: { stationId: string; locked: boolean } | undefined;
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
        // Sign-off means the head judge has resolved every disagreement at this station.
        const flagged = live
          .standings()
          .filter((r) => r.stations[station.id]?.status === 'flagged')
          .map((r) => `${r.bib}号`);
        if (flagged.length)
          return fail(
            409,
            'course/flagged_lines',
            `${station.label.zh} 仍有评分分歧待处理：${flagged.join('、')}`,
          );
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
      break;
    }
    case 'competition.settings':
      patch.nameDisplay = a.nameDisplay;
      break;
  }
  const createdAt = now.toISOString();
  const row = db.transaction((tx) => {
    const updated = tx
      .update(competitions)
      .set({ ...patch, revision: sql`${competitions.revision} + 1` })
      .where(eq(competitions.id, live.id))
      .returning()
      .get()!;
    if (a.action === 'competition.freeze') {
      tx.update(competitions)
        .set({ frozenRevision: updated.revision })
        .where(eq(competitions.id, live.id))
        .run();
      updated.frozenRevision = updated.revision;
    }
    if (lock)
      tx.insert(stationLocks)
        .values({
          competitionId: live.id,
          stationId: lock.stationId,
          action: lock.locked ? 'lock' : 'reopen',
          officialId: who.officialId,
          reason: 'reason' in a ? (a.reason ?? null) : null,
          revision: updated.revision,
          createdAt,
        })
        .run();
    const { action, ...detail } = a;
    tx.insert(auditLog)
      .values({
        competitionId: live.id,
        officialId: who.officialId,
        action,
        detailJson: JSON.stringify(detail),
        reason: 'reason' in a ? (a.reason ?? null) : null,
        revision: updated.revision,
        createdAt,
      })
      .run();
    return updated;
  });
  return { ok: true, delta: live.applyCourse(row, { lock }, null) };
}
