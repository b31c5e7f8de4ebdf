import { describe, expect, it } from 'vitest';
import { VIEW_SIZES } from '../server/engine/view.ts';
import { moreRows, PHONE_ROWS } from './paging.ts';

describe('a phone asking for more rows', () => {
  it('steps through the server’s view sizes, then every row, which stays', () => {
    const steps: (number | null)[] = [PHONE_ROWS];
    while (steps.at(-1) !== null) steps.push(moreRows(steps.at(-1)!, VIEW_SIZES));
    expect(steps).toEqual([20, 50, 200, null]);
    expect(moreRows(null, VIEW_SIZES)).toBeNull();
  });
});
