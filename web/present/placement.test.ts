import type { Placement } from '#protocol';
import { describe, expect, it } from 'vitest';
import { placementLabel, placementMatters, placementParts, shortPlacement } from './placement.ts';

const festival = {
  slug: 'city-festival-2025',
  title: { zh: '城市技能节', en: 'City Skills Festival' },
};
const riders = { id: 'riders', label: { zh: '网约送餐员', en: 'Food delivery riders' } };
const couriers = { id: 'couriers', label: { zh: '快递员', en: 'Couriers' } };
const youth = { id: 'youth', label: { zh: '青年组', en: 'Youth' } };
const senior = { id: 'senior', label: { zh: '中年组', en: 'Senior' } };
const open = { id: 'open', label: { zh: '公开组', en: 'Open' } };
const prelim = { id: 'prelim', label: { zh: '初赛', en: 'Preliminary' }, order: 1 };
const final = { id: 'final', label: { zh: '决赛', en: 'Final' }, order: 2 };

const ridersYouth: Placement = { festival, event: riders, group: youth, round: final };
const ridersSenior: Placement = { festival, event: riders, group: senior, round: final };
const couriersPrelim: Placement = { festival, event: couriers, group: open, round: prelim };
const couriersFinal: Placement = { festival, event: couriers, group: open, round: final };
const all = [ridersYouth, ridersSenior, couriersPrelim, couriersFinal];

describe('placementLabel', () => {
  it('says event · group · round in the board language', () => {
    expect(placementLabel(ridersYouth, 'zh')).toBe('网约送餐员 · 青年组 · 决赛');
    expect(placementLabel(ridersYouth, 'en')).toBe('Food delivery riders · Youth · Final');
  });
  it('leaves the event out when it only repeats the title (a festival of one)', () => {
    expect(placementParts(couriersFinal, 'zh', '快递员')).toEqual(['公开组', '决赛']);
    expect(placementLabel(couriersFinal, 'zh', '2025 快递员决赛')).toBe('快递员 · 公开组 · 决赛');
  });
});

describe('shortPlacement', () => {
  it('drops the group of an event that has only one', () => {
    expect(shortPlacement(couriersFinal, 'zh', all)).toBe('快递员 · 决赛');
    expect(shortPlacement(couriersPrelim, 'en', all)).toBe('Couriers · Preliminary');
  });
  it('keeps the group where it tells competitions apart', () => {
    expect(shortPlacement(ridersSenior, 'zh', all)).toBe('网约送餐员 · 中年组 · 决赛');
    expect(shortPlacement(ridersSenior, 'zh', [ridersYouth])).toBe('网约送餐员 · 中年组 · 决赛');
    expect(shortPlacement(ridersSenior, 'zh', [])).toBe('网约送餐员 · 决赛');
  });
});

describe('placementMatters', () => {
  const single = {
    slug: 'gaoxin-2024',
    title: { zh: '2024年高新区网约送餐员技能比赛', en: '2024 Gaoxin' },
  };
  const contest: Placement = { festival: single, event: riders, group: open, round: final };

  it('says nothing for a festival of one event, one group and one round (the default contest)', () => {
    expect(placementMatters(contest, [contest])).toBe(false);
    // Other festivals on the same server do not count.
    expect(placementMatters(contest, [contest, ...all])).toBe(false);
    expect(placementMatters(contest, [])).toBe(false);
  });
  it('places a competition among several events, groups or rounds', () => {
    for (const p of all) expect(placementMatters(p, all)).toBe(true);
    expect(placementMatters(ridersYouth, [ridersYouth, ridersSenior])).toBe(true);
    expect(placementMatters(couriersFinal, [couriersPrelim, couriersFinal])).toBe(true);
    expect(placementMatters(ridersYouth, [ridersYouth, couriersFinal])).toBe(true);
  });
  it('says nothing before the list is known', () => {
    expect(placementMatters(ridersYouth, null)).toBe(false);
  });
});

describe('one placement line for every page and printed sheet', () => {
  it('says event · group · round in full where no title stands beside it (exports, the next round)', () => {
    expect(placementLabel(ridersYouth, 'zh')).toBe('网约送餐员 · 青年组 · 决赛');
    expect(placementLabel(ridersYouth, 'en')).toBe('Food delivery riders · Youth · Final');
  });
  it('leaves out an empty event label', () => {
    const unnamed = { ...ridersYouth, event: { id: 'x', label: { zh: '', en: '' } } };
    expect(placementLabel(unnamed, 'zh')).toBe('青年组 · 决赛');
  });
});
