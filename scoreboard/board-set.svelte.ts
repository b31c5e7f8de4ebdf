import type { FestivalSummary, Placement } from '#protocol';
import type { BoardState } from './board-state.svelte.ts';
import type { Lang } from './i18n.ts';
import { placementMatters, shortPlacement } from '../web/present/placement.ts';
import { ROTATION_SECONDS } from './rotation.ts';

/** One competition the board follows: its slug and its live state (one socket each). */
export interface Followed {
  slug: string;
  board: BoardState;
}

/**
 * The competitions the board follows: one (`?competition=`, or the first the server lists), or
 * a rotation (`?festival=`, `?show=`) shown one after another on the projector and picked from
 * on a phone. Components read it; only main.ts fills it.
 */
export class BoardSet {
  /** True when the page asked for a rotation (even before its list has loaded). */
  readonly rotating: boolean;
  #followed = $state.raw<Followed[]>([]);
  #festival = $state.raw<FestivalSummary | null>(null);
  #seconds = $state.raw(ROTATION_SECONDS);
  #start = $state.raw(0);
  /** Wall-clock ms when the list was set: the rotation's first slot starts then. */
  #shownAt = $state.raw(0);
  #error = $state.raw<string | null>(null);
  /** Where every competition the server lists sits (`GET /api/competitions`); null until read. */
  #listed = $state.raw<Placement[] | null>(null);

  constructor(rotating: boolean) {
    this.rotating = rotating;
  }

  get followed(): Followed[] {
    return this.#followed;
  }
  /** The festival of a `?festival=` board once loaded; null otherwise. */
  get festival(): FestivalSummary | null {
    return this.#festival;
  }
  /** Seconds each competition of the rotation stays up (more when it has several pages). */
  get seconds(): number {
    return this.#seconds;
  }
  /** Index of the competition the rotation starts on (`?competition=` when it is in the list). */
  get start(): number {
    return this.#start;
  }
  get shownAt(): number {
    return this.#shownAt;
  }
  /** Why nothing can be followed (an unknown festival). */
  get error(): string | null {
    return this.#error;
  }

  show(
    followed: Followed[],
    opts: {
      seconds?: number;
      start?: string | null;
      festival?: FestivalSummary | null;
      now?: number;
    } = {},
  ): void {
    this.#followed = followed;
    this.#festival = opts.festival ?? null;
    this.#seconds = opts.seconds ?? ROTATION_SECONDS;
    this.#start = Math.max(
      0,
      followed.findIndex((f) => f.slug === opts.start),
    );
    this.#shownAt = opts.now ?? Date.now();
    this.#error = null;
  }

  /** The competitions the server lists: what a festival's shape (events, groups, rounds) is read from. */
  know(listed: Placement[]): void {
    this.#listed = listed;
  }

  /**
   * Whether the board says where a competition sits ("网约送餐员 · 青年组 · 决赛"): only when its
   * festival has several events, groups or rounds (see {@link placementMatters}).
   */
  placed(p: Placement): boolean {
    return placementMatters(
      p,
      this.#listed ?? this.#festival?.competitions.map((c) => c.placement) ?? null,
    );
  }

  fail(message: string): void {
    this.#error = message;
  }

  /** Where a followed competition sits: from its board once it has a snapshot, else the festival's list. */
  placementOf(i: number): Placement | null {
    const f = this.#followed[i];
    if (!f) return null;
    return (
      f.board.competition?.placement ??
      this.#festival?.competitions.find((c) => c.slug === f.slug)?.placement ??
      null
    );
  }

  /**
   * A short name of a followed competition that tells it apart from the festival's others
   * ("快递员 · 决赛"); its slug until anything is known of it.
   */
  shortLabel(i: number, lang: Lang): string {
    const p = this.placementOf(i);
    if (!p) return this.#followed[i]?.slug ?? '';
    const all = this.#festival
      ? this.#festival.competitions.map((c) => c.placement)
      : this.#followed.map((_, j) => this.placementOf(j)).filter((x) => x !== null);
    return shortPlacement(p, lang, all);
  }
}
