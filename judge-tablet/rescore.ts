import { t } from './i18n.ts';

/** Longest correction reason the server takes (`mark.submit.reason`), in UTF-16 units. */
export const MAX_REASON_LENGTH = 200;

/**
 * The correction reason a head judge's rescore request prefills: "裁判长要求重评：" and the
 * head judge's reason, on one line (a mark's reason allows no control characters) and cut to
 * the length the server takes, without splitting a surrogate pair.
 */
export function rescoreReason(reason: string): string {
  const text = (t.rescore.reasonPrefix + reason.replace(/\p{Cc}+/gu, ' ')).trim();
  const cut = text.slice(0, MAX_REASON_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
