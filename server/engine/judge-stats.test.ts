import { describe, expect, it } from 'vitest';
import { readFixture } from '../plugins/seed.ts';
import { judgeDeviations } from './judge-stats.ts';
import { resolveLog, type LogEntry } from './log.ts';
import { indexScheme } from './scheme-index.ts';

const index = indexScheme(readFixture().scheme);
const mark = (seq: number, contestantId: number, judgeId: number, v: number): LogEntry => ({
  kind: 'mark',
  seq,
  contestantId,
  sheetId: 'packaging',
  judgeId,
  values: { 'packaging-quality': v * 1000 },
});

describe('judgeDeviations', () => {
  it('reports each judge’s mean signed and absolute deviation from the panel mean', () => {
    // Contestant 1: 2, 2, 3 (mean 7/3); contestant 2: 1, 1, 1; contestant 3: only judge 1 (skipped).
    const book = resolveLog([
      mark(1, 1, 1, 2),
      mark(2, 1, 2, 2),
      mark(3, 1, 3, 3),
      mark(4, 2, 1, 1),
      mark(5, 2, 2, 1),
      mark(6, 2, 3, 1),
      mark(7, 3, 1, 3),
    ]);
    const stats = judgeDeviations(index, book);
    expect(stats).toEqual([
      {
        judgeId: 1,
        criterionId: 'packaging-quality',
        lines: 2,
        meanDeviation: '-0.17',
        meanAbsDeviation: '0.17',
      },
      {
        judgeId: 2,
        criterionId: 'packaging-quality',
        lines: 2,
        meanDeviation: '-0.17',
        meanAbsDeviation: '0.17',
      },
      {
        judgeId: 3,
        criterionId: 'packaging-quality',
        lines: 2,
        meanDeviation: '+0.33',
        meanAbsDeviation: '0.33',
      },
    ]);
  });
});
