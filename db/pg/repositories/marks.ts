import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { MarkLog } from '../../mark-log.ts';
import type { MarkRow } from '../../repositories/marks.ts';
import type { PgDb } from '../client.ts';
import { REVISION_CHANNEL, revisionPayload } from '../revision-channel.ts';
import { competitions, marks } from '../schema.ts';

/** Log rows per INSERT: 18 parameters each, well under PostgreSQL's 65,535 a statement. */
const ROWS_PER_INSERT = 2_000;

/**
 * The mark log on PostgreSQL (db/mark-log.ts), for several instances sharing one database.
 *
 * One transaction per batch, in this order:
 * 1. `SELECT … FOR UPDATE` of the batch's competition rows, in id order: the row lock is what
 *    makes a revision unique across instances. A second instance writing to the same
 *    competition waits here until this transaction ends, then reads the revision it left. (An
 *    advisory lock would do the same but live beside the data; the row lock is released by
 *    the commit or rollback itself and cannot be forgotten.)
 * 2. The committed rows with the batch's client ids (one query), and the rows other instances
 *    committed after the revision this instance holds.
 * 3. As many log ids as the batch has writes, from the table's identity sequence, taken under
 *    the lock so that a competition's log ids grow with its revisions on every instance.
 * 4. `decide` (in memory), then one multi-row INSERT, per competition written to one UPDATE
 *    of its revision that also sends its `pg_notify`, and COMMIT. PostgreSQL delivers the notifications only on
 *    commit and in commit order.
 *
 * The promise resolves after COMMIT returned, i.e. with synchronous_commit=on after the WAL is
 * flushed (checked by openPgDatabase). A unique violation on the client id (two instances
 * given the same resend at once) rolls the batch back: the writes are refused as retryable and
 * the resend then finds the committed row.
 */
export function pgMarkLog(db: PgDb): MarkLog {
  return {
    engine: 'postgres',
    commit: (batch, decide) =>
      db.transaction(async (tx) => {
        const locked = await tx
          .select({ id: competitions.id, revision: competitions.revision })
          .from(competitions)
          .where(inArray(competitions.id, [...batch.competitionIds]))
          .orderBy(asc(competitions.id))
          .for('update');
        const revisions = new Map(locked.map((c) => [c.id, c.revision]));
        const existing = batch.clientIds.length
          ? await tx
              .select()
              .from(marks)
              .where(inArray(marks.clientId, [...batch.clientIds]))
          : [];
        const after = new Map<number, MarkRow[]>();
        for (const [id, held] of batch.held)
          if ((revisions.get(id) ?? 0) > held)
            after.set(
              id,
              await tx
                .select()
                .from(marks)
                .where(and(eq(marks.competitionId, id), gt(marks.revision, held)))
                .orderBy(asc(marks.revision)),
            );
        const reserved = await tx.execute<{ id: number }>(
          sql`SELECT nextval(pg_get_serial_sequence('marks', 'id'))::int AS id
              FROM generate_series(1, ${batch.clientIds.length})`,
        );
        const ids = reserved.rows.map((r) => r.id).sort((a, b) => a - b);
        const byClientId = new Map(existing.map((m) => [m.clientId, m]));
        const next = new Map(revisions);
        const rows: MarkRow[] = [];
        const result = decide({
          findByClientId: (clientId) => byClientId.get(clientId),
          committedAfter: (id, revision) =>
            (after.get(id) ?? []).filter((m) => m.revision > revision),
          revisionOf: (id) => revisions.get(id) ?? 0,
          append(m) {
            const revision = next.get(m.competitionId)! + 1;
            next.set(m.competitionId, revision);
            const id = ids[rows.length]!;
            rows.push({ ...m, id, revision });
            return { id, revision };
          },
        });
        // PostgreSQL binds at most 65,535 parameters a statement: a large import comes in parts.
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
          await tx.insert(marks).values(rows.slice(i, i + ROWS_PER_INSERT));
        for (const [id, revision] of next) {
          if (revision === revisions.get(id)) continue;
          // One round trip: the revision and its hint (sent by PostgreSQL at COMMIT only).
          const payload = revisionPayload({ competitionId: id, revision });
          await tx
            .update(competitions)
            .set({ revision })
            .where(eq(competitions.id, id))
            .returning({ hint: sql`pg_notify(${REVISION_CHANNEL}, ${payload})` });
        }
        return result;
      }),
  };
}
