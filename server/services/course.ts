import { openLines, type OpenLine } from '#engine';
import {
  ERRORS,
  type BoardDelta,
  type CourseAction,
  type ErrorCode,
  type ErrorParams,
  type OpenLinesRefusal,
  type PublishReport,
} from '#protocol';
import type { Store } from '../../db/store.ts';
import { appendAudit } from '../../db/repositories/audit.ts';
import {
  setCompetitionColumns,
  updateCompetition,
  type CompetitionPatch,
  type CompetitionRow,
} from '../../db/repositories/competitions.ts';
import { insertStationLock } from '../../db/repositories/marks.ts';
import { nextCourse } from '../engine/course.ts';
import { refusalText } from '../protocol/messages.ts';
import type { LiveCompetition } from './live-competition.ts';
import { StaleCompetitionError, type JudgeIdentity } from './mark-writer.ts';

/**
 * The competition's course (SPEC: draft → live → frozen → final) and the head judge's
 * sign-offs, as actions (protocol/course.ts `CourseAction`, parsed by the route). Each is
 * checked by engine/course.ts, committed in one transaction that bumps the revision and writes
 * the audit log, then applied to the live state and broadcast.
 */

export type { OpenLinesRefusal, PublishReport };

/** A course action's outcome: the delta to publish (and a publish's report), or the refusal. */
export type CourseResult =
  | { ok: true; delta: BoardDelta; answer?: PublishReport }
  | {
      ok: false;
      /** The code's HTTP status (protocol/errors.ts). */
      status: number;
      error: ErrorCode;
      /** What the code's text needs (protocol/messages.ts words it in each page's language). */
      params: ErrorParams[ErrorCode];
      /** The code's text in Chinese. */
      message: string;
      detail?: OpenLinesRefusal;
    };

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
 * Changes a competition's row and takes the next revision, inside the caller's transaction,
 * for a change decided on `live` (run it under `MarkWriter.exclusive`, so no mark of this
 * instance comes between).
 * @param base the revision of `live` the change was decided on (default: its revision now).
 * @throws StaleCompetitionError when the committed revision is not the one after `base`, or
 *   `live` moved past `base`:
 *   another instance changed the competition and the decision was made on an old copy. The
 *   transaction rolls back, the request is answered as retryable and the copy is rebuilt.
 */
export async function changeCompetition(
  tx: Store,
  live: LiveCompetition,
  patch: CompetitionPatch,
  base = live.revision,
): Promise<CompetitionRow> {
  const updated = await updateCompetition(tx, live.id, patch);
  // `base`: the revision the change was decided on. The copy may also have moved meanwhile
  // (another instance's marks applied while this transaction connected): decided on old state.
  if (updated.revision !== base + 1 || live.revision !== base)
    throw new StaleCompetitionError(live.id);
  return updated;
}

/**
 * Checks one course action with the engine's state machine (engine/course.ts `nextCourse`:
 * who may act, the course's order, locks and open lines, publish only when all locked) and
 * commits it in one transaction that bumps the revision and writes the station lock and the
 * audit log (with the reason, and the lines a lock left open or the rows a publish left
 * provisional); then applies it to the live state. The route publishes the delta.
 */
export async function applyCourseAction(
  s: Store,
  live: LiveCompetition,
  who: JudgeIdentity,
  a: CourseAction,
  now: Date,
): Promise<CourseResult> {
  const base = live.revision;
  const { state, revealed, nameDisplay } = live.row;
  const decision = nextCourse({ state, revealed, nameDisplay }, a, who, {
    id: live.id,
    stations: [...live.index.stations.values()].map((s) => s.station),
    isLocked: (stationId) => live.isLocked(stationId),
    openLines: (stationId) => stationOpenLines(live, stationId),
    standings: () => live.standings(),
  });
  if (!decision.ok)
    return {
      ok: false,
      status: ERRORS[decision.code].status,
      error: decision.code,
      params: decision.params,
      message: refusalText(decision, 'zh'),
      ...('detail' in decision ? { detail: decision.detail } : {}),
    };
  const createdAt = now.toISOString();
  const patch: CompetitionPatch = {};
  let lock: { stationId: string; locked: boolean } | undefined;
  /** What the audit log adds to the action's own fields. */
  let audit: Record<string, unknown> = {};
  let answer: PublishReport | undefined;
  for (const e of decision.events)
    switch (e.type) {
      case 'station.locked':
        lock = { stationId: e.stationId, locked: true };
        if (e.openLines) audit = { openLines: e.openLines };
        break;
      case 'station.reopened':
        lock = { stationId: e.stationId, locked: false };
        break;
      case 'competition.frozen':
        Object.assign(patch, { state: 'frozen', frozenAt: createdAt, revealed: null });
        break;
      case 'competition.unfrozen':
        Object.assign(patch, {
          state: 'live',
          frozenAt: null,
          frozenRevision: null,
          revealed: null,
        });
        break;
      case 'competition.revealed':
        patch.revealed = e.revealed;
        break;
      case 'competition.published':
        Object.assign(patch, { state: 'final', revealed: null });
        answer = e.report;
        if (e.bibs.length) audit = { provisional: { count: e.bibs.length, bibs: e.bibs } };
        break;
      case 'competition.settings':
        patch.nameDisplay = e.nameDisplay;
        break;
    }
  const row = await s.transaction(async (tx) => {
    const updated = await changeCompetition(tx, live, patch, base);
    if (a.action === 'competition.freeze') {
      await setCompetitionColumns(tx, live.id, { frozenRevision: updated.revision });
      updated.frozenRevision = updated.revision;
    }
    if (lock)
      await insertStationLock(tx, {
        competitionId: live.id,
        stationId: lock.stationId,
        action: lock.locked ? 'lock' : 'reopen',
        officialId: who.officialId,
        reason: 'reason' in a ? (a.reason ?? null) : null,
        revision: updated.revision,
        createdAt,
      });
    const { action, ...detail } = a;
    await appendAudit(tx, {
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
