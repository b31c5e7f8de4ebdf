import type { BoardEvent, TickerItem } from '#protocol';
import type { Lang } from '../i18n.ts';

/** Between the parts of a ticker line: "碰桩×1 −2 · 掉桥". */
export const TICKER_SEP = ' · ';

/** The ticker's own words, per language (the rest of a line is the scheme's labels and numbers). */
const WORDS = {
  zh: {
    rerun: (attempt: number) => `第${attempt}次无效，准予重赛`,
    void: '裁判长撤销一条评分',
    clean: '无失误',
  },
  en: {
    rerun: (attempt: number) => `run ${attempt} voided, re-run granted`,
    void: 'a mark voided by the head judge',
    clean: 'no faults',
  },
} as const satisfies Record<Lang, unknown>;

/** One item in words: "碰桩×1 −2", "掉桥", "技术分 8.5", "92". */
export function tickerItemText(item: TickerItem, lang: Lang): string {
  switch (item.kind) {
    case 'fault':
      return `${item.label[lang]}×${item.count} −${item.points}`;
    case 'veto':
      return item.label[lang];
    case 'value':
      return item.label ? `${item.label[lang]} ${item.value}` : item.value;
  }
}

/**
 * What a ticker event says beyond its bib, name, sheet and score, in `lang`: the mark's items
 * joined by " · " ("碰桩×1 −2 · 掉桥"), "无失误" on a clean run of a sheet that counts faults,
 * the head judge's void or re-run; empty when a mark says nothing more (a sheet of judgements
 * left blank). The board (projector and phone) and the console's feed word events here alike.
 */
export function tickerDetail(e: BoardEvent, lang: Lang): string {
  const w = WORDS[lang];
  switch (e.kind) {
    case 'rerun':
      return w.rerun(e.attempt);
    case 'void':
      return w.void;
    case 'mark':
      if (!e.items.length) return e.clean ? w.clean : '';
      return e.items.map((i) => tickerItemText(i, lang)).join(TICKER_SEP);
  }
}
