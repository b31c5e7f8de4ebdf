import { authorship, MARK_RULES, ownerKey, parseSheetValues, type SheetValues } from '#engine';
import type {
  RejectCode,
  AttemptRerun,
  BoardDelta,
  LogWrite,
  MarkAck,
  MarkReject,
  MarkSubmit,
  MarkVoid,
} from '#protocol';
import type { Db } from '../../db/client.ts';
import { prepareMarkStatements, type MarkRow, type NewMark } from '../../db/repositories/marks.ts';
import type { LineHead, LiveCompetition } from './live-competition.ts';

/** A judge after authentication: who may write what. */
export interface JudgeIdentity {
  officialId: number;
  competitionId: number;
  code: string;
  name: string;
  role: 'judge' | 'head-judge' | 'organiser';
  sheets: ReadonlySet<string>;
}

type Outcome = MarkAck | MarkReject;
type Insert = Omit<NewMark, 'createdAt'>;

interface Pending {
  judge: JudgeIdentity;
  live: LiveCompetition;
  msg: LogWrite;
  resolve: (o: Outcome) => void;
}

/** What earlier entries of the same batch wrote, seen by the later ones before the commit. */
interface BatchOverlay {
  clientIds: Map<string, MarkRow>;
  lines: Map<string, LineHead>;
}

/**
 * The write path of the log: validate → commit → apply → acknowledge → broadcast.
 *
 * Group commit: writes arriving in the same turn of the event loop are validated in order and
 * committed in ONE SQLite transaction (synchronous=FULL), and only then acknowledged and
 * broadcast. Under load many marks share one fsync; an ack always follows a durable commit.
 * A failed transaction changes nothing and every write in it is rejected as retryable.
 */
export class MarkWriter {
  readonly #db: Db;
  readonly #stmts: ReturnType<typeof prepareMarkStatements>;
  readonly #onDelta: (live: LiveCompetition, delta: BoardDelta, row: MarkRow) => void;
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #now: () => Date;

  constructor(
    db: Db,
    onDelta: (live: LiveCompetition, delta: BoardDelta, row: MarkRow) => void,
    now: () => Date = () => new Date(),
  ) {
    this.#db = db;
    this.#stmts = prepareMarkStatements(db);
    this.#onDelta = onDelta;
    this.#now = now;
  }

  /** Queues a write; resolves with the ack after the commit, or with a reject that changed nothing. */
  submit(judge: JudgeIdentity, live: LiveCompetition, msg: LogWrite): Promise<Outcome> {
    return new Promise((resolve) => {
      this.#queue.push({ judge, live, msg, resolve });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued. Public so shutdown can drain the queue. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (!batch.length) return;
    const outcomes: (Outcome | { commit: MarkRow })[] = [];
    const overlay: BatchOverlay = { clientIds: new Map(), lines: new Map() };
    const createdAt = this.#now().toISOString();
    try {
      this.#db.transaction(() => {
        for (const p of batch) {
          const o = this.#check(p, overlay);
          if (!('insert' in o)) {
            outcomes.push(o);
            continue;
          }
          const entry: NewMark = { ...o.insert, createdAt };
          const { id, revision } = this.#stmts.append(entry);
          const row: MarkRow = { ...entry, id, revision };
          overlay.clientIds.set(row.clientId, row);
          if (row.kind === 'mark') {
            overlay.lines.set(
              conflictKey(row.contestantId, row.sheetId!, row.attempt, row.ownerId),
              {
                markId: id,
                officialId: row.officialId,
                values: JSON.parse(row.valuesJson) as SheetValues,
              },
            );
          }
          outcomes.push({ commit: row });
        }
      });
    } catch (err) {
      for (const p of batch)
        p.resolve(
          reject(
            p.msg.clientId,
            'server/commit_failed',
            `服务器保存失败，请稍后重发（${(err as Error).message}）`,
          ),
        );
      return;
    }
    // Committed: now, and only now, apply and acknowledge, in revision order. The boards get
    // their deltas in the next turn, after the acks have gone out: a judge waits on the ack,
    // a projector does not notice a fraction of a millisecond.
    const deltas: [LiveCompetition, BoardDelta, MarkRow][] = [];
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ('commit' in o) {
        deltas.push([p.live, p.live.applyCommitted(o.commit), o.commit]);
        p.resolve(this.#ack(p.live, o.commit, false));
      } else if (o.type === 'mark.ack' && o.markId < 0) {
        // A resend of an entry committed earlier in this same batch: its ids are known now.
        p.resolve(this.#ack(p.live, overlay.clientIds.get(o.clientId)!, true));
      } else p.resolve(o);
    });
    if (deltas.length)
      setImmediate(() => deltas.forEach(([live, delta, row]) => this.#onDelta(live, delta, row)));
  }

  #ack(live: LiveCompetition, row: MarkRow, duplicate: boolean): MarkAck {
    const stationId = row.stationId ?? live.index.sheets.get(row.sheetId ?? '')?.stationId ?? '';
    return {
      type: 'mark.ack',
      clientId: row.clientId,
      markId: row.id,
      revision: row.revision,
      duplicate,
      stationScore: live.stationScore(row.contestantId, stationId),
    };
  }

  /** Every rule a write must pass; a failure is a value and stores nothing. */
  #check(p: Pending, overlay: BatchOverlay): Outcome | { insert: Insert } {
    const { judge, live, msg } = p;
    const { clientId } = msg;
    // Idempotency first: a resend returns the original result, whatever changed since.
    const inBatch = overlay.clientIds.get(clientId);
    const earlier = inBatch ?? this.#stmts.findByClientId(clientId);
    if (earlier) {
      if (earlier.officialId !== judge.officialId || earlier.competitionId !== live.id)
        return reject(clientId, 'mark/client_id_reused', '该记录编号已被使用，请刷新后重新提交');
      return inBatch
        ? { type: 'mark.ack', clientId, markId: -1, revision: 0, duplicate: true, stationScore: '' }
        : this.#ack(live, earlier, true);
    }
    if (judge.competitionId !== live.id)
      return reject(clientId, 'mark/not_assigned', '您不是本场比赛的裁判');
    const state = live.summary.state;
    if (state === 'final' || state === 'draft')
      return reject(
        clientId,
        'mark/competition_closed',
        state === 'final' ? '比赛成绩已正式公布，不能再评分' : '比赛尚未开始',
      );
    switch (msg.type) {
      case 'mark.submit':
        return this.#checkMark(judge, live, msg, overlay);
      case 'mark.void':
        return this.#checkVoid(judge, live, msg);
      case 'attempt.rerun':
        return this.#checkRerun(judge, live, msg);
    }
  }

  #checkMark(
    judge: JudgeIdentity,
    live: LiveCompetition,
    msg: MarkSubmit,
    overlay: BatchOverlay,
  ): Outcome | { insert: Insert } {
    const { clientId } = msg;
    const contestant = live.contestants.get(msg.contestantId);
    if (!contestant)
      return reject(clientId, 'mark/unknown_contestant', `没有编号为 ${msg.contestantId} 的选手`);
    if (contestant.status !== 'active')
      return reject(
        clientId,
        'mark/contestant_inactive',
        `${contestant.bib}号 ${contestant.name} 已${contestant.status === 'withdrawn' ? '退赛' : '被取消资格'}`,
      );
    const sheet = live.index.sheets.get(msg.sheetId);
    if (!sheet) return reject(clientId, 'mark/unknown_sheet', `评分标准中没有 “${msg.sheetId}”`);
    if (!judge.sheets.has(sheet.id))
      return reject(
        clientId,
        'mark/not_assigned',
        `您未被分配到 ${sheet.label.zh}，不能为该项评分`,
      );
    if (live.isLocked(sheet.stationId))
      return reject(
        clientId,
        'mark/station_locked',
        `${sheet.label.zh} 已由裁判长锁定，如需更正请联系裁判长`,
      );
    const allowed = live.allowedAttempts(contestant.id, sheet.stationId);
    if (msg.attempt > allowed)
      return reject(clientId, 'mark/no_such_attempt', `${sheet.label.zh} 只有 ${allowed} 次机会`);
    // Whose line this is, and what it may carry (engine/log.ts: owner, recorder).
    const who = authorship(
      sheet,
      judge.officialId,
      live.recorderOf(sheet.stationId),
      Object.keys(msg.values),
    );
    if (!who.ok) return reject(clientId, who.error, who.message);
    const parsed = parseSheetValues(
      { ...sheet, criteria: sheet.criteria.filter((c) => who.criteria.has(c.id)) },
      msg.values,
    );
    if (!parsed.ok) return reject(clientId, parsed.error, parsed.message);
    // The line a write may overwrite: the owner's (the judge's own on a panel; the line itself
    // on a sheet one judge fills: two tablets on one S-bend must not overwrite each other).
    const key = conflictKey(contestant.id, sheet.id, msg.attempt, who.owner);
    const head =
      overlay.lines.get(key) ?? live.lineHead(contestant.id, sheet, msg.attempt, judge.officialId);
    const stale =
      msg.seen !== undefined
        ? (head?.markId ?? null) !== msg.seen
        : head !== undefined && head.officialId !== judge.officialId;
    if (stale)
      return {
        ...reject(
          clientId,
          'mark/stale',
          head
            ? `${contestant.bib}号 的 ${sheet.label.zh} 已有新的评分（${head.officialId === judge.officialId ? '您' : '其他裁判'}提交），请查看后再更正`
            : `${contestant.bib}号 的 ${sheet.label.zh} 的评分已被撤销，请重新评分`,
        ),
        current: head ? { markId: head.markId, values: head.values } : null,
      };
    const previous = head?.markId;
    if (previous !== undefined && !msg.reason)
      return reject(
        clientId,
        'mark/reason_required',
        `您已为 ${contestant.bib}号 提交过 ${sheet.label.zh} 的评分，更正需填写原因`,
      );
    return {
      insert: {
        ...blank(live, judge, clientId),
        contestantId: contestant.id,
        sheetId: sheet.id,
        attempt: msg.attempt,
        valuesJson: JSON.stringify(parsed.values),
        ownerId: who.owner,
        measures: who.measures,
        supersedesId: previous ?? null,
        reason: previous !== undefined ? msg.reason! : null,
      },
    };
  }

  #checkVoid(
    judge: JudgeIdentity,
    live: LiveCompetition,
    msg: MarkVoid,
  ): Outcome | { insert: Insert } {
    if (judge.role !== 'head-judge')
      return reject(msg.clientId, 'auth/forbidden', '只有裁判长可以撤销评分');
    const target = live.markInfo(msg.markId);
    if (!target)
      return reject(msg.clientId, 'mark/unknown_mark', `本场比赛没有编号为 ${msg.markId} 的评分`);
    if (!live.isCurrent(msg.markId))
      return reject(msg.clientId, 'mark/not_current', '该评分已被更正或撤销');
    const stationId = live.index.sheets.get(target.sheetId)!.stationId;
    if (live.isLocked(stationId))
      return reject(msg.clientId, 'mark/station_locked', '该站点已锁定，请先重新开放');
    return {
      insert: {
        ...blank(live, judge, msg.clientId),
        kind: 'void',
        contestantId: target.contestantId,
        sheetId: target.sheetId,
        attempt: target.attempt,
        targetMarkId: msg.markId,
        reason: msg.reason,
      },
    };
  }

  #checkRerun(
    judge: JudgeIdentity,
    live: LiveCompetition,
    msg: AttemptRerun,
  ): Outcome | { insert: Insert } {
    if (judge.role !== 'head-judge')
      return reject(msg.clientId, 'auth/forbidden', '只有裁判长可以准予重赛');
    const contestant = live.contestants.get(msg.contestantId);
    if (!contestant)
      return reject(
        msg.clientId,
        'mark/unknown_contestant',
        `没有编号为 ${msg.contestantId} 的选手`,
      );
    const station = live.index.stations.get(msg.stationId)?.station;
    if (!station)
      return reject(msg.clientId, 'mark/unknown_sheet', `评分标准中没有站点 “${msg.stationId}”`);
    // A re-run voids a run and grants another: a station without attempts has no run to void
    // (it used to be accepted and ignored by scoring). A mistaken mark there is voided instead.
    if (!station.attempts)
      return reject(
        msg.clientId,
        'mark/no_attempts',
        `${station.label.zh} 不分轮次，不能准予重赛；如需作废评分，请撤销该评分`,
      );
    if (msg.attempt > live.allowedAttempts(contestant.id, station.id))
      return reject(
        msg.clientId,
        'mark/no_such_attempt',
        `${station.label.zh} 没有第 ${msg.attempt} 次`,
      );
    if (live.isLocked(station.id))
      return reject(msg.clientId, 'mark/station_locked', '该站点已锁定，请先重新开放');
    return {
      insert: {
        ...blank(live, judge, msg.clientId),
        kind: 'rerun',
        contestantId: contestant.id,
        stationId: station.id,
        attempt: msg.attempt,
        reason: msg.reason,
      },
    };
  }
}

/** Key of the line a mark may supersede: its owner's line (engine/log.ts `ownerOf`). */
const conflictKey = (
  contestantId: number,
  sheetId: string,
  attempt: number,
  owner: number | null,
) => `${contestantId}:${sheetId}:${attempt}:${ownerKey(owner)}`;

function blank(live: LiveCompetition, judge: JudgeIdentity, clientId: string): Insert {
  return {
    clientId,
    kind: 'mark',
    competitionId: live.id,
    contestantId: 0,
    sheetId: null,
    stationId: null,
    attempt: 1,
    officialId: judge.officialId,
    rules: MARK_RULES,
    ownerId: null,
    measures: false,
    valuesJson: '{}',
    supersedesId: null,
    targetMarkId: null,
    reason: null,
  };
}

function reject(clientId: string | null, code: RejectCode, message: string): MarkReject {
  return { type: 'mark.reject', clientId, code, message };
}
