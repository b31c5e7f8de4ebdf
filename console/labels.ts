import type { StandingsColumns } from '#protocol';
import { pick, type Lang } from './i18n.ts';

/** Station id → its label in `lang`, from the standings columns. */
export function labelsOf(columns: StandingsColumns | null, lang: Lang): Map<string, string> {
  return new Map((columns?.stations ?? []).map((s) => [s.id, pick(s.label, lang)]));
}

/** Sheet id → station id, as the marks log pairs them (a sub-station is a sheet of its station). */
export function sheetStations(
  marks: readonly { sheetId: string | null; stationId: string | null }[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of marks) if (m.sheetId && m.stationId) out.set(m.sheetId, m.stationId);
  return out;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
/** Punctuation that opens (a bracket, a quote): it goes with the word after it. */
const OPENING = /^[（(《〈「『【〔[“‘]+$/u;
const segmenter =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter('zh', { granularity: 'word' })
    : null;

/**
 * A name cut into the pieces a line may break between (a table heading wraps only between
 * words, never inside one: "理论 / 考试", not "理论考 / 试"). A Chinese name is cut into words by
 * the browser's dictionary (`Intl.Segmenter`); a lone character stays with the word before it
 * (准备与 · 清洁 · 消毒), so a name the dictionary does not know (快件分拣, cut into single
 * characters) stays whole, and punctuation stays with its word. A name without Chinese is one
 * piece: its spaces are where it breaks. Join the pieces with `<wbr>` under `word-break:
 * keep-all`.
 */
export function wordParts(label: string): string[] {
  if (!label) return [];
  if (!segmenter || !CJK.test(label)) return [label];
  const parts: string[] = [];
  /** Whether the last part is a single character so far (it takes the next word in). */
  let lone = false;
  let opening = '';
  for (const s of segmenter.segment(label)) {
    const text = s.segment;
    if (!s.isWordLike) {
      if (OPENING.test(text)) opening += text;
      else if (parts.length) parts[parts.length - 1] += text;
      else opening += text;
      continue;
    }
    const single = [...text].length === 1;
    if (parts.length && (single || lone)) {
      parts[parts.length - 1] += opening + text;
      lone = false;
    } else {
      parts.push(opening + text);
      lone = single;
    }
    opening = '';
  }
  if (opening) {
    if (parts.length) parts[parts.length - 1] += opening;
    else parts.push(opening);
  }
  return parts;
}
