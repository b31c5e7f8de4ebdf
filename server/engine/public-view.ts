import type { StandingsColumns } from '../protocol/http.ts';
import type { CompetitionState } from './acceptance.ts';
import { maskName } from './privacy.ts';
import type { StandingRow } from './standings.ts';

/**
 * What decides the public view of a competition (SPEC: the audience never sees a hidden
 * round): its course, its name display, and the stations the public is not scored on until
 * the reveal (docs/scheme.md, "Hidden stations").
 */
export interface PublicPolicy {
  state: CompetitionState;
  /** Rows revealed in the ceremony (frozen only); null before the reveal. */
  revealed: number | null;
  nameDisplay: 'full' | 'masked';
  /** Ids of the scheme's hidden stations (empty: none). */
  hidden: ReadonlySet<string>;
}

/**
 * Whether the public view leaves hidden stations out now: until the ceremony's reveal
 * starts, and not once final (docs/scheme.md, "Hidden stations").
 */
export function hidesStations(p: PublicPolicy): boolean {
  return p.hidden.size > 0 && p.state !== 'final' && !(p.state === 'frozen' && p.revealed !== null);
}

/**
 * A row as the public sees it: the name masked (张*华, engine/privacy.ts) when the
 * competition says so, and hidden stations' scores left out while they are hidden. Returns the
 * row itself when nothing changes (no copy per row on an open competition).
 */
export function publicRow(row: StandingRow, p: PublicPolicy): StandingRow {
  let out = p.nameDisplay === 'masked' ? { ...row, name: maskName(row.name) } : row;
  if (hidesStations(p)) {
    const stations = { ...out.stations };
    for (const id of p.hidden) delete stations[id];
    out = { ...out, stations };
  }
  return out;
}

/** The standings columns the public sees: hidden stations left out while they are hidden. */
export function publicColumns(columns: StandingsColumns, p: PublicPolicy): StandingsColumns {
  return hidesStations(p)
    ? { ...columns, stations: columns.stations.filter((s) => !p.hidden.has(s.id)) }
    : columns;
}

/**
 * A ticker event as the public sees it: none at all for a hidden station (nothing can be
 * derived from it, not even that a mark arrived), the name masked when the competition says so.
 */
export function publicEvent<E extends { stationId: string; name: string }>(
  e: E,
  p: Pick<PublicPolicy, 'nameDisplay' | 'hidden'>,
): E | null {
  if (p.hidden.has(e.stationId)) return null;
  return p.nameDisplay === 'masked' ? { ...e, name: maskName(e.name) } : e;
}

/**
 * The rows a public snapshot holds (SPEC, "freeze" and the ceremony): while live, the live
 * standings (scored without hidden stations while they are hidden); while frozen, the
 * standings as they stood at the freeze, then during the reveal only the revealed rows (the
 * last `revealed` of the current order, hidden stations included); everything once final.
 * The row sources are functions so only the one used is built.
 * @param staff the current standings, ranked (and awarded), hidden stations included.
 * @param visible the current standings scored without hidden stations.
 * @param frozen the standings at the freeze (the public ones when stations are hidden).
 */
export function publicRows(
  p: PublicPolicy,
  staff: readonly StandingRow[],
  visible: () => readonly StandingRow[],
  frozen: () => readonly StandingRow[],
): readonly StandingRow[] {
  if (p.state === 'frozen')
    return p.revealed === null ? frozen() : staff.slice(Math.max(0, staff.length - p.revealed));
  return hidesStations(p) ? visible() : staff;
}

/**
 * The revision the public is told: while frozen, the freeze's, so a public listing never
 * shows that marking goes on behind the frozen board.
 */
export function publicRevision(
  p: { state: CompetitionState; frozenRevision: number | null },
  revision: number,
): number {
  return p.state === 'frozen' && p.frozenRevision !== null ? p.frozenRevision : revision;
}

/**
 * Whether a public snapshot carries the recent ticker: not once final, and not during the
 * reveal (what the public saw last: nothing after the freeze, nothing during the reveal).
 */
export function showsRecent(p: Pick<PublicPolicy, 'state' | 'revealed'>): boolean {
  return !(p.state === 'final' || (p.state === 'frozen' && p.revealed !== null));
}

/**
 * The stations locked at a revision, folded from the lock log (lock / reopen, in log order):
 * what the public standings at a freeze were scored with. `at` absent: every entry.
 */
export function lockedAt(
  locks: Iterable<{ stationId: string; action: 'lock' | 'reopen'; revision: number }>,
  at?: number,
): Set<string> {
  const locked = new Set<string>();
  for (const l of locks)
    if (at === undefined || l.revision <= at) {
      if (l.action === 'lock') locked.add(l.stationId);
      else locked.delete(l.stationId);
    }
  return locked;
}

/**
 * What a public board is sent for a committed change (docs/architecture.md, "Board frames"):
 * while live, the change's delta — a mark's row, or a lock's rows (every provisional flag
 * moved); a change of course without rows (freeze, unfreeze, a reveal step, publishing, a name
 * setting) needs the whole public view again, and so does any change of course while not
 * live; a mark while not live sends nothing (the frozen board shows the freeze, the final one
 * the official list).
 * @param change.course whether the change is one of course or settings (it carries the summary).
 * @param change.rows how many rows the change carries.
 */
export function publicNews(
  state: CompetitionState,
  change: { course: boolean; rows: number },
): 'delta' | 'snapshot' | null {
  if (state === 'live' && (!change.course || change.rows > 0)) return 'delta';
  return change.course ? 'snapshot' : null;
}

/**
 * Whether a public board that comes back from a revision may be sent the deltas it missed:
 * only while live. Otherwise what it shows is a snapshot (the freeze, the reveal, the
 * official list), never the marks behind it.
 */
export function resumesWithDeltas(state: CompetitionState): boolean {
  return state === 'live';
}
