import { z } from 'zod';
import { ContestantStatus } from './fixture.ts';

/**
 * The rows of the standings and of the team ranking as they travel: in the standings and teams
 * answers, the board's snapshots and deltas, the advancement preview. The engine builds them
 * (engine/standings.ts `buildRow`, engine/teams.ts `teamStandings`) and imports these types;
 * protocol never imports the engine. Scores are strings with exactly the scheme's decimals
 * (`"80.33"`), so no client re-formats a float.
 */

/**
 * Scoring state of a sheet or station for one contestant: no mark, part of the panel, scored,
 * or a panel spread beyond tolerance.
 */
export const LineStatus = z.enum(['empty', 'partial', 'scored', 'flagged']);
export type LineStatus = z.infer<typeof LineStatus>;

/** One row of the standings, as every screen and export shows it. */
export const StandingRow = z.object({
  contestantId: z.number().int(),
  bib: z.string(),
  drawOrder: z.number().int(),
  name: z.string(),
  organisation: z.string(),
  status: ContestantStatus,
  /** Standard competition rank (1, 2, 2, 4); null for withdrawn and disqualified contestants. */
  rank: z.number().int().nullable(),
  /** What ranks: this round's total plus any carry-over. */
  total: z.string(),
  /** Total in integer units of 10^-decimals points, for sorting. */
  totalUnits: z.number().int(),
  /** With a carry-over: this round's own total and the carried points (total = sum). */
  roundTotal: z.string().optional(),
  carried: z.string().optional(),
  /** Award ids held (engine/awards.ts), in the scheme's order; set on ranked lists only. */
  awards: z.array(z.string()).optional(),
  /** Published module scores by module id. */
  modules: z.record(z.string(), z.string()),
  /** Published station scores by station id, with the line's state and the head judge's lock. */
  stations: z.record(
    z.string(),
    z.object({ score: z.string(), status: LineStatus, locked: z.boolean() }),
  ),
  /** Tie-break keys in the scheme's order, oriented so that larger is better; null loses. */
  keys: z.array(z.number().nullable()),
  provisional: z.boolean(),
});
export type StandingRow = z.infer<typeof StandingRow>;

/** One team of the team ranking (团体排名, engine/teams.ts `teamStandings`). */
export const TeamRow = z.object({
  /** The organisation the members belong to. */
  team: z.string(),
  /** Standard competition rank; null when the team has fewer ranked members than counted. */
  rank: z.number().int().nullable(),
  /** Sum of the counted members' published totals, with the scheme's decimals. */
  total: z.string(),
  totalUnits: z.number().int(),
  /** Ranked members in standings order; `counted` marks the ones in the team score. */
  members: z.array(
    z.object({
      contestantId: z.number().int(),
      bib: z.string(),
      name: z.string(),
      total: z.string(),
      counted: z.boolean(),
    }),
  ),
  /** Tie-break keys: the counted members' totals, best first (a better best member wins). */
  keys: z.array(z.number()),
});
export type TeamRow = z.infer<typeof TeamRow>;
