import { Awards } from '#protocol';
import { describe, expect, it } from 'vitest';
import { awardChips, awardLabels, awardTiers } from './awards.ts';

// Parsed as the server parses a scheme file: the prize list's type, defaults filled in. The
// certificate stands between the prizes, as an organiser may write it.
const awards = Awards.parse({
  ties: 'higher',
  rules: [
    { by: 'rank', id: 'first', label: { zh: '一等奖', en: 'First prize' }, count: 1 },
    { by: 'share', id: 'second', label: { zh: '二等奖', en: 'Second prize' }, percent: 20 },
    {
      by: 'threshold',
      id: 'cert',
      label: { zh: '技能等级证书', en: 'Skill certificate' },
      min: 60,
    },
    { by: 'rank', id: 'third', label: { zh: '三等奖', en: 'Third prize' }, count: 3 },
    { by: 'rank', id: 'merit', label: { zh: '优秀奖', en: 'Merit' }, count: 5 },
  ],
});

describe('awardTiers', () => {
  it('gives medals to the first three positional awards, certificates apart', () => {
    expect([...awardTiers(awards)]).toEqual([
      ['first', 'gold'],
      ['second', 'silver'],
      ['cert', 'certificate'],
      ['third', 'bronze'],
      ['merit', 'merit'],
    ]);
  });
  it('counts medals by the prize list, not by where a certificate stands', () => {
    const certFirst = Awards.parse({ ties: 'lower', rules: [awards.rules[2], awards.rules[0]] });
    expect(awardTiers(certFirst).get('first')).toBe('gold');
    expect(awardTiers(null).size).toBe(0);
  });
});

describe('awardChips', () => {
  it("labels the row's awards in the scheme's order, medal colours for the first three", () => {
    expect(awardChips(awards, ['first', 'cert'])).toEqual([
      { id: 'first', label: { zh: '一等奖', en: 'First prize' }, tier: 'gold' },
      { id: 'cert', label: { zh: '技能等级证书', en: 'Skill certificate' }, tier: 'certificate' },
    ]);
    expect(awardChips(awards, ['third']).map((c) => c.tier)).toEqual(['bronze']);
  });
  it('puts the prize before the certificates whatever the order held', () => {
    expect(awardChips(awards, ['cert', 'merit']).map((c) => c.tier)).toEqual([
      'merit',
      'certificate',
    ]);
  });
  it('holds nothing without a prize list, without awards, or for unknown ids', () => {
    expect(awardChips(null, ['first'])).toEqual([]);
    expect(awardChips(awards, undefined)).toEqual([]);
    expect(awardChips(awards, ['gone'])).toEqual([]);
  });
});

describe('awardLabels', () => {
  it("says a row's awards in the prize list's order, in the asked language", () => {
    expect(awardLabels(awards, ['cert', 'first'])).toBe('一等奖、技能等级证书');
    expect(awardLabels(awards, ['cert', 'first'], 'en')).toBe('First prize, Skill certificate');
  });
  it('says nothing for no awards, and leaves unknown ids out', () => {
    expect(awardLabels(awards, undefined)).toBe('');
    expect(awardLabels(awards, [])).toBe('');
    expect(awardLabels(awards, ['gone', 'merit'])).toBe('优秀奖');
  });
});
