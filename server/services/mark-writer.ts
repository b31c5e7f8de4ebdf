import { MARK_RULES, type SheetValues } from '#engine';
import type { RejectCode, BoardDelta, LogWrite, MarkAck, MarkReject } from '#protocol';
import type { Db } from '../../db/client.ts';
import { prepareMarkStatements, type MarkRow, type NewMark } from '../../db/repositories/marks.ts';
import {
  acceptWrite,
  checkResend,
  lineKeyOf,
  type AcceptedWrite,
  type LineHead,
} from '../engine/acceptance.ts';
import type { Refusal } from '../engine/refusal.ts';
import { refusalText } from '../protocol/messages.ts';
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
 * The write path of the log: the rules (engine/acceptance.ts) → commit → apply → acknowledge
 * → broadcast.
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
            overlay.lines.set(lineKeyOf(row.contestantId, row.sheetId!, row.attempt, row.ownerId), {
              markId: id,
              officialId: row.officialId,
              values: JSON.parse(row.valuesJson) as SheetValues,
            });
          }
          outcomes.push({ commit: row });
        }
      });
    } catch (err) {
      for (const p of batch)
        p.resolve(
          reject(p.msg.clientId, {
            ok: false,
            code: 'server/commit_failed',
            params: { detail: (err as Error).message },
          }),
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

  /**
   * Every rule a write must pass (engine/acceptance.ts), after the resend check: a failure is
   * a value and stores nothing. Reads memory only, apart from the client id's lookup.
   */
  #check(p: Pending, overlay: BatchOverlay): Outcome | { insert: Insert } {
    const { judge, live, msg } = p;
    const { clientId } = msg;
    // Idempotency first: a resend returns the original result, whatever changed since.
    const inBatch = overlay.clientIds.get(clientId);
    const earlier = inBatch ?? this.#stmts.findByClientId(clientId);
    if (earlier) {
      const resend = checkResend(earlier, judge, live.id);
      if (!resend.ok) return reject(clientId, resend);
      return inBatch
        ? { type: 'mark.ack', clientId, markId: -1, revision: 0, duplicate: true, stationScore: '' }
        : this.#ack(live, earlier, true);
    }
    const decision = acceptWrite(live, judge, msg, overlay.lines);
    if (!decision.ok) return reject(clientId, decision);
    return { insert: toInsert(live.id, judge.officialId, clientId, decision.entry) };
  }
}

/** An accepted entry as the log's row (db/repositories/marks.ts), under today's rules. */
function toInsert(
  competitionId: number,
  officialId: number,
  clientId: string,
  e: AcceptedWrite,
): Insert {
  const row: Insert = {
    clientId,
    kind: e.kind,
    competitionId,
    contestantId: e.contestantId,
    sheetId: null,
    stationId: null,
    attempt: e.attempt,
    officialId,
    rules: MARK_RULES,
    ownerId: null,
    measures: false,
    valuesJson: '{}',
    supersedesId: null,
    targetMarkId: null,
    reason: e.reason,
  };
  switch (e.kind) {
    case 'mark':
      return {
        ...row,
        sheetId: e.sheetId,
        valuesJson: JSON.stringify(e.values),
        ownerId: e.ownerId,
        measures: e.measures,
        supersedesId: e.supersedesId,
      };
    case 'void':
      return { ...row, sheetId: e.sheetId, targetMarkId: e.targetMarkId };
    case 'rerun':
      return { ...row, stationId: e.stationId };
  }
}

/**
 * A refusal as the judge's socket sends it: the code, its parameters, and the Chinese text of
 * protocol/messages.ts (the tablet words the code in its own language).
 */
function reject(clientId: string | null, r: Refusal<RejectCode>): MarkReject {
  return {
    type: 'mark.reject',
    clientId,
    code: r.code,
    params: r.params,
    message: refusalText(r, 'zh'),
    ...('current' in r ? { current: r.current as MarkReject['current'] } : {}),
  };
}
