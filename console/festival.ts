import type { CompetitionSummary } from '#protocol';
import { placementLabel } from '../web/present/placement.ts';
import { pick, type Lang } from './i18n.ts';

/**
 * Pure helpers of the festival view (技能节): the festival's competitions as a tree of event
 * (工种) → group (组别) → round (轮次). A competition's place in words is
 * web/present/placement.ts.
 */

type Label = { zh: string; en: string };

export interface FestivalGroup {
  id: string;
  label: Label;
  /** The group's rounds, first round first (preliminary → final). */
  rounds: CompetitionSummary[];
}

export interface FestivalEvent {
  id: string;
  label: Label;
  groups: FestivalGroup[];
}

/**
 * The competitions grouped by event, then group, then round. Events and groups keep the order
 * in which they first appear (the server lists a festival in event, group, round order);
 * rounds are sorted by `round.order`, then slug, so a list in any order still reads
 * preliminary → final.
 */
export function groupCompetitions(list: readonly CompetitionSummary[]): FestivalEvent[] {
  const events: FestivalEvent[] = [];
  const eventById = new Map<string, FestivalEvent>();
  for (const c of list) {
    const { event, group } = c.placement;
    let e = eventById.get(event.id);
    if (!e) {
      e = { id: event.id, label: event.label, groups: [] };
      eventById.set(event.id, e);
      events.push(e);
    }
    let g = e.groups.find((x) => x.id === group.id);
    if (!g) {
      g = { id: group.id, label: group.label, rounds: [] };
      e.groups.push(g);
    }
    g.rounds.push(c);
  }
  for (const e of events)
    for (const g of e.groups)
      g.rounds.sort(
        (a, b) => a.placement.round.order - b.placement.round.order || a.slug.localeCompare(b.slug),
      );
  return events;
}

/** The public board of one competition, and the festival's projector rotation. */
export const boardUrl = (slug: string) => `/scoreboard/?competition=${encodeURIComponent(slug)}`;
export const festivalBoardUrl = (slug: string) =>
  `/scoreboard/?festival=${encodeURIComponent(slug)}`;

/**
 * How the console can reach a competition from the switcher: it is the `current` one; a
 * `switch` away (the organiser within the same festival, or a login this tab already holds);
 * or only by signing in with its own code, `elsewhere` (a new tab).
 */
export type Reach = 'current' | 'switch' | 'elsewhere';

export interface SwitcherItem {
  competition: CompetitionSummary;
  reach: Reach;
  /** "group · round" (the event when it is not the title), or '' for a contest of one. */
  placement: string;
}

/**
 * Every competition on the server for the header's switcher, in the server's order, the
 * current one's festival first. Competitions with the same title (one created from another's
 * file) differ by slug, which the switcher always shows.
 */
export function switcherItems(
  list: readonly CompetitionSummary[],
  current: Pick<CompetitionSummary, 'slug' | 'placement'> | null,
  can: { organiser: boolean; remembers: (slug: string) => boolean },
  lang: Lang,
): SwitcherItem[] {
  const festival = current?.placement.festival.slug ?? null;
  const same = (c: CompetitionSummary) => c.placement.festival.slug === festival;
  return [...list.filter(same), ...list.filter((c) => !same(c))].map((c) => ({
    competition: c,
    reach:
      c.slug === current?.slug
        ? 'current'
        : (can.organiser && same(c)) || can.remembers(c.slug)
          ? 'switch'
          : 'elsewhere',
    placement: placementLabel(c.placement, lang, pick(c.title, lang)),
  }));
}
