import type { StandingRow } from '#protocol';
import { rankRows } from '#engine';
import { describe, expect, it } from 'vitest';
import { openLinesOf } from './course-actions.ts';
import {
  courseStep,
  provisionalOf,
  reasonsByBib,
  revealInfo,
  stepIndex,
  unlockedStations,
} from './course.ts';

function row(
  id: number,
  totalUnits: number,
  status: StandingRow['status'] = 'active',
): StandingRow {
  return {
    contestantId: id,
    bib: String(id),
    drawOrder: id,
    name: `选手${id}`,
    organisation: '',
    status,
    rank: null,
    total: (totalUnits / 100).toFixed(2),
    totalUnits,
    modules: {},
    stations: {},
    keys: [],
    provisional: false,
  };
}

describe('course', () => {
  it('puts a frozen competition with a reveal under way at the ceremony', () => {
    expect(courseStep({ state: 'live', revealed: null })).toBe('live');
    expect(courseStep({ state: 'frozen', revealed: null })).toBe('frozen');
    expect(courseStep({ state: 'frozen', revealed: 0 })).toBe('ceremony');
    expect(courseStep({ state: 'frozen', revealed: 3 })).toBe('ceremony');
    expect(courseStep({ state: 'final', revealed: null })).toBe('final');
    expect(stepIndex('draft')).toBe(-1);
    expect(stepIndex('final')).toBe(3);
  });

  it('reveals from last place up, in the order the server ranks', () => {
    const ranked = rankRows([row(1, 9000), row(2, 8000), row(3, 9500), row(4, 0, 'withdrawn')]);
    // 3 (1st), 1 (2nd), 2 (3rd), then the withdrawn 4 — who comes first in the reveal.
    let r = revealInfo(ranked, null);
    expect(r).toMatchObject({ revealed: 0, total: 4 });
    expect(r.next?.bib).toBe('4');
    expect(r.next?.rank).toBeNull();
    r = revealInfo(ranked, 1);
    expect(r.next).toMatchObject({ bib: '2', rank: 3 });
    r = revealInfo(ranked, 3);
    expect(r.next).toMatchObject({ bib: '3', rank: 1 });
    expect(revealInfo(ranked, 4).next).toBeNull();
    expect(revealInfo(ranked, 9).revealed).toBe(4);
  });

  it('lists the stations not yet locked in scheme order', () => {
    const columns = {
      modules: [],
      stations: ['x', 'y', 'z'].map((id) => ({
        id,
        moduleId: 'm',
        label: { zh: id, en: id },
        points: '10',
      })),
      awards: null,
      carry: null,
    };
    expect(unlockedStations(columns, new Set(['y'])).map((s) => s.id)).toEqual(['x', 'z']);
    expect(unlockedStations(null, new Set())).toEqual([]);
  });

  it('says which rows stay provisional once every station is locked, and why', () => {
    const at = (status: 'scored' | 'partial' | 'empty') => ({
      score: '1.00',
      status,
      locked: true,
    });
    const rows = [
      { ...row(1, 900), stations: { a: at('scored'), b: at('scored') } },
      { ...row(2, 800), provisional: true, stations: { a: at('partial'), b: at('empty') } },
      {
        ...row(3, 0, 'withdrawn'),
        provisional: true,
        stations: { a: at('empty'), b: at('empty') },
      },
    ];
    expect(reasonsByBib(provisionalOf(rows).reasons).map((g) => [g.bib, g.reasons.length])).toEqual(
      [['2', 2]],
    );
    expect(provisionalOf(rows)).toEqual({
      provisional: 1,
      reasons: [
        { bib: '2', name: '选手2', stationId: 'a', status: 'partial' },
        { bib: '2', name: '选手2', stationId: 'b', status: 'empty' },
      ],
    });
  });

  it('reads the open lines of a refused lock, and nothing else', () => {
    const body = {
      error: 'course/open_lines',
      message: '…',
      stationId: 'riding',
      reasonRequired: true,
      count: 2,
      contestants: 1,
      lines: [{ bib: '7' }, { bib: '7' }],
    };
    const fail = { ok: false as const, status: 409, error: body.error, message: '…', body };
    expect(openLinesOf(fail)).toMatchObject({ reasonRequired: true, count: 2, contestants: 1 });
    expect(
      openLinesOf({
        ...fail,
        error: 'course/flagged_lines',
        body: { ...body, reasonRequired: false },
      }),
    ).toMatchObject({ reasonRequired: false });
    expect(
      openLinesOf({ ...fail, error: 'course/already_locked', body: { message: '…' } }),
    ).toBeNull();
    expect(openLinesOf({ ...fail, status: 0, error: 'network', body: null })).toBeNull();
  });
});
