import type { Sheet, SheetValues } from '#engine';
import type { JudgeContestant, VoidNotice } from '#protocol';
import type { Desk } from './desk.svelte.ts';
import { wallTime } from '../web/present/clock.ts';
import { L, officialText, t } from './i18n.ts';
import { MarkForm, rawFromParsed } from './mark-form.svelte.ts';
import type { JudgeSession } from './session.svelte.ts';

/**
 * The head judge's voids of this judge's marks in words, for their banners
 * (components/HeadJudgeBanners.svelte, a chunk loaded when a void is to be shown: lazy.ts).
 */

/** A void of this judge's mark, as its notice reads. */
export interface VoidView {
  notice: VoidNotice;
  contestant: JudgeContestant | null;
  /** "12号 谢明辉 · 客户沟通 · 第 2 次". */
  line: string;
  /** "H01 孔德胜 · 14:32". */
  by: string;
  /** What is current again in words, or "该项需重新评分". */
  current: string;
}

/** The voids of this judge's marks still to show, newest first, in words. */
export function voidViews(s: JudgeSession, desk: Desk): VoidView[] {
  return s.voidNotices.map((notice) => {
    const sheet = s.index?.sheets.get(notice.sheetId);
    const contestant = s.contestants.find((c) => c.id === notice.contestantId) ?? null;
    const line =
      t.void.line(notice.bib, contestant?.name ?? '', sheet ? L(sheet.label) : notice.sheetId) +
      (sheet && s.attemptsOf(sheet) > 1 ? ` · ${t.attempt.label(notice.attempt)}` : '');
    const by = t.void.by(
      officialText(notice.by),
      // On the competition's clock, not the tablet's zone.
      wallTime(notice.at, desk.timeZone, { seconds: false }) ?? '',
    );
    let current = t.void.none;
    if (notice.restored && sheet && contestant) {
      const values = notice.restored.values as SheetValues;
      current = t.void.restored(
        words(s, sheet, contestant, notice.attempt, values),
        desk.lineScore(sheet, contestant.id, notice.attempt, values),
      );
    }
    return { notice, contestant, line, by, current };
  });
}

/** The values a mark holds, in the confirm screen's words ("打包质量 良好"). */
function words(
  s: JudgeSession,
  sheet: Sheet,
  contestant: JudgeContestant,
  attempt: number,
  values: SheetValues,
): string {
  const form = new MarkForm({
    sheet,
    contestant,
    decimals: s.decimals,
    rounding: s.rounding,
    attempt,
    initial: rawFromParsed(sheet, values),
  });
  const text = form
    .summary()
    .filter((r) => values[r.criterionId] !== undefined)
    .map((r) => `${r.label} ${r.text.replace(/\n/g, ' ')}`)
    .join('；');
  form.dispose();
  return text;
}
