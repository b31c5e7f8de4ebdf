import type { StandingsColumns } from '#protocol';
import type { BoardRow, Place } from '../board-model.ts';
import type { Dict, Lang } from '../i18n.ts';

/** What each part of the ceremony's ladder (Podium.svelte, PlaceGrid.svelte) is given. */
export interface LadderPart {
  /** Its places, best first; a place's row once revealed. */
  places: Place<BoardRow>[];
  /** The newest revelation, which glows. */
  newest: Place<BoardRow> | null;
  columns: StandingsColumns;
  lang: Lang;
  t: Dict;
}
