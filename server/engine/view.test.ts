import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncrementalStandings } from './incremental.ts';
import { rankRows, type StandingRow } from './standings.ts';
import { keepView, viewChanges, viewSize } from './view.ts';

const RUNS = Number(process.env.PROPS_RUNS ?? 60);

function row(
  id: number,
  totalUnits: number,
  status: StandingRow['status'] = 'active',
): StandingRow {
  return {
    contestantId: id,
    bib: String(id),
    drawOrder: id,
    name: `c${id}`,
    organisation: '',
    status,
    rank: null,
    total: String(totalUnits),
    totalUnits,
    modules: {},
    stations: {},
    keys: [],
    provisional: true,
  };
}

/** A change of one contestant's row: a new total (few values, so ties are common) or status. */
const change = (field: number) =>
  fc.record({
    id: fc.integer({ min: 1, max: field }),
    total: fc.integer({ min: 0, max: 12 }),
    status: fc.constantFrom<StandingRow['status']>('active', 'active', 'active', 'withdrawn'),
  });

/** Contestant ids with their total and rank, in display order: what a board shows. */
const shown = (rows: readonly StandingRow[]) =>
  rows.map((r) => `${r.contestantId}:${r.totalUnits}:${r.status}:${r.rank}`);

describe('viewSize', () => {
  it('serves the smallest view that holds the rows asked for, every row above the largest', () => {
    expect([1, 20, 21, 50, 51, 200, 201, 0, -3, null, undefined].map(viewSize)).toEqual([
      20,
      20,
      50,
      50,
      200,
      200,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('a board that holds only the top n', () => {
  // The server keeps the standings and, per view, the ids of the top n at the last frame; a
  // board merges each frame's rows into what it holds and keeps its top n. After every frame
  // the board must show exactly the first n rows of the whole standings, ranks included.
  it('shows exactly the top n of the whole standings after every frame', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((field) =>
          fc.record({
            field: fc.constant(field),
            n: fc.integer({ min: 1, max: field + 2 }),
            start: fc.array(fc.integer({ min: 0, max: 12 }), {
              minLength: field,
              maxLength: field,
            }),
            frames: fc.array(fc.array(change(field), { maxLength: 8 }), { maxLength: 25 }),
          }),
        ),
        ({ n, start, frames }) => {
          const standings = new IncrementalStandings(start.map((t, i) => row(i + 1, t)));
          let before = standings.top(n).map((r) => r.contestantId);
          let board = keepView(standings.top(n), n);
          for (const frame of frames) {
            for (const c of frame) standings.upsert(row(c.id, c.total, c.status));
            const after = standings.top(n).map((r) => r.contestantId);
            const sent = viewChanges(
              frame.map((c) => c.id),
              before,
              after,
            ).map((id) => standings.rankedRow(id)!);
            const merged = new Map(board.map((r) => [r.contestantId, r]));
            for (const r of sent) merged.set(r.contestantId, r);
            board = keepView([...merged.values()], n);
            before = after;
            expect(shown(board)).toEqual(shown(rankRows(standings.ranked()).slice(0, n)));
          }
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('is sent nothing for a change below its view, and the row that entered when one fell out', () => {
    const standings = new IncrementalStandings([row(1, 9), row(2, 8), row(3, 7), row(4, 6)]);
    const before = standings.top(2).map((r) => r.contestantId);
    standings.upsert(row(4, 5)); // below the view: nothing
    expect(
      viewChanges(
        [4],
        before,
        standings.top(2).map((r) => r.contestantId),
      ),
    ).toEqual([]);
    standings.upsert(row(1, 0)); // the leader falls out; 3 moves up without changing
    expect(
      viewChanges(
        [1],
        before,
        standings.top(2).map((r) => r.contestantId),
      ),
    ).toEqual([1, 3]);
  });
});
