import { asc, eq, max } from 'drizzle-orm';
import type { auditLog } from '../schema.ts';
import { first, type Store } from '../store.ts';

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
export async function appendAudit(s: Store, e: NewAudit): Promise<void> {
  await s.db.insert(s.t.auditLog).values({
    competitionId: e.competitionId,
    officialId: e.officialId,
    action: e.action,
    detailJson: JSON.stringify(e.detail),
    reason: e.reason ?? null,
    revision: e.revision,
    createdAt: e.createdAt ?? new Date().toISOString(),
  });
}

/** A competition's audit log, oldest first. */
export async function listAudit(s: Store, competitionId: number): Promise<AuditRow[]> {
  const { auditLog } = s.t;
  return s.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.competitionId, competitionId))
    .orderBy(asc(auditLog.id));
}

/** The id of a competition's latest audit entry (0: none). */
export async function lastAuditId(s: Store, competitionId: number): Promise<number> {
  const { auditLog } = s.t;
  const row = await first(
    s.db
      .select({ id: max(auditLog.id) })
      .from(auditLog)
      .where(eq(auditLog.competitionId, competitionId)),
  );
  return row?.id ?? 0;
}
