import type { FestivalSummary } from '#protocol';
import { SLUG_PATTERN } from '../server/protocol/constants.ts';
import { PAGE_MS } from './paging.ts';

/**
 * The projector's rotation through a festival's competitions (`?festival=SLUG`, `?show=a,b`):
 * pure schedule arithmetic, times in wall-clock milliseconds. App.svelte holds the current
 * {@link Slot} and asks {@link advance} for the next one at {@link nextChangeAt}.
 */

/** Seconds each competition stays up when neither the query nor the festival says (as FestivalInfo). */
export const ROTATION_SECONDS = 20;
/** Bounds of `?seconds=` (the festival file's own bounds). */
export const MIN_SECONDS = 5;
export const MAX_SECONDS = 600;

/** The competition on screen (index into the rotation) and when its slot began. */
export interface Slot {
  index: number;
  startedAt: number;
}

/**
 * What the schedule needs of each competition: its page count on the projector, and whether
 * it may take a turn now (see {@link eligibleSlots}).
 */
export interface SlotInfo {
  pages: number;
  eligible: boolean;
}

/** What the query asks of the rotation; nothing set: no rotation (`?competition=` or the first). */
export interface RotationQuery {
  festival: string | null;
  /** `?show=a,b`: the competitions and their order, overriding the festival's list. */
  show: string[] | null;
  /** `?seconds=N`, clamped to [MIN_SECONDS, MAX_SECONDS]. */
  seconds: number | null;
  /** `?competition=`: with a rotation, the competition it starts on. */
  start: string | null;
}

export function parseRotation(params: URLSearchParams): RotationQuery {
  // A festival asked for but misspelt is still asked for: the board says it cannot find it
  // rather than quietly showing something else.
  const festival = params.has('festival') ? params.get('festival')!.trim().slice(0, 64) : null;
  const show = [
    ...new Set(
      (params.get('show') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => SLUG_PATTERN.test(s)),
    ),
  ];
  const raw = params.get('seconds')?.trim() ?? '';
  const seconds = /^\d{1,4}$/.test(raw)
    ? Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Number(raw)))
    : null;
  return {
    festival,
    show: show.length ? show : null,
    seconds,
    start: params.get('competition'),
  };
}

/** True when the query asks for a rotation (a festival, or a list of competitions). */
export function isRotation(q: RotationQuery): boolean {
  return q.festival !== null || q.show !== null;
}

/**
 * The competitions a rotation shows, in order: `?show=` when given, else the festival's
 * `board.show`, else every competition of the festival in its (event, group, round) order.
 */
export function rotationSlugs(
  festival: Pick<FestivalSummary, 'board' | 'competitions'> | null,
  show: string[] | null,
): string[] {
  if (show) return show;
  if (!festival) return [];
  return festival.board.show.length
    ? [...festival.board.show]
    : festival.competitions.map((c) => c.slug);
}

/**
 * How long a competition stays on screen: the rotation's `seconds`; with several pages, at
 * least {@link PAGE_MS} for each (the board's own reading time) so every page is shown once.
 */
export function slotMs(pages: number, seconds: number): number {
  return pages > 1 ? Math.max(seconds * 1000, pages * PAGE_MS) : seconds * 1000;
}

/** How long each page of a slot stays up: the slot shared evenly by its pages. */
export function pageMs(pages: number, seconds: number): number {
  return slotMs(pages, seconds) / Math.max(1, pages);
}

/**
 * Which competitions may take a turn. While one is in its award ceremony the rotation holds
 * on it (turning away mid-reveal would hide it from the hall); a competition the server does
 * not know is skipped. When nothing is left, all take turns (their errors then show).
 */
export function eligibleSlots(
  boards: readonly { ceremony: boolean; failed: boolean }[],
): boolean[] {
  const ok = boards.map((b) => !b.failed);
  const ceremony = boards.map((b, i) => b.ceremony && ok[i]!);
  if (ceremony.some(Boolean)) return ceremony;
  return ok.some(Boolean) ? ok : boards.map(() => true);
}

/** The next eligible competition after `index` (wrapping; `index` itself when it is the only one). */
export function nextEligible(index: number, slots: readonly SlotInfo[]): number {
  const n = slots.length;
  for (let k = 1; k <= n; k++) {
    const i = (((index + k) % n) + n) % n;
    if (slots[i]!.eligible) return i;
  }
  return n ? (((index + 1) % n) + n) % n : 0;
}

/**
 * The slot on screen at `now`, from the one held: unchanged while its time lasts, else the
 * following eligible ones in turn, each as long as {@link slotMs} says for its pages now (a tab
 * that slept catches up). A slot that may no longer take a turn gives way at once; a clock that
 * went back starts the slot again. Returns `slot` itself when it stays.
 */
export function advance(
  slot: Slot,
  now: number,
  slots: readonly SlotInfo[],
  seconds: number,
): Slot {
  const n = slots.length;
  if (n === 0) return slot;
  if (slot.index >= n || !slots[slot.index]!.eligible)
    return { index: nextEligible(Math.min(slot.index, n) - 1, slots), startedAt: now };
  if (now < slot.startedAt - 1_000) return { index: slot.index, startedAt: now };
  let { index, startedAt } = slot;
  // Bounded: after a very long sleep, start afresh instead of replaying every turn missed.
  for (let turn = 0; turn < 1_000; turn++) {
    const end = startedAt + slotMs(slots[index]!.pages, seconds);
    // The same object while nothing changed: a state holding it does not notify anyone.
    if (now < end) return turn === 0 ? slot : { index, startedAt };
    startedAt = end;
    index = nextEligible(index, slots);
  }
  return { index, startedAt: now };
}

/** The 0-based page of the slot's competition on screen at `now`. */
export function pageAt(slot: Slot, now: number, pages: number, seconds: number): number {
  const k = Math.floor((now - slot.startedAt) / pageMs(pages, seconds));
  return Math.min(Math.max(0, k), Math.max(1, pages) - 1);
}

/** When the screen next changes (the next page, or the next slot); `now` when the slot must give way. */
export function nextChangeAt(
  slot: Slot,
  now: number,
  slots: readonly SlotInfo[],
  seconds: number,
): number {
  const info = slots[slot.index];
  if (!info?.eligible) return now;
  const per = pageMs(info.pages, seconds);
  return slot.startedAt + (pageAt(slot, now, info.pages, seconds) + 1) * per;
}

/**
 * The slot on screen `t` ms after a rotation started on its first eligible competition, with
 * the page counts and eligibility held fixed (what {@link advance} gives a board left alone).
 */
export function slotAt(t: number, slots: readonly SlotInfo[], seconds: number): Slot {
  return advance({ index: nextEligible(-1, slots), startedAt: 0 }, t, slots, seconds);
}
