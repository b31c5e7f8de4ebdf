import { formatScaled } from '../protocol/decimal.ts';
import type { MarkBook } from './log.ts';
import { add, div, mul, rat, roundToUnits, sub, ZERO, type Rational } from './rational.ts';
import type { SchemeIndex } from './scheme-index.ts';

/** One judge's deviation from the panel on one judgement criterion. */
export interface JudgeDeviation {
  judgeId: number;
  criterionId: string;
  /** Lines (contestants × attempts) where this judge marked beside at least one other judge. */
  lines: number;
  /** Mean signed deviation from the panel mean, on the criterion's scale ("+0.33": marks high). */
  meanDeviation: string;
  /** Mean absolute deviation, same unit. */
  meanAbsDeviation: string;
}

/**
 * Per judge and judgement criterion: how far the judge's marks sit from the panel's mean, over
 * every line marked by two or more judges (WorldSkills CIS-style judge monitoring). Exact
 * arithmetic; published with 2 decimals on the criterion's scale.
 */
export function judgeDeviations(index: SchemeIndex, book: MarkBook): JudgeDeviation[] {
  const acc = new Map<
    string,
    { judgeId: number; criterionId: string; lines: number; sum: Rational; abs: Rational }
  >();
  for (const bySheet of book.marks.values())
    for (const [sheetId, marks] of bySheet) {
      const sheet = index.sheets.get(sheetId);
      if (!sheet) continue;
      for (const c of sheet.criteria) {
        if (c.kind !== 'judgement') continue;
        const byAttempt = new Map<number, { judgeId: number; v: number }[]>();
        for (const m of marks) {
          const v = m.values[c.id];
          if (typeof v !== 'number') continue;
          const a = m.attempt ?? 1;
          byAttempt.set(a, [...(byAttempt.get(a) ?? []), { judgeId: m.judgeId, v }]);
        }
        for (const panel of byAttempt.values()) {
          if (panel.length < 2) continue;
          const mean = rat(
            panel.reduce((s, p) => s + p.v, 0),
            panel.length,
          );
          for (const p of panel) {
            const key = `${p.judgeId}:${c.id}`;
            const a = acc.get(key) ?? {
              judgeId: p.judgeId,
              criterionId: c.id,
              lines: 0,
              sum: ZERO,
              abs: ZERO,
            };
            const d = sub(rat(p.v), mean);
            acc.set(key, {
              ...a,
              lines: a.lines + 1,
              sum: add(a.sum, d),
              abs: add(a.abs, d.n < 0 ? mul(d, rat(-1)) : d),
            });
          }
        }
      }
    }
  // milli-points → points with 2 decimals.
  const publish = (x: Rational, n: number) =>
    formatScaled(roundToUnits(div(x, rat(n * 1000)), 2), 2);
  return [...acc.values()]
    .sort((a, b) => a.judgeId - b.judgeId || a.criterionId.localeCompare(b.criterionId))
    .map((a) => ({
      judgeId: a.judgeId,
      criterionId: a.criterionId,
      lines: a.lines,
      meanDeviation: (a.sum.n > 0 ? '+' : '') + publish(a.sum, a.lines),
      meanAbsDeviation: publish(a.abs, a.lines),
    }));
}
