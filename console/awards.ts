import type { StandingRow } from '#engine';
import type { AwardRule, Awards } from '#protocol';
import { formatPoints } from './advancement.ts';
import { pick, type Dict, type Lang } from './i18n.ts';

/**
 * Pure helpers of awards (奖项) in the console: the chips on a standings row (rows carry award
 * ids, the columns carry the rules) and the awards list, award → holders.
 */

/** Colour of a chip: the first three positional awards as medals, then merit, thresholds apart. */
export type AwardTone = 'gold' | 'silver' | 'bronze' | 'merit' | 'level';

export interface AwardChip {
  id: string;
  label: string;
  tone: AwardTone;
}

const MEDALS: readonly AwardTone[] = ['gold', 'silver', 'bronze'];

/** Award id → its tone, from the prize list's order. */
export function awardTones(awards: Awards | null): Map<string, AwardTone> {
  const out = new Map<string, AwardTone>();
  let place = 0;
  for (const a of awards?.rules ?? [])
    out.set(a.id, a.by === 'threshold' ? 'level' : (MEDALS[place++] ?? 'merit'));
  return out;
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
  const tones = awardTones(awards);
  return ids.map((id) => {
    const rule = rules.get(id);
    return { id, label: rule ? pick(rule.label, lang) : id, tone: tones.get(id) ?? 'merit' };
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
  tone: AwardTone;
  /** The rows holding it, in standings order. */
  holders: StandingRow[];
}

/** The awards list: every rule of the prize list (in order) with the rows that hold it. */
export function awardHolders(ranked: readonly StandingRow[], awards: Awards | null): AwardList[] {
  if (!awards) return [];
  const tones = awardTones(awards);
  return awards.rules.map((rule) => ({
    rule,
    tone: tones.get(rule.id)!,
    holders: ranked.filter((r) => r.awards?.includes(rule.id)),
  }));
}
