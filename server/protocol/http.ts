import type { StandingRow } from '../engine/standings.ts';
import type { TeamRow } from '../engine/teams.ts';
import type { Advancement, Awards } from './scheme.ts';

type Text = { zh: string; en: string };

/**
 * Where a competition sits in its festival (技能节): the event (trade, 工种), the group within
 * it (组别) and the round (轮次, `order` 1 = the first). The default contest is a festival of
 * one event, one group and one round; nothing treats that case apart.
 */
export interface Placement {
  festival: { slug: string; title: Text };
  event: { id: string; label: Text };
  group: { id: string; label: Text };
  round: { id: string; label: Text; order: number };
}

export interface CompetitionSummary {
  slug: string;
  title: { zh: string; en: string };
  venue: string;
  date: string;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  state: 'draft' | 'live' | 'frozen' | 'final';
  decimals: number;
  revision: number;
  /** How the public sees names. */
  nameDisplay: 'full' | 'masked';
  /** When the public board was frozen (ISO time), while frozen or revealing. */
  frozenAt: string | null;
  /** Rows revealed so far at the ceremony, from last place up; null before the reveal. */
  revealed: number | null;
  placement: Placement;
}

/** Column headings of the standings: modules and stations in scheme order. */
export interface StandingsColumns {
  /** `weight` in whole percent; null on the points basis (scheme v2), where modules simply add up. */
  modules: { id: string; label: { zh: string; en: string }; weight: number | null }[];
  stations: { id: string; moduleId: string; label: { zh: string; en: string }; points: string }[];
  /** The prize list's rules (rows carry `awards` ids); null when the scheme has none. */
  awards: Awards | null;
  /** Carry-over from the previous round (rows carry `roundTotal` and `carried`); null: none. */
  carry: { weight: string } | null;
}

/** `GET /api/competitions/:slug/standings`. */
export interface StandingsResponse {
  competition: CompetitionSummary;
  revision: number;
  columns: StandingsColumns;
  /** True while any station is not yet locked by the head judge. */
  provisional: boolean;
  rows: StandingRow[];
}

/** `GET /api/competitions`. */
export interface CompetitionsResponse {
  competitions: CompetitionSummary[];
}

/** A festival: its competitions in event, group, round order. `GET /api/festivals/:slug`. */
export interface FestivalSummary {
  slug: string;
  title: Text;
  venue: string;
  date: string;
  /**
   * The projector rotation (`/scoreboard/?festival=SLUG`): the competitions it shows in turn
   * (slugs, in order) and the seconds each stays on screen.
   */
  board: { show: string[]; seconds: number };
  competitions: CompetitionSummary[];
}

/** `GET /api/festivals`. */
export interface FestivalsResponse {
  festivals: FestivalSummary[];
}

/** `GET /api/competitions/:slug/teams`: the team ranking (public view unless staff). */
export interface TeamsResponse {
  competition: CompetitionSummary;
  /** Members counted per team; null: all. */
  best: number | null;
  provisional: boolean;
  teams: TeamRow[];
}

/**
 * `GET /api/competitions/:slug/advancement` (organiser, head judge): who goes on to the next
 * round under the scheme's rule, computed on the live standings.
 */
export interface AdvancementPreview {
  competition: CompetitionSummary;
  rule: Advancement | null;
  /** The next round of the same event and group; null when this is the last round. */
  next: CompetitionSummary | null;
  /** The next round's carry-over, if any. */
  carry: { weight: string } | null;
  /** True when advancement may run: this round is final (published) and the next is empty. */
  ready: boolean;
  /** Why it may not run yet, in Chinese; null when ready. */
  blocked: string | null;
  /** Advancement has already run (the next round holds contestants from this one). */
  done: boolean;
  advanced: StandingRow[];
  outAtCut: StandingRow[];
  extraAtCut: number;
}
