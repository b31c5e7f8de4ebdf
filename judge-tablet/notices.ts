import type { RescoreRequest, VoidNotice } from '#protocol';

/**
 * What the head judge told this judge, as the server keeps it (docs/protocol.md): voids of his
 * marks (`welcome.voided`, `judge.voided`) and re-score requests he has not answered yet
 * (`welcome.rescores`, `judge.rescore`). Pure list handling; the session holds the state and
 * the device remembers only which notices the judge closed.
 */

const cell = (r: { contestantId: number; sheetId: string }) => `${r.contestantId}:${r.sheetId}`;

/** Adds notices not yet held (one per voided mark), oldest first. */
export function mergeVoids(list: readonly VoidNotice[], incoming: readonly VoidNotice[]) {
  const out = [...list];
  for (const n of incoming) {
    const i = out.findIndex((x) => x.markId === n.markId);
    if (i >= 0) out[i] = n;
    else out.push(n);
  }
  return out;
}

/** The void notices still to show (not closed on this device), newest first. */
export function openVoids(
  list: readonly VoidNotice[],
  dismissed: ReadonlySet<number>,
): VoidNotice[] {
  return list.filter((n) => !dismissed.has(n.markId)).reverse();
}

/** What the tablet's saved mark of a line does when the head judge voids a mark on it. */
export type VoidEffect =
  | { kind: 'keep' }
  | { kind: 'clear' }
  | { kind: 'restore'; markId: number; values: Record<string, unknown> };

/**
 * How a void changes the line's saved mark on this tablet: when the voided mark is the one
 * the tablet holds (or the tablet holds an older one, the voided mark made elsewhere), the mark
 * it replaced is current again — or, with none, the line is empty. A line that has moved on
 * since (a newer mark) is kept.
 */
export function voidEffect(savedMarkId: number | undefined, notice: VoidNotice): VoidEffect {
  if (savedMarkId !== undefined && savedMarkId > notice.markId) return { kind: 'keep' };
  return notice.restored
    ? { kind: 'restore', markId: notice.restored.markId, values: notice.restored.values }
    : { kind: 'clear' };
}

/** Adds requests not yet held (one per id), oldest first. */
export function mergeRescores(
  list: readonly RescoreRequest[],
  incoming: readonly RescoreRequest[],
): RescoreRequest[] {
  const out = [...list];
  for (const r of incoming) {
    const i = out.findIndex((x) => x.id === r.id);
    if (i >= 0) out[i] = r;
    else out.push(r);
  }
  return out;
}

/** The requests of one line (contestant × sheet), the newest last. */
export function rescoresOf(
  list: readonly RescoreRequest[],
  contestantId: number,
  sheetId: string,
): RescoreRequest[] {
  return list.filter((r) => r.contestantId === contestantId && r.sheetId === sheetId);
}

/** The requests left once this judge's mark on a line is acknowledged: that line's are answered. */
export function answerRescores(
  list: readonly RescoreRequest[],
  contestantId: number,
  sheetId: string,
): RescoreRequest[] {
  return list.filter((r) => !(r.contestantId === contestantId && r.sheetId === sheetId));
}

/**
 * The banners to show: per line the newest request, unless the judge closed it on this device
 * (a newer request for the same line shows again). Oldest line first.
 */
export function openRescores(
  list: readonly RescoreRequest[],
  dismissed: ReadonlySet<number>,
): RescoreRequest[] {
  const latest = new Map<string, RescoreRequest>();
  for (const r of list) {
    const k = cell(r);
    const held = latest.get(k);
    if (!held || r.id > held.id) latest.set(k, r);
  }
  return [...latest.values()].filter((r) => !dismissed.has(r.id));
}

/** Keeps the closed ids that still name something held (so the stored list stays small). */
export function pruneDismissed(dismissed: Iterable<number>, held: Iterable<number>): number[] {
  const keep = new Set(held);
  return [...new Set(dismissed)].filter((id) => keep.has(id));
}
