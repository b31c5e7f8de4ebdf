import {
  getFestival,
  listContestants,
  type CompetitionRow,
  type FestivalRow,
} from './competitions.ts';
import type { ContestantRow } from './contestants.ts';
import { getCompetitionBySlug } from './competitions.ts';
import { listOfficials, type OfficialRow } from './officials.ts';
import {
  listMarks,
  listRescoreRequests,
  listStationLocks,
  type MarkRow,
  type RescoreRow,
  type StationLockRow,
} from './marks.ts';
import type { Store } from '../store.ts';

/**
 * Everything a live competition is rebuilt from (server/services/live-competition.ts), read
 * the same way from either engine: the competition row, its festival, contestants in draw
 * order, officials, re-score requests, station locks and the whole mark log in sequence order.
 */
export interface StoredCompetition {
  row: CompetitionRow;
  festival: FestivalRow;
  contestants: ContestantRow[];
  officials: OfficialRow[];
  rescores: RescoreRow[];
  locks: StationLockRow[];
  log: MarkRow[];
}

/**
 * Reads a competition's stored state as one consistent snapshot (`Store.snapshot`: on
 * PostgreSQL a REPEATABLE READ transaction, so the log, locks and revision agree even while
 * other instances write).
 * @returns null when no competition has this slug.
 * @throws Error when the competition belongs to no festival (a damaged database).
 */
export async function readStoredCompetition(
  s: Store,
  slug: string,
): Promise<StoredCompetition | null> {
  return s.snapshot(async (tx) => {
    const row = await getCompetitionBySlug(tx, slug);
    if (!row) return null;
    const festival = row.festivalId === null ? undefined : await getFestival(tx, row.festivalId);
    if (!festival) throw new Error(`competition ${row.slug} belongs to no festival`);
    return {
      row,
      festival,
      contestants: await listContestants(tx, row.id),
      officials: await listOfficials(tx, row.id),
      rescores: await listRescoreRequests(tx, row.id),
      locks: await listStationLocks(tx, row.id),
      log: await listMarks(tx, row.id),
    };
  });
}
