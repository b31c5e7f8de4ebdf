import { asc, eq, max } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { auditLog } from '../schema.ts';

export type AuditRow = typeof auditLog.$inferSelect;
/** An audit entry to append: `detail` is stored as JSON. */
export interface NewAudit {
  competitionId: number;
  officialId: number | null;
  action: string;
  detail: object;
  reason?: string | null;
  revision: number;
  createdAt?: string;
}

/** Appends one entry to a competition's audit log (inside the caller's transaction, if any). */
export function appendAudit(db: Db, e: NewAudit): void {
  db.insert(auditLog)
    .values({
      competitionId: e.competitionId,
      officialId: e.officialId,
      action: e.action,
      detailJson: JSON.stringify(e.detail),
      reason: e.reason ?? null,
      revision: e.revision,
      createdAt: e.createdAt ?? new Date().toISOString(),
    })
    .run();
}

/** A competition's audit log, oldest first. */
export function listAudit(db: Db, competitionId: number): AuditRow[] {
  return db
    .select()
    .from(auditLog)
    .where(eq(auditLog.competitionId, competitionId))
    .orderBy(asc(auditLog.id))
    .all();
}

/** The id of a competition's latest audit entry (0: none). */
export function lastAuditId(db: Db, competitionId: number): number {
  return (
    db
      .select({ id: max(auditLog.id) })
      .from(auditLog)
      .where(eq(auditLog.competitionId, competitionId))
      .get()?.id ?? 0
  );
}
