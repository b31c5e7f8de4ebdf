import type { StandingRow } from '#protocol';
import { describe, expect, it } from 'vitest';
import { carryInWords, cutLines, formatPoints, ruleInWords } from './advancement.ts';
import { DICTS } from './i18n.ts';

const zh = DICTS.zh.advancement;
const en = DICTS.en.advancement;

function row(id: number, totalUnits: number, rank: number): StandingRow {
  return {
    contestantId: id,
    bib: String(id),
    drawOrder: id,
    name: `选手${id}`,
    organisation: '',
    status: 'active',
    rank,
    total: (totalUnits / 100).toFixed(2),
    totalUnits,
    modules: {},
    stations: {},
    keys: [],
    provisional: false,
  };
}

describe('advancement rule in words', () => {
  it('says the top-N rules and how a tie at the cut is settled', () => {
    expect(ruleInWords({ by: 'top', count: 38, ties: 'all-advance' }, 2, zh)).toBe(
      '前 38 名晋级，并列同分全部晋级',
    );
    expect(ruleInWords({ by: 'top', count: 38, ties: 'tie-break' }, 2, zh)).toBe(
      '前 38 名晋级，并列同分按同分排序规则决定',
    );
    expect(ruleInWords({ by: 'top', count: 8, ties: 'all-advance' }, 2, en)).toBe(
      'The top 8 advance; everyone tied at the cut advances',
    );
  });

  it('gives a threshold with the competition’s decimals', () => {
    expect(ruleInWords({ by: 'threshold', min: 60 }, 2, zh)).toBe('总分达到 60.00 晋级');
    expect(ruleInWords({ by: 'threshold', min: 59.5 }, 1, zh)).toBe('总分达到 59.5 晋级');
    expect(ruleInWords({ by: 'threshold', min: 75.25 }, 3, en)).toBe(
      'A total of 75.250 or more advances',
    );
  });

  it('says when there is no rule', () => {
    expect(ruleInWords(null, 2, zh)).toBe('本轮没有晋级规则');
  });

  it('says the carry-over', () => {
    expect(carryInWords({ weight: '1' }, zh)).toBe('带入本轮成绩 ×1');
    expect(carryInWords({ weight: '0.3' }, en)).toBe('Carries this round’s total ×0.3');
    expect(carryInWords(null, zh)).toBe('下一轮从零分开始');
  });

  it('formats points exactly', () => {
    expect(formatPoints(0, 2)).toBe('0.00');
    expect(formatPoints(85.67, 2)).toBe('85.67');
    expect(formatPoints(100, 0)).toBe('100');
  });
});

describe('the list at the cut', () => {
  it('marks a tie at the cut, advancing and out', () => {
    const advanced = [row(1, 9000, 1), row(2, 8000, 2), row(3, 7000, 3)];
    const outAtCut = [row(4, 7000, 3)];
    const lines = cutLines({ advanced, outAtCut });
    expect(lines.map((l) => [l.row.bib, l.atCut, l.out])).toEqual([
      ['1', false, false],
      ['2', false, false],
      ['3', true, false],
      ['4', true, true],
    ]);
  });

  it('marks every advancing row tied on the last total (all advance)', () => {
    const advanced = [row(1, 9000, 1), row(2, 7000, 2), row(3, 7000, 2)];
    expect(cutLines({ advanced, outAtCut: [] }).map((l) => l.atCut)).toEqual([false, true, true]);
  });

  it('marks nothing without a tie, and copes with nobody advancing', () => {
    const advanced = [row(1, 9000, 1), row(2, 8000, 2)];
    expect(cutLines({ advanced, outAtCut: [] }).some((l) => l.atCut)).toBe(false);
    expect(cutLines({ advanced: [], outAtCut: [] })).toEqual([]);
  });
});
