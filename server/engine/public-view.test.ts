import { describe, expect, it } from 'vitest';
import type { StandingsColumns } from '../protocol/http.ts';
import {
  hidesStations,
  lockedAt,
  publicColumns,
  publicEvent,
  publicNews,
  publicRevision,
  publicRow,
  publicRows,
  resumesWithDeltas,
  showsRecent,
  type PublicPolicy,
} from './public-view.ts';
import type { StandingRow } from './standings.ts';

/** The public view's rules without a server: freeze, reveal, masking, hidden stations. */
const station = (score: string) => ({ score, status: 'scored' as const, locked: false });
const row = (bib: number, name: string): StandingRow => ({
  contestantId: bib,
  bib: String(bib),
  drawOrder: bib,
  name,
  organisation: '',
  status: 'active',
  rank: bib,
  total: '50.00',
  totalUnits: 5000,
  modules: {},
  stations: { riding: station('30.00'), packaging: station('20.00') },
  keys: [],
  provisional: true,
});
const HIDDEN = new Set(['riding']);
const NONE = new Set<string>();
const policy = (o: Partial<PublicPolicy> = {}): PublicPolicy => ({
  state: 'live',
  revealed: null,
  nameDisplay: 'full',
  hidden: NONE,
  ...o,
});

describe('hidden stations', () => {
  it('are hidden while live and frozen, until the reveal begins; never once final', () => {
    expect(hidesStations(policy({ hidden: HIDDEN }))).toBe(true);
    expect(hidesStations(policy({ hidden: HIDDEN, state: 'draft' }))).toBe(true);
    expect(hidesStations(policy({ hidden: HIDDEN, state: 'frozen' }))).toBe(true);
    expect(hidesStations(policy({ hidden: HIDDEN, state: 'frozen', revealed: 0 }))).toBe(false);
    expect(hidesStations(policy({ hidden: HIDDEN, state: 'final' }))).toBe(false);
    expect(hidesStations(policy())).toBe(false);
  });

  it('leave a row and the columns while hidden', () => {
    const r = row(1, '张志华');
    expect(Object.keys(publicRow(r, policy({ hidden: HIDDEN })).stations)).toEqual(['packaging']);
    expect(r.stations.riding).toBeDefined(); // the staff row is not touched
    const columns: StandingsColumns = {
      modules: [],
      stations: [
        { id: 'riding', moduleId: 'p', label: { zh: '安全骑行', en: 'Riding' }, points: '35' },
        {
          id: 'packaging',
          moduleId: 'p',
          label: { zh: '货物打包', en: 'Packaging' },
          points: '10',
        },
      ],
      awards: null,
      carry: null,
    };
    expect(publicColumns(columns, policy({ hidden: HIDDEN })).stations.map((s) => s.id)).toEqual([
      'packaging',
    ]);
    expect(publicColumns(columns, policy({ hidden: HIDDEN, state: 'final' }))).toBe(columns);
  });

  it('send no ticker event at all', () => {
    const e = { stationId: 'riding', name: '张志华', bib: '1' };
    expect(publicEvent(e, policy({ hidden: HIDDEN }))).toBeNull();
    expect(publicEvent({ ...e, stationId: 'packaging' }, policy({ hidden: HIDDEN }))).toEqual({
      ...e,
      stationId: 'packaging',
    });
  });
});

describe('names', () => {
  it('are masked on public rows and events when the competition says so, else the row goes as it is', () => {
    const r = row(1, '欧阳志华');
    expect(publicRow(r, policy({ nameDisplay: 'masked' })).name).toBe('欧**华');
    expect(publicRow(r, policy())).toBe(r);
    expect(
      publicEvent({ stationId: 'packaging', name: '张华' }, policy({ nameDisplay: 'masked' })),
    ).toEqual({ stationId: 'packaging', name: '张*' });
  });
});

describe('the rows a public snapshot holds', () => {
  const staff = [row(1, 'a'), row(2, 'b'), row(3, 'c'), row(4, 'd')];
  const visible = [row(2, 'b'), row(1, 'a')];
  const frozen = [row(3, 'c')];
  const rows = (p: PublicPolicy) =>
    publicRows(
      p,
      staff,
      () => visible,
      () => frozen,
    );
  it('live: the live standings, scored without hidden stations while they are hidden', () => {
    expect(rows(policy())).toBe(staff);
    expect(rows(policy({ hidden: HIDDEN }))).toBe(visible);
  });
  it('frozen: the standings at the freeze; during the reveal only the last `revealed` rows', () => {
    expect(rows(policy({ state: 'frozen' }))).toBe(frozen);
    expect(rows(policy({ state: 'frozen', revealed: 0 }))).toEqual([]);
    expect(rows(policy({ state: 'frozen', revealed: 2 })).map((r) => r.bib)).toEqual(['3', '4']);
    expect(rows(policy({ state: 'frozen', revealed: 9 }))).toHaveLength(4);
  });
  it('final: everything', () => {
    expect(rows(policy({ state: 'final', hidden: HIDDEN }))).toBe(staff);
  });
});

describe('the revision and the ticker the public is told', () => {
  it('frozen: the freeze revision, so a listing never shows marking goes on', () => {
    expect(publicRevision({ state: 'frozen', frozenRevision: 40 }, 57)).toBe(40);
    expect(publicRevision({ state: 'live', frozenRevision: null }, 57)).toBe(57);
    expect(publicRevision({ state: 'final', frozenRevision: 40 }, 57)).toBe(57);
  });
  it('recent events: not during the reveal, not once final', () => {
    expect(showsRecent({ state: 'live', revealed: null })).toBe(true);
    expect(showsRecent({ state: 'frozen', revealed: null })).toBe(true);
    expect(showsRecent({ state: 'frozen', revealed: 1 })).toBe(false);
    expect(showsRecent({ state: 'final', revealed: null })).toBe(false);
  });
});

describe('the locks at a revision', () => {
  it('folds locks and re-opens in log order, up to the revision given', () => {
    const log = [
      { stationId: 'riding', action: 'lock' as const, revision: 3 },
      { stationId: 'theory', action: 'lock' as const, revision: 5 },
      { stationId: 'riding', action: 'reopen' as const, revision: 8 },
    ];
    expect([...lockedAt(log)]).toEqual(['theory']);
    expect([...lockedAt(log, 5)].sort()).toEqual(['riding', 'theory']);
    expect([...lockedAt(log, 4)]).toEqual(['riding']);
  });
});

describe('what a public board is sent', () => {
  it('while live: deltas, marks and locks alike; a change of course without rows: the whole view', () => {
    expect(publicNews('live', { course: false, rows: 1 })).toBe('delta');
    expect(publicNews('live', { course: true, rows: 35 })).toBe('delta'); // a lock
    expect(publicNews('live', { course: true, rows: 0 })).toBe('snapshot'); // unfreeze, names
  });
  it('while not live: no marks at all, and the whole view on a change of course', () => {
    for (const state of ['frozen', 'final', 'draft'] as const) {
      expect(publicNews(state, { course: false, rows: 1 })).toBeNull();
      expect(publicNews(state, { course: true, rows: 35 })).toBe('snapshot');
      expect(publicNews(state, { course: true, rows: 0 })).toBe('snapshot');
    }
  });
  it('a board coming back is replayed the deltas it missed only while live', () => {
    expect(resumesWithDeltas('live')).toBe(true);
    for (const state of ['frozen', 'final', 'draft'] as const)
      expect(resumesWithDeltas(state)).toBe(false);
  });
});
