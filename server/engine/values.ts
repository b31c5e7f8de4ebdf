import type { Criterion } from '../protocol/scheme.ts';
import type { RejectCode } from '../protocol/errors.ts';
import { formatMilli, parseOnScale, toMilli, type DecimalError } from '../protocol/decimal.ts';
import type { Sheet } from './scheme-index.ts';

/**
 * One criterion's value inside a mark, after parsing:
 * faults → counts per fault id; veto/check → boolean; time → integer ms or null (not timed);
 * judgement/difficulty/imported → integer milli-points on the criterion's scale.
 */
export type CriterionValue = Record<string, number> | boolean | number | null;

/** A sheet's values keyed by criterion id. */
export type SheetValues = Record<string, CriterionValue>;

export type ValuesError = { ok: false; error: RejectCode; criterionId: string; message: string };

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
      return bad('mark/unknown_criterion', key, `评分项 “${key}” 不属于 ${sheet.label.zh}`);
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
          return bad('mark/bad_value', c.id, `${name}：扣分次数格式错误`);
        const counts: Record<string, number> = {};
        const faultIds = new Set(c.faults.map((f) => f.id));
        for (const [fid, n] of Object.entries(v)) {
          if (!faultIds.has(fid))
            return bad('mark/unknown_criterion', c.id, `${name}：没有扣分项 “${fid}”`);
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_FAULT_COUNT)
            return bad('mark/off_scale', c.id, `${name}：次数须为 0–${MAX_FAULT_COUNT} 的整数`);
          if (n > 0) counts[fid] = n;
        }
        out[c.id] = counts;
        break;
      }
      case 'veto':
      case 'check':
        if (typeof v !== 'boolean') return bad('mark/missing_value', c.id, `${name}：请选择是或否`);
        out[c.id] = v;
        break;
      case 'time':
        if (v === null || v === undefined) {
          out[c.id] = null;
          break;
        }
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > c.maxMs)
          return bad('mark/off_scale', c.id, `${name}：用时须为 0–${c.maxMs / 1000} 秒`);
        out[c.id] = v;
        break;
      case 'judgement':
      case 'difficulty':
      case 'imported': {
        if (typeof v !== 'string' && typeof v !== 'number')
          return bad('mark/missing_value', c.id, `${name}：请输入分数`);
        const scale = criterionScale(c)!;
        const r = parseOnScale(v, scale);
        if (!r.ok) return bad(markError(r.error), c.id, `${name}：${r.message}`);
        out[c.id] = r.milli;
        break;
      }
    }
  }
  return { ok: true, values: out };
}

function bad(error: RejectCode, criterionId: string, message: string): ValuesError {
  return { ok: false, error, criterionId, message };
}

/** Formats a judgement value for display: 2000 → "2". */
export const formatJudgement = formatMilli;
