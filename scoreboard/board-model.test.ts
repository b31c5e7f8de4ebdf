import { Awards, type StandingRow } from '#protocol';
import { describe, expect, it } from 'vitest';
import {
  awardsWidthEm,
  boardMode,
  carryWeight,
  ceremonyWindow,
  CHIP_PAD_EM,
  maskName,
  rankClimbs,
  rankText,
  revealPlaces,
  textEm,
} from './board-model.ts';

describe('boardMode', () => {
  it('follows the course: live, frozen, the reveal, final', () => {
    expect(boardMode(null)).toBe('live');
    expect(boardMode({ state: 'draft', revealed: null })).toBe('live');
    expect(boardMode({ state: 'live', revealed: null })).toBe('live');
    expect(boardMode({ state: 'frozen', revealed: null })).toBe('frozen');
    expect(boardMode({ state: 'frozen', revealed: 0 })).toBe('ceremony');
    expect(boardMode({ state: 'frozen', revealed: 7 })).toBe('ceremony');
    expect(boardMode({ state: 'final', revealed: null })).toBe('final');
  });
});

describe('maskName', () => {
  it('keeps the first and last character, as the server does', () => {
    expect(maskName('张志华')).toBe('张*华');
    expect(maskName('欧阳志华')).toBe('欧**华');
    expect(maskName('张华')).toBe('张*');
    expect(maskName('张')).toBe('张');
    expect(maskName('')).toBe('');
  });
  it('is idempotent, so a name the server masked stays as it is', () => {
    for (const n of ['张志华', '欧阳志华', '张华', 'Ann Lee'])
      expect(maskName(maskName(n))).toBe(maskName(n));
  });
  it('counts characters, not UTF-16 units', () => {
    expect(maskName('𠮷野家')).toBe('𠮷*家');
  });
});

describe('revealPlaces', () => {
  it('fills the last places with the revealed rows, best first', () => {
    expect(revealPlaces(['c', 'd'], 4)).toEqual([
      { place: 1, row: null },
      { place: 2, row: null },
      { place: 3, row: 'c' },
      { place: 4, row: 'd' },
    ]);
  });
  it('before the first revelation every place is hidden; at the end none is', () => {
    expect(revealPlaces([], 3).every((p) => p.row === null)).toBe(true);
    expect(revealPlaces(['a', 'b', 'c'], 3).map((p) => p.row)).toEqual(['a', 'b', 'c']);
  });
  it('never drops a revealed row when the total is short', () => {
    expect(revealPlaces(['a', 'b'], 1).map((p) => p.row)).toEqual(['a', 'b']);
  });
});

describe('ceremonyWindow', () => {
  it('shows every place when they fit', () => {
    expect(ceremonyWindow(32, 20, 33)).toEqual({ start: 0, end: 32 });
    expect(ceremonyWindow(0, 0, 33)).toEqual({ start: 0, end: 0 });
  });
  it('otherwise keeps the frontier in view with hidden places above it', () => {
    // 100 places, 40 cells: a quarter (10) of still hidden places above the frontier.
    expect(ceremonyWindow(100, 97, 40)).toEqual({ start: 60, end: 100 });
    expect(ceremonyWindow(100, 50, 40)).toEqual({ start: 40, end: 80 });
    expect(ceremonyWindow(100, 5, 40)).toEqual({ start: 0, end: 40 });
    // Nothing revealed yet below the podium: the last places are on screen.
    expect(ceremonyWindow(100, 100, 40)).toEqual({ start: 60, end: 100 });
  });
});

describe('awardsWidthEm', () => {
  // Parsed as the server parses a scheme file: the prize list's type, defaults filled in.
  const awards = Awards.parse({
    ties: 'higher',
    rules: [
      { by: 'rank', id: 'first', label: { zh: '一等奖', en: 'First' }, count: 1 },
      { by: 'threshold', id: 'cert', label: { zh: '技能等级证书', en: 'Level 4' }, min: 60 },
      { by: 'share', id: 'merit', label: { zh: '优秀奖', en: 'Merit' }, percent: 20 },
    ],
  });
  it('sizes the widest set a row can hold', () => {
    // 三个字 + 六个字, each with its padding.
    expect(awardsWidthEm(awards, 'zh')).toBeCloseTo(3 + 6 + 2 * CHIP_PAD_EM);
    expect(textEm('Merit 1')).toBeCloseTo(4.2);
  });
});

describe('rankText', () => {
  const words = { withdrawn: '退赛', disqualified: '取消资格' };
  it('says the rank, or the status of a contestant without one', () => {
    expect(rankText({ rank: 12, status: 'active' }, words)).toBe('12');
    expect(rankText({ rank: null, status: 'withdrawn' }, words)).toBe('退赛');
    expect(rankText({ rank: null, status: 'disqualified' }, words)).toBe('取消资格');
  });
});

describe('carryWeight', () => {
  it('says a weight only when it is not 1', () => {
    expect(carryWeight(null)).toBeNull();
    expect(carryWeight({ weight: '1' })).toBeNull();
    expect(carryWeight({ weight: '1.00' })).toBeNull();
    expect(carryWeight({ weight: '0.3' })).toBe('0.3');
  });
});

describe('rankClimbs', () => {
  /** A row as the board holds it: only what the rule reads is meaningful here. */
  const row = (contestantId: number, rank: number | null, status: 'empty' | 'scored') =>
    ({
      contestantId,
      rank,
      stations: { riding: { status } },
      changedAt: 0,
      climb: null,
    }) as unknown as StandingRow & { changedAt: number; climb: number | null };

  it('counts the ranks a changed, started row gained or lost, and nothing for an unscored one', () => {
    const before = [row(1, 1, 'scored'), row(2, 2, 'scored'), row(3, 3, 'empty')];
    const after = [row(2, 1, 'scored'), row(1, 2, 'scored'), row(3, 3, 'scored')];
    const climbs = rankClimbs(before, after, [{ contestantId: 2 }, { contestantId: 3 }]);
    expect([...climbs]).toEqual([[2, 1]]);
    expect([...rankClimbs(before, after, [{ contestantId: 1 }])]).toEqual([[1, -1]]);
  });
});
