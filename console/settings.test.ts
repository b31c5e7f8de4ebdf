import type { CompetitionSummary } from '#protocol';
import { describe, expect, it } from 'vitest';
import { formOf, isIsoDate, isTimeZone, settingsPatch, settingsProblems } from './settings.ts';

const c: CompetitionSummary = {
  slug: 'gaoxin-2024',
  title: { zh: '网约送餐员技能大赛', en: 'Food Delivery Skills Contest' },
  venue: '高新区体育馆',
  date: '2024-11-16',
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
  state: 'live',
  decimals: 2,
  revision: 12,
  nameDisplay: 'full',
  frozenAt: null,
  revealed: null,
  placement: {
    festival: { slug: 'gaoxin-2024', title: { zh: '技能比赛', en: 'Skills contest' } },
    event: { id: 'rider', label: { zh: '网约送餐员', en: 'Food-delivery rider' } },
    group: { id: 'open', label: { zh: '公开组', en: 'Open' } },
    round: { id: 'final', label: { zh: '决赛', en: 'Final' }, order: 1 },
  },
};

describe('competition settings form', () => {
  it('sends nothing when nothing changed', () => {
    expect(settingsPatch(formOf(c), c)).toEqual({});
    expect(settingsProblems(formOf(c))).toEqual([]);
  });

  it('sends only what changed, trimmed, and the title as a pair', () => {
    const f = { ...formOf(c), venue: '  高新区会展中心 ', titleEn: 'Delivery Contest' };
    expect(settingsPatch(f, c)).toEqual({
      venue: '高新区会展中心',
      title: { zh: '网约送餐员技能大赛', en: 'Delivery Contest' },
    });
    expect(settingsPatch({ ...formOf(c), locale: 'en', date: '2024-11-17' }, c)).toEqual({
      locale: 'en',
      date: '2024-11-17',
    });
  });

  it('refuses an empty title, a bad date and an unknown time zone', () => {
    expect(
      settingsProblems({ ...formOf(c), titleZh: ' ', date: '2024-02-30', timeZone: 'Mars/Base' }),
    ).toEqual(['title', 'date', 'timeZone']);
    expect(settingsProblems({ ...formOf(c), venue: 'x'.repeat(121) })).toEqual(['venue']);
  });

  it('knows dates and time zones', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-1-5')).toBe(false);
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('')).toBe(false);
  });
});
