import { formatScaled, toMilli } from '#engine';
import type { Advancement, AdvancementPreview, StandingRow } from '#protocol';
import type { Dict } from './i18n.ts';

/**
 * Pure helpers of the advancement panel (晋级): the rule in words and the list around the
 * cut, as `GET /api/competitions/:slug/advancement` answers.
 */

/** A scheme number (points, ≤ 3 decimals) with the competition's decimals: 60 → "60.00". */
export function formatPoints(x: number, decimals: number): string {
  return formatScaled(Math.round(toMilli(x) / 10 ** (3 - decimals)), decimals);
}

/**
 * The rule in words: "前 38 名晋级，并列同分全部晋级", "…并列同分按同分排序规则决定",
 * "总分达到 60.00 晋级"; null: no rule.
 */
export function ruleInWords(
  rule: Advancement | null,
  decimals: number,
  t: Dict['advancement'],
): string {
  if (!rule) return t.noRule;
  if (rule.by === 'threshold') return t.threshold(formatPoints(rule.min, decimals));
  return rule.ties === 'all-advance' ? t.topAllAdvance(rule.count) : t.topTieBreak(rule.count);
}

/** The next round's carry-over in words ("带入本轮成绩 ×1"), or that it starts from zero. */
export function carryInWords(carry: { weight: string } | null, t: Dict['advancement']): string {
  return carry ? t.carry(carry.weight) : t.noCarry;
}

export interface CutLine {
  row: StandingRow;
  /** Tied with the last advancing row on the total (at the cut). */
  atCut: boolean;
  /** Tied at the cut but not advancing (greyed). */
  out: boolean;
}

/**
 * The advancing rows, then the rows tied at the cut that do not advance. When more than one
 * row shares the last advancing total (a tie at the cut), all of them are marked `atCut`, so
 * the list shows how the rule settled it.
 */
export function cutLines(p: Pick<AdvancementPreview, 'advanced' | 'outAtCut'>): CutLine[] {
  const last = p.advanced.at(-1);
  const atLast = (r: StandingRow) => last !== undefined && r.totalUnits === last.totalUnits;
  const tie = p.advanced.filter(atLast).length + p.outAtCut.length > 1;
  return [
    ...p.advanced.map((row) => ({ row, atCut: tie && atLast(row), out: false })),
    ...p.outAtCut.map((row) => ({ row, atCut: true, out: true })),
  ];
}
