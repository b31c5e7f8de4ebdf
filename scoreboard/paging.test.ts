import { describe, expect, it } from 'vitest';
import { VIEW_SIZES } from '../server/engine/view.ts';
import { moreRows, pageCount, pageView, PHONE_ROWS, pinnedCount } from './paging.ts';

describe('a phone asking for more rows', () => {
  it('steps through the server’s view sizes, then every row, which stays', () => {
    const steps: (number | null)[] = [PHONE_ROWS];
    while (steps.at(-1) !== null) steps.push(moreRows(steps.at(-1)!, VIEW_SIZES));
    expect(steps).toEqual([20, 50, 200, null]);
    expect(moreRows(null, VIEW_SIZES)).toBeNull();
  });
});

describe('the podium a projector pins', () => {
  type Row = { bib: number; scored: boolean };
  const field = (scored: number) =>
    Array.from({ length: 35 }, (_, i): Row => ({ bib: i + 1, scored: i < scored }));
  const leads = (r: Row) => r.scored;

  it('pins nobody before anyone has scored: page 1 is bibs 1–12, like every other page', () => {
    const ranked = field(0);
    const pinned = pinnedCount(ranked, leads);
    expect(pinned).toBe(0);
    expect(pageCount(ranked.length, 12, pinned)).toBe(3);
    expect(pageView(ranked, 0, 12, pinned).rows.map((r) => r.bib)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(pageView(ranked, 2, 12, pinned).rows.map((r) => r.bib)).toEqual(
      Array.from({ length: 11 }, (_, i) => 25 + i),
    );
  });

  it('pins the leaders with marks, up to three, above every page', () => {
    expect(pinnedCount(field(1), leads)).toBe(1);
    expect(pinnedCount(field(20), leads)).toBe(3);
    const ranked = field(2);
    const view = pageView(ranked, 1, 12, pinnedCount(ranked, leads));
    expect(view.rows.map((r) => r.bib)).toEqual([
      1,
      2,
      ...Array.from({ length: 12 }, (_, i) => 15 + i),
    ]);
    expect(pinnedCount([], leads)).toBe(0);
  });
});
