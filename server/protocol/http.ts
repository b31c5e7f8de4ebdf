import { z } from 'zod';
import { Advancement, Awards } from './scheme.ts';
import { StandingRow, TeamRow } from './standings.ts';

/**
 * The HTTP answers every page reads (standings, teams, the competitions and festivals lists,
 * the advancement preview), as zod schemas whose inferred types share their names. The server
 * builds them and the pages read them through these types; open answers are sent as they are
 * (protocol/api.ts `answer`), and server/protocol-answers.test.ts parses real answers with
 * these schemas, so the declared shapes cannot drift from what the server sends.
 */

const Text = z.object({ zh: z.string(), en: z.string() });

/**
 * Where a competition sits in its festival (技能节): the event (trade, 工种), the group within
 * it (组别) and the round (轮次, `order` 1 = the first). The default contest is a festival of
 * one event, one group and one round; nothing treats that case apart.
 */
export const Placement = z.object({
  festival: z.object({ slug: z.string(), title: Text }),
  event: z.object({ id: z.string(), label: Text }),
  group: z.object({ id: z.string(), label: Text }),
  round: z.object({ id: z.string(), label: Text, order: z.number().int() }),
});
export type Placement = z.infer<typeof Placement>;

/** A competition as every page sees it: title, course state, revision and where it sits. */
export const CompetitionSummary = z.object({
  slug: z.string(),
  title: Text,
  venue: z.string(),
  /** The competition day, `YYYY-MM-DD`. */
  date: z.string(),
  /** IANA zone of the venue (`Asia/Shanghai`): every page shows times on this clock. */
  timeZone: z.string(),
  locale: z.enum(['zh-CN', 'en']),
  state: z.enum(['draft', 'live', 'frozen', 'final']),
  decimals: z.number().int(),
  revision: z.number().int(),
  /** How the public sees names. */
  nameDisplay: z.enum(['full', 'masked']),
  /** When the public board was frozen (ISO time), while frozen or revealing. */
  frozenAt: z.string().nullable(),
  /** Rows revealed so far at the ceremony, from last place up; null before the reveal. */
  revealed: z.number().int().nullable(),
  placement: Placement,
});
export type CompetitionSummary = z.infer<typeof CompetitionSummary>;

/** Column headings of the standings: modules and stations in scheme order. */
export const StandingsColumns = z.object({
  /** `weight` in whole percent; null on the points basis (scheme v2), where modules simply add up. */
  modules: z.array(z.object({ id: z.string(), label: Text, weight: z.number().nullable() })),
  stations: z.array(
    z.object({ id: z.string(), moduleId: z.string(), label: Text, points: z.string() }),
  ),
  /** The prize list's rules (rows carry `awards` ids); null when the scheme has none. */
  awards: Awards.nullable(),
  /** Carry-over from the previous round (rows carry `roundTotal` and `carried`); null: none. */
  carry: z.object({ weight: z.string() }).nullable(),
});
export type StandingsColumns = z.infer<typeof StandingsColumns>;

/** `GET /api/competitions/:slug/standings`. */
export const StandingsResponse = z.object({
  competition: CompetitionSummary,
  revision: z.number().int(),
  columns: StandingsColumns,
  /** True while any station is not yet locked by the head judge. */
  provisional: z.boolean(),
  rows: z.array(StandingRow),
});
export type StandingsResponse = z.infer<typeof StandingsResponse>;

/** `GET /api/competitions`. */
export const CompetitionsResponse = z.object({ competitions: z.array(CompetitionSummary) });
export type CompetitionsResponse = z.infer<typeof CompetitionsResponse>;

/** A festival: its competitions in event, group, round order. `GET /api/festivals/:slug`. */
export const FestivalSummary = z.object({
  slug: z.string(),
  title: Text,
  venue: z.string(),
  date: z.string(),
  /**
   * The projector rotation (`/scoreboard/?festival=SLUG`): the competitions it shows in turn
   * (slugs, in order) and the seconds each stays on screen.
   */
  board: z.object({ show: z.array(z.string()), seconds: z.number() }),
  competitions: z.array(CompetitionSummary),
});
export type FestivalSummary = z.infer<typeof FestivalSummary>;

/** `GET /api/festivals`. */
export const FestivalsResponse = z.object({ festivals: z.array(FestivalSummary) });
export type FestivalsResponse = z.infer<typeof FestivalsResponse>;

/** `GET /api/competitions/:slug/teams`: the team ranking (public view unless staff). */
export const TeamsResponse = z.object({
  competition: CompetitionSummary,
  /** Members counted per team; null: all. */
  best: z.number().int().nullable(),
  provisional: z.boolean(),
  teams: z.array(TeamRow),
});
export type TeamsResponse = z.infer<typeof TeamsResponse>;

/**
 * `GET /api/competitions/:slug/advancement` (organiser, head judge): who goes on to the next
 * round under the scheme's rule, computed on the live standings.
 */
export const AdvancementPreview = z.object({
  competition: CompetitionSummary,
  rule: Advancement.nullable(),
  /** The next round of the same event and group; null when this is the last round. */
  next: CompetitionSummary.nullable(),
  /** The next round's carry-over, if any. */
  carry: z.object({ weight: z.string() }).nullable(),
  /** True when advancement may run: this round is final (published) and the next is empty. */
  ready: z.boolean(),
  /** Why it may not run yet, in Chinese; null when ready. */
  blocked: z.string().nullable(),
  /** The same as `advance/not_ready`'s parameters, for a page to word in its language. */
  notReady: z
    .object({
      why: z.enum(['no_rule', 'no_next', 'advanced', 'next_has_field', 'not_final']),
      round: z.object({ zh: z.string(), en: z.string() }).optional(),
    })
    .nullable(),
  /** Advancement has already run (the next round holds contestants from this one). */
  done: z.boolean(),
  advanced: z.array(StandingRow),
  outAtCut: z.array(StandingRow),
  extraAtCut: z.number().int(),
});
export type AdvancementPreview = z.infer<typeof AdvancementPreview>;
