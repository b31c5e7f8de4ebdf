import type { Awards } from '#protocol';
import type { Lang, LocalText } from '../i18n.ts';

/**
 * How an award (奖项) looks and reads, on the board, in the console and on the printed pages
 * and exports: one rule for its tier (medal colour) and one order for a row's awards.
 *
 * The rule: the first three positional awards of the prize list (by rank or by share), in the
 * list's order, are the medals — 一等奖 gold, 二等奖 silver, 三等奖 bronze; later positional
 * awards are plain (优秀奖, `merit`); an award by threshold (a total at least so much: a skill
 * certificate) is a `certificate`, apart from the medals wherever it stands in the list. It
 * follows the usual prize list of a Chinese skills contest (一、二、三等奖, 优秀奖, 等级证书).
 */
export type AwardTier = 'gold' | 'silver' | 'bronze' | 'merit' | 'certificate';

/** The medal tiers, first place first: the podium's colours. */
export const MEDALS = ['gold', 'silver', 'bronze'] as const;
/** A medal's tier: {@link MEDALS}. */
export type Medal = (typeof MEDALS)[number];

/** Award id → its tier, for every rule of the prize list ({@link AwardTier}); empty without one. */
export function awardTiers(awards: Awards | null | undefined): Map<string, AwardTier> {
  const tiers = new Map<string, AwardTier>();
  let positional = 0;
  for (const rule of awards?.rules ?? [])
    tiers.set(rule.id, rule.by === 'threshold' ? 'certificate' : (MEDALS[positional++] ?? 'merit'));
  return tiers;
}

/** One award a row holds, as a chip: its id, its label from the prize list, its tier. */
export interface AwardChip {
  id: string;
  label: LocalText;
  tier: AwardTier;
}

/**
 * The awards a row holds (`row.awards`: ids) as chips: the prize first, then any certificates,
 * each in the prize list's order. Ids the list does not hold (a stale frame, a scheme changed
 * under the row) are left out; no list or no awards: none.
 */
export function awardChips(
  awards: Awards | null | undefined,
  held: readonly string[] | undefined,
): AwardChip[] {
  if (!awards || !held?.length) return [];
  const tiers = awardTiers(awards);
  const chips = awards.rules
    .filter((rule) => held.includes(rule.id))
    .map((rule) => ({ id: rule.id, label: rule.label, tier: tiers.get(rule.id)! }));
  return [
    ...chips.filter((c) => c.tier !== 'certificate'),
    ...chips.filter((c) => c.tier === 'certificate'),
  ];
}

/** Between the awards of a list in a sentence or a cell: "一等奖、技能等级证书" / "First prize, Level 3". */
export const AWARD_LIST_SEP: Readonly<Record<Lang, string>> = { zh: '、', en: ', ' };

/**
 * A row's awards in words, in the prize list's order, joined by {@link AWARD_LIST_SEP}: the
 * exports' awards cell. '' for none; ids the list does not hold are left out.
 */
export function awardLabels(
  awards: Awards,
  held: readonly string[] | undefined,
  lang: Lang = 'zh',
): string {
  if (!held?.length) return '';
  return awards.rules
    .filter((rule) => held.includes(rule.id))
    .map((rule) => rule.label[lang])
    .join(AWARD_LIST_SEP[lang]);
}
