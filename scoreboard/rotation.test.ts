import type { CompetitionSummary } from '#protocol';
import { describe, expect, it } from 'vitest';
import { PAGE_MS } from './paging.ts';
import {
  advance,
  eligibleSlots,
  isRotation,
  nextChangeAt,
  nextEligible,
  pageAt,
  parseRotation,
  rotationSlugs,
  slotAt,
  slotMs,
  type SlotInfo,
} from './rotation.ts';

const one = (pages = 1, eligible = true): SlotInfo => ({ pages, eligible });

describe('parseRotation', () => {
  it('reads the festival, the list and the seconds', () => {
    const q = parseRotation(
      new URLSearchParams('festival=city-festival-2025&show=a1,b2,,a1,Bad!&seconds=8'),
    );
    expect(q).toEqual({
      festival: 'city-festival-2025',
      show: ['a1', 'b2'],
      seconds: 8,
      start: null,
    });
    expect(isRotation(q)).toBe(true);
  });
  it('clamps the seconds and ignores nonsense', () => {
    expect(parseRotation(new URLSearchParams('show=ab&seconds=1')).seconds).toBe(5);
    expect(parseRotation(new URLSearchParams('show=ab&seconds=9999')).seconds).toBe(600);
    expect(parseRotation(new URLSearchParams('show=ab&seconds=x')).seconds).toBeNull();
    // A misspelt festival is still a request for one (the board then says it is not found),
    // never a silent fall-back to the first competition.
    expect(parseRotation(new URLSearchParams('festival=City_Festival')).festival).toBe(
      'City_Festival',
    );
    expect(isRotation(parseRotation(new URLSearchParams('festival=')))).toBe(true);
    expect(
      parseRotation(new URLSearchParams(`festival=${'x'.repeat(5000)}`)).festival,
    ).toHaveLength(64);
  });
  it('is no rotation with ?competition= alone', () => {
    const q = parseRotation(new URLSearchParams('competition=gaoxin-2024&page=2'));
    expect(isRotation(q)).toBe(false);
    expect(q.start).toBe('gaoxin-2024');
    expect(isRotation(parseRotation(new URLSearchParams('')))).toBe(false);
  });
});

describe('rotationSlugs', () => {
  const competitions = [{ slug: 'a1' }, { slug: 'b2' }, { slug: 'c3' }] as CompetitionSummary[];
  it("takes ?show=, else the festival's board list, else every competition", () => {
    expect(rotationSlugs({ board: { show: ['c3'], seconds: 20 }, competitions }, ['b2'])).toEqual([
      'b2',
    ]);
    expect(
      rotationSlugs({ board: { show: ['c3', 'a1'], seconds: 20 }, competitions }, null),
    ).toEqual(['c3', 'a1']);
    expect(rotationSlugs({ board: { show: [], seconds: 20 }, competitions }, null)).toEqual([
      'a1',
      'b2',
      'c3',
    ]);
    expect(rotationSlugs(null, null)).toEqual([]);
  });
});

describe('slotMs', () => {
  it('is the seconds, or long enough to show every page once', () => {
    expect(slotMs(1, 20)).toBe(20_000);
    expect(slotMs(2, 20)).toBe(20_000);
    expect(slotMs(3, 20)).toBe(3 * PAGE_MS);
    expect(slotMs(0, 5)).toBe(5_000);
    expect(slotMs(2, 5)).toBe(2 * PAGE_MS);
    expect(slotMs(1, 30)).toBe(30_000);
  });
});

describe('eligibleSlots', () => {
  it('holds on a competition in its ceremony', () => {
    expect(
      eligibleSlots([
        { ceremony: false, failed: false },
        { ceremony: true, failed: false },
        { ceremony: false, failed: false },
      ]),
    ).toEqual([false, true, false]);
  });
  it('skips a competition the server does not know, unless none is left', () => {
    expect(
      eligibleSlots([
        { ceremony: false, failed: true },
        { ceremony: false, failed: false },
      ]),
    ).toEqual([false, true]);
    expect(eligibleSlots([{ ceremony: false, failed: true }])).toEqual([true]);
  });
});

describe('nextEligible', () => {
  it('wraps and skips', () => {
    const slots = [one(), one(1, false), one()];
    expect(nextEligible(0, slots)).toBe(2);
    expect(nextEligible(2, slots)).toBe(0);
    expect(nextEligible(-1, slots)).toBe(0);
    expect(nextEligible(0, [one()])).toBe(0);
  });
});

describe('slotAt', () => {
  it('shows each competition for the seconds, in order, then starts again', () => {
    const slots = [one(), one(), one()];
    expect(slotAt(0, slots, 5)).toEqual({ index: 0, startedAt: 0 });
    expect(slotAt(4_999, slots, 5).index).toBe(0);
    expect(slotAt(5_000, slots, 5)).toEqual({ index: 1, startedAt: 5_000 });
    expect(slotAt(14_999, slots, 5).index).toBe(2);
    expect(slotAt(15_000, slots, 5)).toEqual({ index: 0, startedAt: 15_000 });
  });
  it('gives a competition with several pages a longer slot, one page after another', () => {
    // 3 pages at 20 s: 30 s, 10 s a page; the others 20 s.
    const slots = [one(), one(3), one()];
    const s = slotAt(25_000, slots, 20);
    expect(s).toEqual({ index: 1, startedAt: 20_000 });
    expect(pageAt(s, 25_000, 3, 20)).toBe(0);
    expect(pageAt(s, 30_000, 3, 20)).toBe(1);
    expect(pageAt(s, 49_999, 3, 20)).toBe(2);
    expect(slotAt(50_000, slots, 20)).toEqual({ index: 2, startedAt: 50_000 });
  });
  it('skips what may not take a turn', () => {
    expect(slotAt(6_000, [one(), one(1, false), one()], 5).index).toBe(2);
  });
});

describe('advance', () => {
  const slots = [one(), one(2), one()];
  it('keeps the slot while its time lasts', () => {
    const s = { index: 0, startedAt: 1_000 };
    expect(advance(s, 20_999, slots, 20)).toBe(s);
  });
  it('moves on when the time is up, catching up after a sleep', () => {
    expect(advance({ index: 0, startedAt: 0 }, 20_000, slots, 20)).toEqual({
      index: 1,
      startedAt: 20_000,
    });
    // 0: 20 s, 1: 2 pages = 20 s, 2: 20 s → a turn is 60 s.
    expect(advance({ index: 0, startedAt: 0 }, 125_000, slots, 20)).toEqual({
      index: 0,
      startedAt: 120_000,
    });
  });
  it('gives way at once when the slot may no longer take a turn', () => {
    const held = [one(1, false), one(1, true), one(1, false)];
    expect(advance({ index: 0, startedAt: 0 }, 3_000, held, 20)).toEqual({
      index: 1,
      startedAt: 3_000,
    });
    expect(advance({ index: 7, startedAt: 0 }, 3_000, slots, 20)).toEqual({
      index: 0,
      startedAt: 3_000,
    });
  });
  it('starts the slot again when the clock went back', () => {
    expect(advance({ index: 1, startedAt: 50_000 }, 10_000, slots, 20)).toEqual({
      index: 1,
      startedAt: 10_000,
    });
  });
});

describe('nextChangeAt', () => {
  it('is the next page, then the end of the slot', () => {
    const slots = [one(3), one()];
    const s = { index: 0, startedAt: 0 };
    expect(nextChangeAt(s, 0, slots, 20)).toBe(PAGE_MS);
    expect(nextChangeAt(s, PAGE_MS, slots, 20)).toBe(2 * PAGE_MS);
    expect(nextChangeAt(s, 2 * PAGE_MS + 1, slots, 20)).toBe(3 * PAGE_MS);
    expect(nextChangeAt({ index: 1, startedAt: 0 }, 100, slots, 20)).toBe(20_000);
  });
  it('is now when the slot must give way', () => {
    expect(nextChangeAt({ index: 0, startedAt: 0 }, 123, [one(1, false)], 20)).toBe(123);
  });
});
