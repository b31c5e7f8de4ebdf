import { describe, expect, it } from 'vitest';
import { parseLocale, textLang } from '../web/i18n.ts';
import { altDict, DICTS } from './i18n.ts';

describe('locale', () => {
  it('is Chinese unless English or both are asked for', () => {
    expect(parseLocale('')).toBe('zh');
    expect(parseLocale('?lang=fr')).toBe('zh');
    expect(parseLocale('?lang=en')).toBe('en');
    expect(parseLocale('?lang=both')).toBe('both');
  });
  it('a bilingual board reads in Chinese with English headings beside', () => {
    expect(textLang('both')).toBe('zh');
    expect(altDict('both')?.total).toBe('Total');
    expect(altDict('zh')).toBeNull();
    expect(altDict('en')).toBeNull();
    expect(`${DICTS.zh.total} ${altDict('both')!.total}`).toBe('总分 Total');
  });
  it('has every word in both languages', () => {
    expect(Object.keys(DICTS.en).sort()).toEqual(Object.keys(DICTS.zh).sort());
    expect(DICTS.zh.frozenNote('14:32')).toContain('14:32');
    expect(DICTS.zh.places(4, 4)).toBe('第 4 名');
    expect(DICTS.zh.pendingPlaces(1, 12)).toBe('第 1–12 名待揭晓');
  });
});
