import type { StandingRow } from '../engine/standings.ts';

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
}

/** Column headings of the standings: modules and stations in scheme order. */
export interface StandingsColumns {
  modules: { id: string; label: { zh: string; en: string }; weight: number }[];
  stations: { id: string; moduleId: string; label: { zh: string; en: string }; points: string }[];
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
