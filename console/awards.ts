import type { AwardRule, Awards, StandingRow } from '#protocol';
import { awardTiers, type AwardTier } from '../web/present/awards.ts';
import { formatPoints } from './advancement.ts';
import { pick, type Dict, type Lang } from './i18n.ts';

/**
 * Pure helpers of awards (奖项) in the console: the chips on a standings row (rows carry award
 * ids, the columns carry the rules) and the awards list, award → holders. The tier (medal
 * colour) of an award is the one rule of every page, web/present/awards.ts `awardTiers`.
 */

/** A row's award in the console's language, coloured by its {@link AwardTier}. */
export interface AwardChip {
  id: string;
  label: string;
  tier: AwardTier;
}

/**
 * The chips of one row: its award ids with the rules' labels in `lang`, in the row's order (the
 * scheme's). An id the rules do not know (a scheme changed under a stale row) shows as itself.
 */
export function awardChips(
  ids: readonly string[] | undefined,
  awards: Awards | null,
  lang: Lang,
): AwardChip[] {
  if (!ids?.length) return [];
  const rules = new Map((awards?.rules ?? []).map((a) => [a.id, a]));
  const tiers = awardTiers(awards);
  return ids.map((id) => {
    const rule = rules.get(id);
    return { id, label: rule ? pick(rule.label, lang) : id, tier: tiers.get(id) ?? 'merit' };
  });
}

/** What an award is given for, in words: "前 3 名", "前 10%", "总分 ≥ 60.00". */
export function ruleText(rule: AwardRule, decimals: number, t: Dict['awards']): string {
  if (rule.by === 'rank') return t.topN(rule.count);
  if (rule.by === 'share') return t.share(String(rule.percent));
  return t.atLeast(formatPoints(rule.min, decimals));
}

export interface AwardList {
  rule: AwardRule;
  tier: AwardTier;
  /** The rows holding it, in standings order. */
  holders: StandingRow[];
}

/** The awards list: every rule of the prize list (in order) with the rows that hold it. */
export function awardHolders(ranked: readonly StandingRow[], awards: Awards | null): AwardList[] {
  if (!awards) return [];
  const tiers = awardTiers(awards);
  return awards.rules.map((rule) => ({
    rule,
    tier: tiers.get(rule.id)!,
    holders: ranked.filter((r) => r.awards?.includes(rule.id)),
  }));
}
