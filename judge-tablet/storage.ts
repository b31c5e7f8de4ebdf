import type { JudgeWelcome } from '#protocol';

/**
 * What the tablet keeps in localStorage, so a reload (or a browser killed by Android) loses
 * nothing: the login token, the last welcome (to show the queue while the socket is still
 * reconnecting), the chosen sheet and the notices the judge closed. The outbox lives in IndexedDB (outbox-db.ts); its old
 * localStorage key is only read once, to migrate what an older page left there.
 *
 * Per-judge keys carry a fingerprint of the token rather than the judge id, because the
 * outbox must be readable before the server has said who the judge is (a reload while the
 * venue Wi-Fi is down).
 */

/** A mark the server has not yet answered; resent with the same clientId until it is. */
export interface OutboxEntry {
  clientId: string;
  contestantId: number;
  sheetId: string;
  /** Attempt (run) number, from 1. */
  attempt: number;
  /** Raw criterion values as sent (judgement and imported values are the typed strings). */
  values: Record<string, unknown>;
  reason?: string;
  /**
   * The mark id of this line the tablet last saw (null: none), sent as `mark.submit.seen` so
   * the server refuses a write that would overwrite a mark this judge has not seen. Absent on
   * entries migrated from an older page, which did not record it (sent without `seen`).
   */
  seen?: number | null;
  /**
   * A correction of an entry still in the outbox: the clientId of that entry. It is sent only
   * after that entry's ack, with `seen` set to the mark id the ack gives.
   */
  after?: string;
  /** Wall clock (ms since epoch) when the judge confirmed it; orders the outbox. */
  queuedAt: number;
}

const TOKEN_KEY = 'jx.judge.token';

/** FNV-1a 32-bit hash of the token in hex: a short, stable storage-key suffix. */
export function tokenFingerprint(token: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function read<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(key);
    return text === null ? null : (JSON.parse(text) as T);
  } catch {
    return null;
  }
}

/** Returns false when the browser refused to store (quota, private mode). */
function write(key: string, value: unknown): boolean {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function loadToken(): string | null {
  const t = read<unknown>(TOKEN_KEY);
  return typeof t === 'string' && t ? t : null;
}

export function saveToken(token: string | null): void {
  write(TOKEN_KEY, token);
}

const legacyOutboxKey = (token: string) => `jx.judge.outbox.${tokenFingerprint(token)}`;

/** Keeps the well-formed entries of a stored outbox list (anything else is dropped). */
export function parseOutbox(list: unknown): OutboxEntry[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(
      (e): e is OutboxEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof e.clientId === 'string' &&
        typeof e.contestantId === 'number' &&
        typeof e.sheetId === 'string' &&
        typeof e.values === 'object' &&
        e.values !== null,
    )
    .map((e) => ({
      ...e,
      attempt: typeof e.attempt === 'number' ? e.attempt : 1,
      queuedAt: typeof e.queuedAt === 'number' ? e.queuedAt : 0,
    }));
}

/** The outbox an older page kept in localStorage under this token (empty when none). */
export function loadLegacyOutbox(token: string): OutboxEntry[] {
  return parseOutbox(read<unknown>(legacyOutboxKey(token)));
}

/** Forgets the old localStorage outbox, once its entries are safely in IndexedDB. */
export function clearLegacyOutbox(token: string): void {
  write(legacyOutboxKey(token), null);
}

export function loadWelcome(token: string): JudgeWelcome | null {
  const w = read<JudgeWelcome>(`jx.judge.welcome.${tokenFingerprint(token)}`);
  return w && w.type === 'judge.welcome' ? w : null;
}

export function saveWelcome(token: string, welcome: JudgeWelcome | null): void {
  write(`jx.judge.welcome.${tokenFingerprint(token)}`, welcome);
}

export function loadSheetChoice(token: string): string | null {
  return read<string>(`jx.judge.sheet.${tokenFingerprint(token)}`);
}

export function saveSheetChoice(token: string, sheetId: string | null): void {
  write(`jx.judge.sheet.${tokenFingerprint(token)}`, sheetId);
}

/**
 * Reads a login token from the URL fragment (`#token=HEX`) or from what a judge typed or
 * pasted: a bare code, or a whole login link.
 */
export function extractToken(text: string): string | null {
  const s = text.trim();
  const i = s.indexOf('#');
  const fragment = i >= 0 ? s.slice(i + 1) : s.includes('token=') ? s : null;
  if (fragment !== null) {
    const tok = new URLSearchParams(fragment).get('token')?.trim();
    return tok ? tok : null;
  }
  // A short code typed by hand may carry spaces ("AJ40N 4G7AS"): the server normalises the rest.
  const compact = s.replace(/\s+/g, '');
  return /^[A-Za-z0-9_-]{4,200}$/.test(compact) ? compact : null;
}

/**
 * Notices the judge closed on this device (a void of his mark: by the voided mark's id; a
 * re-score request: by the request's id), so a reload does not show them again. The notices
 * themselves come from the server with every welcome.
 */
export type DismissedKind = 'void' | 'rescore';

const dismissedKey = (token: string, kind: DismissedKind) =>
  `jx.judge.dismissed.${kind}.${tokenFingerprint(token)}`;

/** Keeps the positive integer ids of a stored list, once each. */
export function parseIds(list: unknown): number[] {
  if (!Array.isArray(list)) return [];
  const ids = list.filter((x): x is number => Number.isInteger(x) && (x as number) > 0);
  return [...new Set(ids)];
}

export function loadDismissed(token: string, kind: DismissedKind): number[] {
  return parseIds(read<unknown>(dismissedKey(token, kind)));
}

/** Stores the closed ids (the key is removed when none is left). */
export function saveDismissed(token: string, kind: DismissedKind, ids: readonly number[]): boolean {
  return write(dismissedKey(token, kind), ids.length ? ids : null);
}

/**
 * Forgets the re-score requests an older page kept on the device (`jx.judge.rescore.*`): the
 * server keeps them now and sends those still open with every welcome.
 */
export function clearLegacyRescores(token: string): void {
  write(`jx.judge.rescore.${tokenFingerprint(token)}`, null);
}

/** A mark this tablet sent and the server acknowledged. */
export interface SentMark {
  clientId: string;
  markId: number;
}

/** How many acknowledged marks the tablet remembers having sent (the newest). */
export const MAX_SENT = 500;

const sentKey = (token: string) => `jx.judge.sent.${tokenFingerprint(token)}`;

/** Keeps the well-formed entries of a stored list of sent marks, the newest MAX_SENT. */
export function parseSent(list: unknown): SentMark[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(
      (s): s is SentMark =>
        typeof s === 'object' &&
        s !== null &&
        typeof s.clientId === 'string' &&
        Number.isInteger(s.markId),
    )
    .map(({ clientId, markId }) => ({ clientId, markId }))
    .slice(-MAX_SENT);
}

/**
 * The marks this tablet sent (so a stale write can tell this tablet's mark from one written on
 * another device with the same login, which the server calls "yours" alike).
 */
export function loadSent(token: string): SentMark[] {
  return parseSent(read<unknown>(sentKey(token)));
}

/** Stores the newest MAX_SENT and returns what was kept. */
export function saveSent(token: string, sent: readonly SentMark[]): SentMark[] {
  const kept = sent.slice(-MAX_SENT);
  write(sentKey(token), kept);
  return kept;
}

/**
 * Whether a line's current mark (as a stale write reports it) is one this tablet sent: its
 * clientId, when the server gives it, or the mark id an ack gave this tablet.
 */
export function sentHere(
  sent: readonly SentMark[],
  current: { markId: number; clientId?: unknown },
): boolean {
  return sent.some((s) => s.markId === current.markId || s.clientId === current.clientId);
}
