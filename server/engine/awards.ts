import type { Awards } from '../protocol/scheme.ts';
import { toMilli } from '../protocol/decimal.ts';
import { takesPart, type StandingRow } from './standings.ts';

/**
 * Places each positional award covers, from 1: `rank` takes `count` places, `share` takes
 * ⌊percent × field / 100⌋ (computed in integers: percent is in milli-percent), one after
 * another in the scheme's order. Threshold awards take no places.
 * @returns per rule id, the last place it covers (0 when it covers none); absent for thresholds.
 */
export function awardPlaces(awards: Awards, field: number): Map<string, number> {
  const out = new Map<string, number>();
  let end = 0;
  for (const a of awards.rules) {
    if (a.by === 'threshold') continue;
    const n = a.by === 'rank' ? a.count : Math.floor((toMilli(a.percent) * field) / 100_000);
    end += n;
    out.set(a.id, n > 0 ? end : 0);
  }
  return out;
}

/**
 * The prize list on ranked standings. Source: the scheme's `awards` (protocol/scheme.ts).
 * A ranked contestant at rank r sharing it with g − 1 others occupies places r … r+g−1
 * (standard competition ranking); with `ties: 'higher'` the group gets the award covering
 * place r, with `'lower'` the one covering place r+g−1 — so a tie at a boundary never splits,
 * and places used by a tie are not given again. Threshold awards are added to every ranked
 * row whose total reaches `min`. Unranked rows (withdrawn, disqualified) and rows with
 * nothing scored yet hold nothing and do not count in the field: a group nobody has marked
 * is fifteen contestants tied at 0.00, not fifteen first prizes.
 * @param ranked rows in standings order with ranks; `decimals` of the scheme.
 * @returns the same rows with `awards` set (new objects where it changed).
 */
export function assignAwards<R extends StandingRow>(
  ranked: readonly R[],
  awards: Awards | undefined,
  decimals: number,
): R[] {
  if (!awards) return ranked as R[];
  const field = ranked.reduce((n, r) => n + (takesPart(r) ? 1 : 0), 0);
  const places = awardPlaces(awards, field);
  const positional = awards.rules.filter((a) => a.by !== 'threshold');
  const groupSize = new Map<number, number>();
  for (const r of ranked)
    if (r.rank !== null) groupSize.set(r.rank, (groupSize.get(r.rank) ?? 0) + 1);
  const awardAt = (place: number): string | null => {
    for (const a of positional) {
      const end = places.get(a.id)!;
      if (end > 0 && place <= end) return a.id;
    }
    return null;
  };
  const scale = 10 ** (3 - decimals);
  return ranked.map((r) => {
    const held: string[] = [];
    if (takesPart(r)) {
      const place = awards.ties === 'higher' ? r.rank : r.rank + groupSize.get(r.rank)! - 1;
      const prize = awardAt(place);
      for (const a of awards.rules)
        if (a.id === prize || (a.by === 'threshold' && r.totalUnits * scale >= toMilli(a.min)))
          held.push(a.id);
    }
    const same = r.awards?.length === held.length && r.awards.every((x, i) => x === held[i]);
    return same ? r : { ...r, awards: held };
  });
}
