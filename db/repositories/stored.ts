import type { Db } from '../client.ts';
import type { stationLocks } from '../schema.ts';
import {
  getFestival,
  listContestants,
  type CompetitionRow,
  type FestivalRow,
} from './competitions.ts';
import type { ContestantRow } from './contestants.ts';
import { listOfficials, type OfficialRow } from './officials.ts';
import {
  listMarks,
  listRescoreRequests,
  listStationLocks,
  type MarkRow,
  type RescoreRow,
} from './marks.ts';

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
  locks: (typeof stationLocks.$inferSelect)[];
  log: MarkRow[];
}

/**
 * Reads a competition's stored state from the SQLite file.
 * @throws Error when the competition belongs to no festival (a damaged file).
 */
export function readStoredCompetition(db: Db, row: CompetitionRow): StoredCompetition {
  const festival = row.festivalId === null ? undefined : getFestival(db, row.festivalId);
  if (!festival) throw new Error(`competition ${row.slug} belongs to no festival`);
  return {
    row,
    festival,
    contestants: listContestants(db, row.id),
    officials: listOfficials(db, row.id),
    rescores: listRescoreRequests(db, row.id),
    locks: listStationLocks(db, row.id),
    log: listMarks(db, row.id),
  };
}
