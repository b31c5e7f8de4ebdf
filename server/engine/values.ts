import type { Criterion } from '../protocol/scheme.ts';
import {
  formatMilli,
  parseMilli,
  parseOnScale,
  toMilli,
  type DecimalError,
} from '../protocol/decimal.ts';
import { refuse, type Refusal } from './refusal.ts';
import type { Sheet } from './scheme-index.ts';

/**
 * One criterion's value inside a mark, after parsing:
 * faults → counts per fault id; veto/check → boolean; time → integer ms or null (not timed);
 * judgement/difficulty/imported → integer milli-points on the criterion's scale.
 */
export type CriterionValue = Record<string, number> | boolean | number | null;

/** A sheet's values keyed by criterion id. */
export type SheetValues = Record<string, CriterionValue>;

/** The codes a sheet's values are refused with. */
export type ValueCode =
  | 'mark/unknown_criterion'
  | 'mark/bad_value'
  | 'mark/off_scale'
  | 'mark/missing_value'
  | 'mark/not_a_number'
  | 'mark/off_step'
  | 'mark/too_precise'
  | 'mark/too_large'
  | 'mark/empty';

/** A value refused, as a code with its parameters (`ErrorParams`, worded by protocol/messages.ts). */
export type ValueRefusal = { [C in ValueCode]: Refusal<C> }[ValueCode];

/**
 * A sheet's values refused: the first problem, its criterion, a Chinese message, and the same
 * as a code with parameters (`refusal`) for a page to word in its own language.
 */
export type ValuesError = {
  ok: false;
  error: ValueCode;
  criterionId: string;
  message: string;
  refusal: ValueRefusal;
};

/** A number's parse error as a mark's (`input/off_step` → `mark/off_step`). */
type MarkError<E> = E extends `input/${infer R}` ? `mark/${R}` : never;
const markError = (e: DecimalError) =>
  `mark/${e.slice('input/'.length)}` as MarkError<DecimalError>;

/** Largest count a judge can tap for one fault on one run; more is certainly a slip. */
export const MAX_FAULT_COUNT = 99;

/** The judge-input scale of a judgement or imported criterion in milli-points. */
export function criterionScale(c: Criterion): { min: number; max: number; step: number } | null {
  if (c.kind === 'judgement' || c.kind === 'difficulty')
    return { min: toMilli(c.scale.min), max: toMilli(c.scale.max), step: toMilli(c.scale.step) };
  if (c.kind === 'imported') return { min: 0, max: toMilli(c.points), step: toMilli(c.step) };
  return null;
}

/**
 * Validates and parses the raw values a judge sent for one sheet (the tablet and the server
 * call this same function). Every criterion of the sheet must be present; unknown keys are
 * rejected. Judgement and imported values may be strings as typed (`8,5`, `９．５`) or numbers.
 * @returns parsed {@link SheetValues}, or the first problem with a Chinese message.
 */
export function parseSheetValues(
  sheet: Sheet,
  raw: Record<string, unknown>,
): { ok: true; values: SheetValues } | ValuesError {
  const out: SheetValues = {};
  const known = new Set(sheet.criteria.map((c) => c.id));
  for (const key of Object.keys(raw)) {
    if (!known.has(key))
      return bad(
        refuse('mark/unknown_criterion', { criterion: key, sheet: sheet.label }),
        key,
        `评分项 “${key}” 不属于 ${sheet.label.zh}`,
      );
  }
  for (const c of sheet.criteria) {
    const v = raw[c.id];
    const name = c.label.zh;
    switch (c.kind) {
      case 'faults': {
        if (v === undefined) {
          out[c.id] = {};
          break;
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v))
          return bad(
            refuse('mark/bad_value', { criterion: c.label }),
            c.id,
            `${name}：扣分次数格式错误`,
          );
        const counts: Record<string, number> = {};
        const faultIds = new Set(c.faults.map((f) => f.id));
        for (const [fid, n] of Object.entries(v)) {
          if (!faultIds.has(fid))
            return bad(
              refuse('mark/unknown_criterion', { criterion: c.label, fault: fid }),
              c.id,
              `${name}：没有扣分项 “${fid}”`,
            );
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_FAULT_COUNT)
            return bad(
              refuse('mark/off_scale', {
                criterion: c.label,
                min: '0',
                max: String(MAX_FAULT_COUNT),
                unit: 'count',
              }),
              c.id,
              `${name}：次数须为 0–${MAX_FAULT_COUNT} 的整数`,
            );
          if (n > 0) counts[fid] = n;
        }
        out[c.id] = counts;
        break;
      }
      case 'veto':
      case 'check':
        if (typeof v !== 'boolean')
          return bad(
            refuse('mark/missing_value', { criterion: c.label, ask: 'yes_no' }),
            c.id,
            `${name}：请选择是或否`,
          );
        out[c.id] = v;
        break;
      case 'time':
        if (v === null || v === undefined) {
          out[c.id] = null;
          break;
        }
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > c.maxMs)
          return bad(
            refuse('mark/off_scale', {
              criterion: c.label,
              min: '0',
              max: String(c.maxMs / 1000),
              unit: 'seconds',
            }),
            c.id,
            `${name}：用时须为 0–${c.maxMs / 1000} 秒`,
          );
        out[c.id] = v;
        break;
      case 'judgement':
      case 'difficulty':
      case 'imported': {
        if (typeof v !== 'string' && typeof v !== 'number')
          return bad(
            refuse('mark/missing_value', { criterion: c.label, ask: 'score' }),
            c.id,
            `${name}：请输入分数`,
          );
        const scale = criterionScale(c)!;
        const r = parseOnScale(v, scale);
        if (!r.ok)
          return bad(scaleRefusal(c.label, v, scale, r.error), c.id, `${name}：${r.message}`);
        out[c.id] = r.milli;
        break;
      }
    }
  }
  return { ok: true, values: out };
}

function bad(refusal: ValueRefusal, criterionId: string, message: string): ValuesError {
  return { ok: false, error: refusal.code, criterionId, message, refusal };
}

/**
 * A number typed on a scale, refused (protocol/decimal.ts `parseOnScale`), as a code with its
 * parameters: the text as typed, or the value read and the scale it misses.
 */
function scaleRefusal(
  criterion: Criterion['label'],
  input: string | number,
  scale: { min: number; max: number; step: number },
  error: DecimalError,
): ValueRefusal {
  const code = markError(error);
  switch (code) {
    case 'mark/empty':
      return refuse(code, { criterion });
    case 'mark/not_a_number':
    case 'mark/too_precise':
    case 'mark/too_large':
      return refuse(code, { criterion, input: String(input) });
    case 'mark/off_scale':
    case 'mark/off_step': {
      // Only a number that parsed is off the scale or the step: read it again to name it.
      const read = parseMilli(input);
      const value = read.ok ? formatMilli(read.milli) : String(input);
      return code === 'mark/off_scale'
        ? refuse(code, {
            criterion,
            value,
            min: formatMilli(scale.min),
            max: formatMilli(scale.max),
          })
        : refuse(code, { criterion, value, step: formatMilli(scale.step) });
    }
  }
}

/** Formats a judgement value for display: 2000 → "2". */
export const formatJudgement = formatMilli;
