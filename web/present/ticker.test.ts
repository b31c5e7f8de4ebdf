import type { BoardEvent } from '#protocol';
import { describe, expect, it } from 'vitest';
import { tickerDetail, tickerItemText } from './ticker.ts';

const base = {
  bib: '12',
  name: '张三',
  stationId: 'safe-riding',
  sheet: { zh: '单边桥', en: 'Narrow plank' },
  score: '18.00',
};
const cone = { zh: '碰桩', en: 'Cone touched' };
const fell = { zh: '掉桥', en: 'Fell off the bridge' };

describe('ticker words', () => {
  it('words a mark’s faults, vetoes and values in each language, joined by " · "', () => {
    const e: BoardEvent = {
      ...base,
      kind: 'mark',
      items: [
        { kind: 'fault', label: cone, count: 2, points: '4' },
        { kind: 'veto', label: fell },
        { kind: 'value', label: { zh: '技术分', en: 'Technique' }, value: '8.5' },
      ],
    };
    expect(tickerDetail(e, 'zh')).toBe('碰桩×2 −4 · 掉桥 · 技术分 8.5');
    expect(tickerDetail(e, 'en')).toBe('Cone touched×2 −4 · Fell off the bridge · Technique 8.5');
    // An imported score has no label: just its value, in either language.
    expect(tickerItemText({ kind: 'value', value: '92' }, 'en')).toBe('92');
  });

  it('says a clean run on a sheet that counts faults, and nothing for an empty one that does not', () => {
    expect(tickerDetail({ ...base, kind: 'mark', items: [], clean: true }, 'zh')).toBe('无失误');
    expect(tickerDetail({ ...base, kind: 'mark', items: [], clean: true }, 'en')).toBe('no faults');
    expect(tickerDetail({ ...base, kind: 'mark', items: [] }, 'en')).toBe('');
  });

  it('words the head judge’s void and a re-run granted', () => {
    expect(tickerDetail({ ...base, kind: 'void' }, 'zh')).toBe('裁判长撤销一条评分');
    expect(tickerDetail({ ...base, kind: 'void' }, 'en')).toBe('a mark voided by the head judge');
    expect(tickerDetail({ ...base, kind: 'rerun', attempt: 2 }, 'zh')).toBe('第2次无效，准予重赛');
    expect(tickerDetail({ ...base, kind: 'rerun', attempt: 2 }, 'en')).toBe(
      'run 2 voided, re-run granted',
    );
  });
});
