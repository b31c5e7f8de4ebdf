/**
 * The one way every page (console, scoreboard, judge tablet, set-up page) speaks Chinese or
 * English: the language is read from `?lang=` by one rule, a scheme label `{zh, en}` is picked
 * by one function, and a page's words are one typed dictionary per language whose English must
 * have exactly the keys of the Chinese one — the compiler checks it, nothing is checked at run
 * time.
 *
 * Every page reads its words as `t.key`, `t.group.key` or `t.group.key(params)`: a word with
 * parameters is a function of them. The console, the board and the set-up page take
 * `t = DICTS[lang]`; the judge tablet's `t` is its Chinese words, or its English ones once
 * their chunk of their own is in (judge-tablet/i18n.ts, loaded before the page is drawn).
 *
 * Why our own few lines rather than a library (e.g. @inlang/paraglide-js): the pages are
 * LAN-only and the judge tablet's whole first load must stay under 60 KB gzip with a few
 * hundred bytes to spare. Property access on a typed object is checked key by key (and each
 * word's parameters) by TypeScript, costs nothing at run time and bundles nothing but the
 * words; there are two languages, no plural rules beyond what a word's function says, and no
 * message catalogue to fetch. A compiler step and a runtime would buy nothing here.
 */

/** The language text is shown in. Chinese is the default (SPEC: "Chinese by default"). */
export type Lang = 'zh' | 'en';

/**
 * What a page was asked for: a language, or `both` — the projector's bilingual board, whose
 * text is Chinese with English headings beside it. Only the scoreboard offers `both`.
 */
export type Locale = Lang | 'both';

/** A text in both languages, as the marking scheme and the competition file carry labels. */
export type LocalText = Readonly<Record<Lang, string>>;

/**
 * The locale a page's query asks for (`location.search`, with or without the `?`): `lang=both`
 * is bilingual, `lang=en` or any English tag (`en-GB`, `EN`) is English, anything else or no
 * `lang` is Chinese.
 */
export function parseLocale(search: string): Locale {
  const value = new URLSearchParams(search).get('lang')?.trim().toLowerCase() ?? '';
  if (value === 'both') return 'both';
  return value === 'en' || value.startsWith('en-') ? 'en' : 'zh';
}

/** The language text is picked in: English only when English alone was asked for. */
export function textLang(locale: Locale): Lang {
  return locale === 'en' ? 'en' : 'zh';
}

/**
 * The language of a page that has no bilingual form (console, judge tablet, set-up page):
 * English with `?lang=en` (or another English tag), Chinese otherwise — `?lang=both` too.
 */
export function parseLang(search: string): Lang {
  return textLang(parseLocale(search));
}

/** The `<html lang>` tag of a page in `lang` (Chinese pages are `zh-CN`, as index.html says). */
export function htmlLang(lang: Lang): string {
  return lang === 'en' ? 'en' : 'zh-CN';
}

/** A scheme label (module, station, sheet, criterion, competition title) in `lang`. */
export function pick(label: LocalText, lang: Lang): string {
  return label[lang];
}

/**
 * The type the English dictionary must have, given the Chinese one's (`typeof zh`, or the
 * interface it is declared with): the same keys at every depth, each word a `string`, each
 * word function the same parameters, each list of lines a list of strings. Declaring the
 * English `const en: Translation<typeof zh> = {…}` makes a missing key and an extra key (the
 * literal's excess property check) compile errors.
 */
export type Translation<Z> = Z extends string
  ? string
  : Z extends (...args: infer A) => infer R
    ? (...args: A) => R
    : Z extends readonly (infer E)[]
      ? Translation<E>[]
      : { -readonly [K in keyof Z]: Translation<Z[K]> };
