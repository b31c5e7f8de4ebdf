import { describe, expect, it } from 'vitest';
import { DICTS as consoleWords } from '../console/i18n.ts';
import { DICTS as boardWords } from '../scoreboard/i18n.ts';
import { DICTS as setupWords } from '../setup/i18n.ts';
import { zh as tabletZh } from '../judge-tablet/i18n.ts';
import { en as tabletEn } from '../judge-tablet/i18n-en.ts';
import { htmlLang, parseLang, parseLocale, pick, textLang, type Translation } from './i18n.ts';

/** Every key path of a dictionary, functions and lists as leaves: what the compiler compares. */
function paths(words: object, prefix = ''): string[] {
  return Object.entries(words).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? paths(value as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('the language a page is asked for', () => {
  it('is Chinese unless the query asks for English', () => {
    expect(parseLang('')).toBe('zh');
    expect(parseLang('?competition=gaoxin-2024')).toBe('zh');
    expect(parseLang('?lang=fr')).toBe('zh');
    expect(parseLang('?lang=english')).toBe('zh');
    expect(parseLang('?lang=en')).toBe('en');
    expect(parseLang('lang=en&page=2')).toBe('en');
  });
  it('reads any English tag, in any case', () => {
    expect(parseLang('?lang=EN')).toBe('en');
    expect(parseLang('?lang=en-GB')).toBe('en');
    expect(parseLang('?lang=%20en%20')).toBe('en');
  });
  it('offers the bilingual board only where a page asks for a locale', () => {
    expect(parseLocale('?lang=both')).toBe('both');
    expect(parseLocale('?lang=BOTH')).toBe('both');
    expect(parseLocale('?lang=en')).toBe('en');
    expect(parseLocale('?lang=zh')).toBe('zh');
    // A page without a bilingual form reads `both` as Chinese, its text language.
    expect(parseLang('?lang=both')).toBe('zh');
    expect(textLang('both')).toBe('zh');
    expect(textLang('en')).toBe('en');
  });
  it('tags the page for the browser', () => {
    expect(htmlLang('zh')).toBe('zh-CN');
    expect(htmlLang('en')).toBe('en');
  });
});

describe('words', () => {
  it('a scheme label is picked in the page language', () => {
    const station = { zh: '单边桥', en: 'Single-plank bridge' };
    expect(pick(station, 'zh')).toBe('单边桥');
    expect(pick(station, 'en')).toBe('Single-plank bridge');
  });
  it("a word's parameters are written into it, in either language of the judge tablet", () => {
    expect(tabletZh.queue.progress(3, 35)).toBe('已保存 3 / 35');
    expect(tabletEn.queue.progress(3, 35)).toBe('Saved 3 / 35');
    expect(tabletZh.fault.total('2.5')).toBe('扣 2.5 分');
    expect(tabletZh.logout.action).toBe('退出登录');
  });
  it('the compiler holds the English to exactly the Chinese keys', () => {
    const zh = {
      title: '成绩',
      place: (n: number) => `第 ${n} 名`,
      legend: { locked: '已锁定' },
      steps: ['一', '二'] as const,
    };
    const en: Translation<typeof zh> = {
      title: 'Results',
      place: (n) => `Place ${n}`,
      legend: { locked: 'Locked' },
      steps: ['one', 'two'],
    };
    expect([zh.place(3), en.place(3)]).toEqual(['第 3 名', 'Place 3']);
    // @ts-expect-error a word the Chinese does not have
    const extra: Translation<typeof zh> = { ...en, legend: { locked: 'Locked', flagged: 'x' } };
    // @ts-expect-error a word missing
    const missing: Translation<typeof zh> = { title: 'Results', place: en.place, steps: [] };
    // @ts-expect-error a word function with other parameters
    const other: Translation<typeof zh> = { ...en, place: (n: string) => n };
    expect([extra, missing, other]).toHaveLength(3);
  });
  it("every page's English has the Chinese keys at run time too", () => {
    for (const words of [consoleWords, boardWords, setupWords, { zh: tabletZh, en: tabletEn }]) {
      expect(paths(words.en)).toEqual(paths(words.zh));
    }
    expect(setupWords.en.platforms.android.steps.length).toBe(
      setupWords.zh.platforms.android.steps.length,
    );
  });
});
