import type { Placement } from '#protocol';
import type { Lang } from '../i18n.ts';

/** Between the parts of a placement: "网约送餐员 · 青年组 · 决赛". */
export const PLACEMENT_SEP = ' · ';

/**
 * Where a competition sits in its festival: event, group and round labels in `lang`, as the
 * board's and console's headers, the printed pages and the exports say it. With `title`, the
 * event is left out when it only repeats the competition's title (a competition file loaded
 * alone is a festival of one whose event is named by its title), so a header never says the
 * same thing twice; an empty event label is left out too.
 */
export function placementParts(p: Placement, lang: Lang, title?: string): string[] {
  const event = p.event.label[lang];
  const parts = !event.trim() || event.trim() === title?.trim() ? [] : [event];
  parts.push(p.group.label[lang], p.round.label[lang]);
  return parts;
}

/**
 * Whether a competition's placement is worth a line on the board: true when its festival has
 * more than one event, group or round among `all` (the competitions the server lists). A
 * contest of one — the default: one event, one group, one round — has nothing to be placed
 * among, and its "公开组 · 决赛" would only puzzle the hall. Not known yet (`all` null): no line,
 * rather than one that may vanish a moment later.
 */
export function placementMatters(p: Placement, all: readonly Placement[] | null): boolean {
  if (!all) return false;
  const mine = [p, ...all.filter((o) => o.festival.slug === p.festival.slug)];
  const distinct = (key: (o: Placement) => string) => new Set(mine.map(key)).size > 1;
  return distinct((o) => o.event.id) || distinct((o) => o.group.id) || distinct((o) => o.round.id);
}

/** {@link placementParts} in one line: "网约送餐员 · 青年组 · 决赛". */
export function placementLabel(p: Placement, lang: Lang, title?: string): string {
  return placementParts(p, lang, title).join(PLACEMENT_SEP);
}

/**
 * A placement as short as still tells the competitions of `all` apart (the rotation's "next"
 * label, the phone's picker): the group is left out when its event has only one group among
 * `all` ("快递员 · 决赛"), the event and round are always said.
 */
export function shortPlacement(p: Placement, lang: Lang, all: readonly Placement[]): string {
  const groups = new Set(all.filter((o) => o.event.id === p.event.id).map((o) => o.group.id));
  groups.add(p.group.id);
  const parts = [p.event.label[lang]];
  if (groups.size > 1) parts.push(p.group.label[lang]);
  parts.push(p.round.label[lang]);
  return parts.join(PLACEMENT_SEP);
}
