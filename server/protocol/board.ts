import { z } from 'zod';
import type { StandingRow } from '../engine/standings.ts';
import type { CompetitionSummary, StandingsColumns } from './http.ts';

/** Query of the board socket: `/ws/board?competition=SLUG&since=REVISION`. */
export const BoardQuery = z.object({
  competition: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
  /** Last revision this board applied; the server sends only what came after it. */
  since: z.coerce.number().int().min(0).optional(),
});

/** The full table at one revision. */
export interface BoardSnapshot {
  type: 'board.snapshot';
  revision: number;
  competition: CompetitionSummary;
  columns: StandingsColumns;
  rows: StandingRow[];
}

/** What one mark explains, for the ticker ("12号 单边桥 掉桥 −10"). */
export interface BoardEvent {
  bib: string;
  name: string;
  sheet: { zh: string; en: string };
  detail: string;
  score: string;
}

/**
 * What changed at one revision: only the rows that changed (one per mark). The board re-ranks
 * with the engine's `rankRows`, so a delta's size does not grow with the field.
 */
export interface BoardDelta {
  type: 'board.delta';
  revision: number;
  rows: StandingRow[];
  event: BoardEvent | null;
}

export type BoardServerMessage = BoardSnapshot | BoardDelta | { type: 'pong'; t?: number };
