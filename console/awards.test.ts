import type { Awards, StandingRow } from '#protocol';
import { describe, expect, it } from 'vitest';
import { awardChips, awardHolders, ruleText } from './awards.ts';
import { DICTS } from './i18n.ts';

const AWARDS: Awards = {
  ties: 'higher',
  rules: [
    { by: 'rank', id: 'first', label: { zh: '一等奖', en: 'First prize' }, count: 1 },
    { by: 'rank', id: 'second', label: { zh: '二等奖', en: 'Second prize' }, count: 2 },
    { by: 'share', id: 'third', label: { zh: '三等奖', en: 'Third prize' }, percent: 30 },
    { by: 'share', id: 'merit', label: { zh: '优秀奖', en: 'Merit' }, percent: 12.5 },
    { by: 'threshold', id: 'level3', label: { zh: '三级证书', en: 'Level 3' }, min: 60 },
  ],
};

function row(id: number, rank: number | null, awards?: string[]): StandingRow {
  return {
    contestantId: id,
    bib: String(id),
    drawOrder: id,
    name: `选手${id}`,
    organisation: '',
    status: rank === null ? 'withdrawn' : 'active',
    rank,
    total: '0.00',
    totalUnits: 0,
    modules: {},
    stations: {},
    keys: [],
    provisional: false,
    ...(awards ? { awards } : {}),
  };
}

describe('award chips', () => {
  it('names a row’s awards by the prize list’s labels, in the row’s order', () => {
    expect(awardChips(['first', 'level3'], AWARDS, 'zh')).toEqual([
      { id: 'first', label: '一等奖', tier: 'gold' },
      { id: 'level3', label: '三级证书', tier: 'certificate' },
    ]);
    expect(awardChips(['third'], AWARDS, 'en')).toEqual([
      { id: 'third', label: 'Third prize', tier: 'bronze' },
    ]);
  });

  it('shows nothing for a row without awards, and an unknown id as itself', () => {
    expect(awardChips(undefined, AWARDS, 'zh')).toEqual([]);
    expect(awardChips([], AWARDS, 'zh')).toEqual([]);
    expect(awardChips(['gone'], AWARDS, 'zh')).toEqual([
      { id: 'gone', label: 'gone', tier: 'merit' },
    ]);
    expect(awardChips(['gone'], null, 'zh')).toEqual([
      { id: 'gone', label: 'gone', tier: 'merit' },
    ]);
  });
});

describe('awards list', () => {
  it('lists every award with its holders in standings order', () => {
    const ranked = [
      row(1, 1, ['first', 'level3']),
      row(2, 2, ['second', 'level3']),
      row(3, 3, ['second']),
      row(4, 4),
      row(5, null),
    ];
    const lists = awardHolders(ranked, AWARDS);
    expect(lists.map((l) => [l.rule.id, l.tier, l.holders.map((r) => r.bib)])).toEqual([
      ['first', 'gold', ['1']],
      ['second', 'silver', ['2', '3']],
      ['third', 'bronze', []],
      ['merit', 'merit', []],
      ['level3', 'certificate', ['1', '2']],
    ]);
    expect(awardHolders(ranked, null)).toEqual([]);
  });

  it('says what each award is for', () => {
    const t = DICTS.zh.awards;
    const [first, , third, merit, level] = AWARDS.rules;
    expect(ruleText(first!, 2, t)).toBe('名额 1 名');
    expect(ruleText(third!, 2, t)).toBe('名额 30%');
    expect(ruleText(merit!, 2, t)).toBe('名额 12.5%');
    expect(ruleText(level!, 2, t)).toBe('总分 ≥ 60.00');
    expect(ruleText(level!, 1, DICTS.en.awards)).toBe('Total ≥ 60.0');
  });
});
