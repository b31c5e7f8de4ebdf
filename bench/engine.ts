/**
 * Engine benchmark: the cost of applying one mark (fold + rescore one contestant + incremental
 * re-rank) beside a full recompute of the standings, at growing field sizes. Pure CPU, no I/O.
 */
import {
  applyEntry,
  buildRow,
  computeStandings,
  emptyBook,
  IncrementalStandings,
  indexScheme,
  scoreContestant,
  type ContestantInfo,
  type SheetValues,
} from '../server/engine/index.ts';
import { readFixture } from '../server/plugins/seed.ts';
import { rng } from '../fixtures/rng.ts';

const index = indexScheme(readFixture().scheme);
const sheets = [...index.sheets.values()];

function values(sheetIdx: number, r: () => number): SheetValues {
  const out: SheetValues = {};
  for (const c of sheets[sheetIdx]!.criteria) {
    if (c.kind === 'faults') out[c.id] = r() < 0.5 ? { [c.faults[0]!.id]: 1 } : {};
    else if (c.kind === 'veto') out[c.id] = r() < 0.05;
    else if (c.kind === 'check') out[c.id] = r() < 0.8;
    else if (c.kind === 'time') out[c.id] = 40_000 + Math.floor(r() * 30_000);
    else if (c.kind === 'judgement') out[c.id] = Math.floor(r() * 4) * 1000;
    else if (c.kind === 'imported') out[c.id] = Math.floor(r() * 200) * 500;
  }
  return out;
}

export interface EngineResult {
  contestants: number;
  marksPreloaded: number;
  applyOneMarkUs: { mean: number; p50: number; p99: number };
  fullRecomputeMs: number;
  ratioFullToOne: number;
}

/** One field size: preload `perContestant` marks each, then time single marks and a full recompute. */
export function benchEngine(n: number, samples: number): EngineResult {
  const r = rng(n);
  const contestants: ContestantInfo[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    bib: String(i + 1),
    drawOrder: i + 1,
    name: `选手${i + 1}`,
    organisation: '',
    status: 'active',
  }));
  const book = emptyBook();
  let seq = 0;
  const perContestant = 4;
  for (const c of contestants)
    for (let k = 0; k < perContestant; k++) {
      const s = Math.floor(r() * sheets.length);
      applyEntry(book, {
        kind: 'mark',
        seq: ++seq,
        contestantId: c.id,
        sheetId: sheets[s]!.id,
        judgeId: 1 + (k % 3),
        values: values(s, r),
      });
    }
  const locked = new Set<string>();
  const row = (c: ContestantInfo) =>
    buildRow(index, c, scoreContestant(index, book.marks.get(c.id) ?? new Map(), locked));
  const standings = new IncrementalStandings(contestants.map(row));

  const times: number[] = [];
  // The first fifth warms the JIT up and is not counted.
  const warmup = Math.floor(samples / 5);
  for (let i = 0; i < samples + warmup; i++) {
    const c = contestants[Math.floor(r() * n)]!;
    const s = Math.floor(r() * sheets.length);
    const v = values(s, r);
    const t0 = process.hrtime.bigint();
    applyEntry(book, {
      kind: 'mark',
      seq: ++seq,
      contestantId: c.id,
      sheetId: sheets[s]!.id,
      judgeId: 1 + (i % 3),
      values: v,
    });
    standings.upsert(row(c));
    standings.rankedRow(c.id);
    if (i >= warmup) times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const t0 = process.hrtime.bigint();
  computeStandings(index, contestants, book, locked);
  const fullMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    contestants: n,
    marksPreloaded: n * perContestant,
    applyOneMarkUs: {
      mean: round(mean),
      p50: round(times[times.length >> 1]!),
      p99: round(times[Math.floor(times.length * 0.99)]!),
    },
    fullRecomputeMs: round(fullMs),
    ratioFullToOne: Math.round((fullMs * 1000) / mean),
  };
}
