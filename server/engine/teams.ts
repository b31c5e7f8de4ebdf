import { formatScaled } from '../protocol/decimal.ts';
import type { StandingRow, TeamRow } from '../protocol/standings.ts';
import { compareOnMerit } from './standings.ts';

/** One team of the team ranking: a wire shape, declared in protocol/standings.ts. */
export type { TeamRow };

/**
 * The team ranking. Source: the scheme's `teams` (protocol/scheme.ts). Each organisation's
 * ranked members (withdrawn and disqualified ones do not count) form a team; its score is
 * the exact integer sum of its `best` highest published totals (all members when `best` is
 * absent). Teams are ranked like contestants (standard competition ranking, 1 2 2 4) on the
 * score, then on the counted totals best first; a team with fewer ranked members than `best`
 * is listed last, unranked. Contestants without an organisation are in no team.
 * @param ranked the standings in order (engine rankRows); `decimals` of the scheme.
 */
export function teamStandings(
  ranked: readonly StandingRow[],
  best: number | undefined,
  decimals: number,
): TeamRow[] {
  const byTeam = new Map<string, StandingRow[]>();
  for (const r of ranked) {
    if (r.rank === null || !r.organisation) continue;
    const list = byTeam.get(r.organisation) ?? [];
    list.push(r);
    byTeam.set(r.organisation, list);
  }
  const teams: TeamRow[] = [...byTeam].map(([team, members]) => {
    const n = best ?? members.length;
    const counted = members.slice(0, n);
    const totalUnits = counted.reduce((s, r) => s + r.totalUnits, 0);
    return {
      team,
      rank: null,
      total: formatScaled(totalUnits, decimals),
      totalUnits: members.length >= n ? totalUnits : -1,
      members: members.map((r, i) => ({
        contestantId: r.contestantId,
        bib: r.bib,
        name: r.name,
        total: r.total,
        counted: i < n,
      })),
      keys: counted.map((r) => r.totalUnits),
    };
  });
  const complete = (t: TeamRow) => t.totalUnits >= 0;
  teams.sort(
    (a, b) =>
      Number(complete(b)) - Number(complete(a)) ||
      compareOnMerit(a, b) ||
      a.team.localeCompare(b.team, 'zh-CN'),
  );
  let prev: TeamRow | undefined;
  teams.forEach((t, i) => {
    if (!complete(t)) return;
    t.rank = prev && compareOnMerit(prev, t) === 0 ? prev.rank : i + 1;
    prev = t;
  });
  for (const t of teams) if (!complete(t)) t.totalUnits = t.keys.reduce((s, k) => s + k, 0);
  return teams;
}
