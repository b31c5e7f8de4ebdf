import { parseSheetValues } from '#engine';
import type { BoardDelta, MarkAck, MarkReject, MarkSubmit } from '#protocol';
import type { Db } from '../../db/client.ts';
import { prepareMarkStatements, type MarkRow } from '../../db/repositories/marks.ts';
import type { LiveCompetition } from './live-competition.ts';

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

interface Pending {
  judge: JudgeIdentity;
  live: LiveCompetition;
  msg: MarkSubmit;
  resolve: (o: Outcome) => void;
}

/**
 * The write path of marks: validate → commit → apply → acknowledge → broadcast.
 *
 * Group commit: submissions arriving in the same turn of the event loop are validated in order
 * and committed in ONE SQLite transaction (synchronous=FULL), and only then acknowledged and
 * broadcast. Under load many marks share one fsync; an ack always follows a durable commit.
 * A failed transaction changes nothing and every mark in it is rejected as retryable.
 */
export class MarkWriter {
  readonly #db: Db;
  readonly #stmts: ReturnType<typeof prepareMarkStatements>;
  readonly #onDelta: (live: LiveCompetition, delta: BoardDelta) => void;
  #queue: Pending[] = [];
  #scheduled = false;
  #now: () => Date;

  constructor(
    db: Db,
    onDelta: (live: LiveCompetition, delta: BoardDelta) => void,
    now: () => Date = () => new Date(),
  ) {
    this.#db = db;
    this.#stmts = prepareMarkStatements(db);
    this.#onDelta = onDelta;
    this.#now = now;
  }

  /** Queues a mark; resolves with the ack after the commit, or with a reject that changed nothing. */
  submit(judge: JudgeIdentity, live: LiveCompetition, msg: MarkSubmit): Promise<Outcome> {
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
    // Overlays make later items of the batch see the earlier ones before they are committed.
    const clientIds = new Map<string, { officialId: number; markRow: MarkRow }>();
    const lines = new Map<string, number>();
    const createdAt = this.#now().toISOString();
    try {
      this.#db.transaction(() => {
        for (const p of batch) {
          const o = this.#check(p, clientIds, lines);
          if ('insert' in o) {
            const base = o.insert;
            const { id, revision } = this.#stmts.append({ ...base, createdAt });
            const markRow: MarkRow = {
              ...base,
              id,
              revision,
              createdAt,
              supersedesId: base.supersedesId ?? null,
              reason: base.reason ?? null,
            };
            clientIds.set(base.clientId, { officialId: base.officialId, markRow });
            lines.set(`${base.contestantId}:${base.sheetId}:${base.officialId}`, id);
            outcomes.push({ commit: markRow });
          } else outcomes.push(o);
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
    // Committed: now, and only now, apply, acknowledge and broadcast, in revision order.
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ('commit' in o) {
        const delta = p.live.applyCommitted(o.commit);
        p.resolve({
          type: 'mark.ack',
          clientId: o.commit.clientId,
          markId: o.commit.id,
          revision: o.commit.revision,
          duplicate: false,
          stationScore: p.live.stationScore(o.commit.contestantId, o.commit.sheetId),
        });
        this.#onDelta(p.live, delta);
      } else if (o.type === 'mark.ack' && o.markId < 0) {
        // A resend of a mark committed earlier in this same batch: its ids are known now.
        const row = clientIds.get(o.clientId)!.markRow;
        p.resolve({
          ...o,
          markId: row.id,
          revision: row.revision,
          stationScore: p.live.stationScore(row.contestantId, row.sheetId),
        });
      } else p.resolve(o);
    });
  }

  /** Every rule a mark must pass; a failure is a value and stores nothing. */
  #check(
    { judge, live, msg }: Pending,
    batchClientIds: Map<string, { officialId: number; markRow: MarkRow }>,
    batchLines: Map<string, number>,
  ): Outcome | { insert: Omit<MarkRow, 'id' | 'revision' | 'createdAt'> } {
    const { clientId } = msg;
    // Idempotency first: a resend returns the original result, whatever changed since.
    const inBatch = batchClientIds.get(clientId);
    const earlier = inBatch?.markRow ?? this.#stmts.findByClientId(clientId);
    if (earlier) {
      if (earlier.officialId !== judge.officialId || earlier.competitionId !== live.id)
        return reject(clientId, 'mark/client_id_reused', '该记录编号已被使用，请刷新后重新提交');
      return {
        type: 'mark.ack',
        clientId,
        markId: inBatch ? -1 : earlier.id,
        revision: earlier.revision,
        duplicate: true,
        stationScore: inBatch ? '' : live.stationScore(earlier.contestantId, earlier.sheetId),
      };
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
    const parsed = parseSheetValues(sheet, msg.values);
    if (!parsed.ok) return reject(clientId, parsed.error, parsed.message);
    const key = `${contestant.id}:${sheet.id}:${judge.officialId}`;
    const previous =
      batchLines.get(key) ?? live.currentLine(contestant.id, sheet.id, judge.officialId)?.markId;
    if (previous !== undefined && !msg.reason)
      return reject(
        clientId,
        'mark/reason_required',
        `您已为 ${contestant.bib}号 提交过 ${sheet.label.zh} 的评分，更正需填写原因`,
      );
    return {
      insert: {
        clientId,
        competitionId: live.id,
        contestantId: contestant.id,
        sheetId: sheet.id,
        officialId: judge.officialId,
        valuesJson: JSON.stringify(parsed.values),
        supersedesId: previous ?? null,
        reason: previous !== undefined ? msg.reason! : null,
      },
    };
  }
}

function reject(clientId: string | null, code: string, message: string): MarkReject {
  return { type: 'mark.reject', clientId, code, message };
}
