import { MARK_RULES, type SheetValues } from '#engine';
import type { RejectCode, BoardDelta, LogWrite, MarkAck, MarkReject } from '#protocol';
import type { MarkBatchTx, MarkLog } from '../../db/mark-log.ts';
import type { MarkRow, NewMark } from '../../db/repositories/marks.ts';
import type { OfficialRow } from '../../db/repositories/officials.ts';
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

/**
 * An official's row as the identity writes and staff routes check: null for no official or a
 * revoked one. The sheets are the ones the row assigns.
 */
export function identityOf(o: OfficialRow | undefined): JudgeIdentity | null {
  if (!o || o.revoked) return null;
  return {
    officialId: o.id,
    competitionId: o.competitionId,
    code: o.code,
    name: o.name,
    role: o.role,
    sheets: new Set(JSON.parse(o.sheetsJson) as string[]),
  };
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

/** A batch judged inside its transaction: per pending write, a refusal or its committed row. */
interface Decided {
  outcomes: (Outcome | { commit: MarkRow })[];
  overlay: BatchOverlay;
}

/** The refusal of a write judged on a copy of its competition that is out of date: send again. */
const STALE_COPY: Refusal<'server/commit_failed'> = {
  ok: false,
  code: 'server/commit_failed',
  params: { detail: 'the competition changed while this mark was on its way; it is sent again' },
};

/**
 * Another instance committed a change of this competition that is not a mark (a lock, a
 * setting): this instance's copy is out of date and judges no write until it has reloaded.
 */
export class StaleCompetitionError extends Error {
  constructor(readonly competitionId: number) {
    super(`competition ${competitionId} changed on another instance; reloading`);
  }
}

/**
 * What the storage said, for a person, without the statement or its values: drizzle wraps a
 * failed query in an error whose message is the whole statement with its parameters (other
 * judges' marks, in a batch), so the database's own words are taken from its cause.
 */
export function storageComplaint(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown } } | null;
  const own = typeof e?.message === 'string' ? e.message : String(err);
  const said =
    /^Failed query/.test(own) && typeof e?.cause?.message === 'string' ? e.cause.message : own;
  return said.slice(0, 200);
}

/**
 * The write path of the log: the rules (engine/acceptance.ts) → commit → apply → acknowledge
 * → broadcast, on either engine (db/mark-log.ts).
 *
 * Group commit: writes arriving in the same turn of the event loop are judged in order and
 * committed in ONE transaction, and only then acknowledged and broadcast. Under load many
 * marks share one fsync; an ack always follows a durable commit. A failed transaction changes
 * nothing and every write in it is rejected as retryable. On SQLite the commit is synchronous
 * and everything happens in one turn; on PostgreSQL one batch is in flight at a time and the
 * writes arriving meanwhile form the next batch, so revisions are handed out in order.
 *
 * Several instances (PostgreSQL): inside the transaction, with the competitions locked, the
 * rows other instances committed since this one's copy are applied first (and published), so
 * every write is judged on the whole committed log (stale-write checks hold across instances).
 */
export class MarkWriter {
  readonly #log: MarkLog;
  readonly #onDelta: (live: LiveCompetition, delta: BoardDelta, row: MarkRow) => void;
  #queue: Pending[] = [];
  #scheduled = false;
  #inflight: Promise<void> | null = null;
  /** Committed deltas waiting for the next turn (after the acks), in revision order. */
  #deferred: [LiveCompetition, BoardDelta, MarkRow][] = [];
  /** The change running under {@link MarkWriter.exclusive}, and the ones queued behind it. */
  #held: Promise<unknown> | null = null;
  #exclusive = false;
  readonly #now: () => Date;
  readonly #onStale: (competitionId: number) => void;

  /**
   * @param onDelta each committed row as it is applied (the boards' delta and the judges'
   *   notices), in revision order, in the turn after its ack.
   * @param opts.now the clock of `createdAt` (tests).
   * @param opts.onStale a batch found this instance's copy of a competition out of date
   *   (another instance changed it other than by a mark): reload it (RevisionFollower).
   */
  constructor(
    log: MarkLog,
    onDelta: (live: LiveCompetition, delta: BoardDelta, row: MarkRow) => void,
    opts: { now?: () => Date; onStale?: (competitionId: number) => void } = {},
  ) {
    this.#log = log;
    this.#onDelta = onDelta;
    this.#now = opts.now ?? (() => new Date());
    this.#onStale = opts.onStale ?? (() => {});
  }

  /** Queues a write; resolves with the ack after the commit, or with a reject that changed nothing. */
  submit(judge: JudgeIdentity, live: LiveCompetition, msg: LogWrite): Promise<Outcome> {
    return new Promise((resolve) => {
      this.#queue.push({ judge, live, msg, resolve });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inflight || this.#exclusive) return;
    this.#scheduled = true;
    setImmediate(() => void this.flush());
  }

  /**
   * Commits everything queued. On SQLite it has committed, acknowledged and applied before it
   * returns (a course action calls it to act on the marks before it); on PostgreSQL the
   * promise settles once everything queued before the call is committed. Public so shutdown
   * can drain the queue.
   */
  flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#inflight) return this.#inflight.then(() => this.flush());
    if (this.#exclusive) return this.#held!.then(() => this.flush());
    const batch = this.#queue;
    this.#queue = [];
    if (!batch.length) return Promise.resolve();
    // The copies the batch writes on, by object: after a reload two copies of a competition can
    // meet in one batch (a tablet still on the old one); each is checked on its own.
    const lives = new Set(batch.map((p) => p.live));
    const held = new Map<number, number>();
    for (const l of lives) held.set(l.id, Math.min(held.get(l.id) ?? Infinity, l.revision));
    const request = {
      competitionIds: [...held.keys()].sort((a, b) => a - b),
      clientIds: batch.map((p) => p.msg.clientId),
      held,
    };
    let decided: Decided | Promise<Decided>;
    try {
      decided = this.#log.commit(request, (tx) => this.#decide(batch, lives, tx));
    } catch (err) {
      this.#fail(batch, err);
      return Promise.resolve();
    }
    if (!(decided instanceof Promise)) {
      this.#finish(batch, decided);
      return Promise.resolve();
    }
    const done = decided.then(
      (d) => this.#finish(batch, d),
      (err: unknown) => this.#fail(batch, err),
    );
    this.#inflight = done.finally(() => {
      this.#inflight = null;
      if (this.#queue.length) this.#schedule();
    });
    return this.#inflight;
  }

  /**
   * Runs `fn`, a change that moves a competition's revision other than by a mark (the course,
   * the field, a setting), between batches: everything queued before the call is committed
   * first, so `fn` acts on every mark acknowledged before it, and no batch starts until `fn`
   * settles, so its revision is applied to the live copy in order. Calls queue behind each
   * other. `fn` must not call {@link MarkWriter.flush}.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = (this.#held ?? Promise.resolve())
      .catch(() => {})
      .then(async () => {
        await this.flush();
        this.#exclusive = true;
        try {
          return await fn();
        } finally {
          this.#exclusive = false;
        }
      });
    const held: Promise<unknown> = run.then(
      () => this.#release(held),
      () => this.#release(held),
    );
    this.#held = held;
    return run;
  }

  /**
   * Resolves when no batch is in flight and no {@link MarkWriter.exclusive} change runs or
   * waits: a change this instance committed has then been applied to its copy too. What other
   * instances committed is read after this (services/revision-follower.ts), so an instance's own
   * NOTIFY, which can arrive before its own commit has returned, is never taken for someone
   * else's change.
   */
  async idle(): Promise<void> {
    while (this.#inflight || this.#held) await (this.#held ?? this.#inflight)!.catch(() => {});
  }

  #release(held: Promise<unknown>): void {
    if (this.#held === held) this.#held = null;
    if (this.#queue.length) this.#schedule();
  }

  /**
   * Inside the transaction: catch up on what other instances committed, then judge each write
   * in order against the committed log and the batch's earlier entries, appending the accepted.
   */
  #decide(batch: Pending[], lives: Set<LiveCompetition>, tx: MarkBatchTx): Decided {
    const current = new Set<LiveCompetition>();
    for (const live of lives) {
      try {
        this.catchUp(live, tx.committedAfter(live.id, live.revision));
        if (tx.revisionOf(live.id) === live.revision) current.add(live);
        else this.#onStale(live.id);
      } catch (err) {
        if (!(err instanceof StaleCompetitionError)) throw err;
        this.#onStale(live.id);
      }
    }
    const outcomes: Decided['outcomes'] = [];
    const overlay: BatchOverlay = { clientIds: new Map(), lines: new Map() };
    const createdAt = this.#now().toISOString();
    for (const p of batch) {
      if (!current.has(p.live)) {
        // Judged on an out-of-date copy it could pass a rule the committed state breaks.
        outcomes.push(reject(p.msg.clientId, STALE_COPY));
        continue;
      }
      const o = this.#check(p, overlay, tx);
      if (!('insert' in o)) {
        outcomes.push(o);
        continue;
      }
      const entry: NewMark = { ...o.insert, createdAt };
      const { id, revision } = tx.append(entry);
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
    return { outcomes, overlay };
  }

  /**
   * Applies a committed row once: a row at or below the competition's revision was applied
   * already (by the catch-up of another instance's hint, say) and yields no second delta.
   * @throws StaleCompetitionError when the row is not the next revision: the revisions between
   *   were changes other than marks, which this instance has not seen.
   */
  #apply(live: LiveCompetition, row: MarkRow): [LiveCompetition, BoardDelta, MarkRow][] {
    if (row.revision <= live.revision) return [];
    if (row.revision !== live.revision + 1) throw new StaleCompetitionError(live.id);
    return [[live, live.applyCommitted(row), row]];
  }

  /** Boards get deltas in the next turn, after the acks of this one have gone out. */
  #publish(deltas: [LiveCompetition, BoardDelta, MarkRow][]): void {
    if (!deltas.length) return;
    this.#deferred.push(...deltas);
    if (this.#deferred.length === deltas.length) setImmediate(() => this.publishDeferred());
  }

  /**
   * Publishes now the deltas of committed marks still waiting for the next turn. A change of
   * course published at once calls it first: its higher revision would otherwise reach the
   * boards before the marks committed ahead of it, and a board skips what is below its
   * revision.
   */
  publishDeferred(): void {
    const deltas = this.#deferred;
    this.#deferred = [];
    for (const [live, delta, row] of deltas) this.#onDelta(live, delta, row);
  }

  /**
   * Applies rows other instances committed (after a revision hint, db/mark-log.ts) and
   * publishes them as this instance's own commits are published. Rows must come in revision
   * order; any at or below the competition's revision are skipped, so a repeated or stale
   * hint applies nothing twice.
   * @throws StaleCompetitionError at a gap in the revisions (a change that is not a mark);
   *   the rows before it are applied and published.
   */
  catchUp(live: LiveCompetition, rows: readonly MarkRow[]): void {
    const deltas: [LiveCompetition, BoardDelta, MarkRow][] = [];
    try {
      for (const row of rows) deltas.push(...this.#apply(live, row));
    } finally {
      this.#publish(deltas);
    }
  }

  /** The transaction failed: nothing of the batch is stored; every write may be sent again. */
  #fail(batch: Pending[], err: unknown): void {
    if (err instanceof StaleCompetitionError) this.#onStale(err.competitionId);
    for (const p of batch)
      p.resolve(
        reject(p.msg.clientId, {
          ok: false,
          code: 'server/commit_failed',
          params: { detail: storageComplaint(err) },
        }),
      );
  }

  /**
   * Committed: now, and only now, apply and acknowledge, in revision order. The boards get
   * their deltas in the next turn, after the acks have gone out: a judge waits on the ack, a
   * projector does not notice a fraction of a millisecond.
   */
  #finish(batch: Pending[], { outcomes, overlay }: Decided): void {
    const deltas: [LiveCompetition, BoardDelta, MarkRow][] = [];
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ('commit' in o) {
        try {
          deltas.push(...this.#apply(p.live, o.commit));
        } catch (err) {
          // Committed whatever the copy says: the ack goes out; the copy is rebuilt.
          if (!(err instanceof StaleCompetitionError)) throw err;
          this.#onStale(p.live.id);
        }
        p.resolve(this.#ack(p.live, o.commit, false));
      } else if (o.type === 'mark.ack' && o.markId < 0) {
        // A resend of an entry committed earlier in this same batch: its ids are known now.
        p.resolve(this.#ack(p.live, overlay.clientIds.get(o.clientId)!, true));
      } else p.resolve(o);
    });
    this.#publish(deltas);
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
  #check(p: Pending, overlay: BatchOverlay, tx: MarkBatchTx): Outcome | { insert: Insert } {
    const { judge, live, msg } = p;
    const { clientId } = msg;
    // Idempotency first: a resend returns the original result, whatever changed since.
    const inBatch = overlay.clientIds.get(clientId);
    const earlier = inBatch ?? tx.findByClientId(clientId);
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
