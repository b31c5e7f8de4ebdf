import type { MarkRow, NewMark } from './repositories/marks.ts';

/**
 * What a batch's rules see inside the one transaction that commits it (the MarkWriter's group
 * commit). Every method is synchronous on both engines: the rules run in memory between the
 * transaction's reads and its writes.
 */
export interface MarkBatchTx {
  /** The committed mark with this client-made id, if any (client ids are unique). */
  findByClientId(clientId: string): MarkRow | undefined;
  /**
   * Rows of a competition that another instance committed after `revision`, in revision
   * order; the writer applies them before it judges its own batch. Always empty on SQLite,
   * where one process owns the file.
   */
  committedAfter(competitionId: number, revision: number): MarkRow[];
  /**
   * The competition's revision as committed when the transaction began, after the rows
   * {@link committedAfter} returns. Greater than the last of them when another instance
   * committed a change that is not a mark (a lock, a setting): the caller's state is then out
   * of date and it must not judge writes on it.
   */
  revisionOf(competitionId: number): number;
  /**
   * Appends one entry: the next revision of its competition and a log id that orders it
   * after every earlier entry of that competition. Written when the transaction commits.
   */
  append(m: NewMark): { id: number; revision: number };
}

/** A batch to commit: the competitions it writes to (each locked) and its client ids. */
export interface MarkBatch {
  competitionIds: readonly number[];
  clientIds: readonly string[];
  /** The revision the caller holds of each competition: rows after it are read for it. */
  held: ReadonlyMap<number, number>;
}

/**
 * The append-only mark log as the write path sees it, on either engine (issue 14: "the same
 * repositories; no scoring or protocol code knows which engine it runs on").
 *
 * `commit` runs `decide` in ONE transaction and returns its result only after the commit is
 * durable: SQLite synchronously (WAL, synchronous=FULL), PostgreSQL as a promise
 * (synchronous_commit=on). A throw, from `decide` or the database, rolls everything back and
 * leaves the log as it was. Each competition's revision moves by exactly one per appended
 * entry inside the same transaction; on PostgreSQL the competition rows are locked
 * (`SELECT … FOR UPDATE`, in id order so two batches never deadlock) from the first statement
 * to the commit, so two instances can never hand out the same revision.
 */
export interface MarkLog {
  readonly engine: 'sqlite' | 'postgres';
  commit<T>(batch: MarkBatch, decide: (tx: MarkBatchTx) => T): T | Promise<T>;
}
