/**
 * How often a competition's boards may get a frame. The interval follows the audience and what a
 * frame costs, not a fixed window:
 *
 * - socket writes: a frame is one write per board, and all boards together get at most
 *   `writesPerSecond` writes a second, so the interval is `viewers × 1000 ÷ writesPerSecond` ms;
 * - event loop: building and writing a frame may take at most `cpuShare` of it, so the interval
 *   is at least `cost ÷ cpuShare` (a frame of many rows, or a public view to recompute);
 *
 * both kept between `minMs` (half a 60 Hz display frame) and `maxMs` (ten frames a second). At a
 * venue (a projector and a few dozen phones) that is the floor; with a thousand viewers and more
 * it is the ceiling, which holds the server up. A mark after a quiet spell never waits for it
 * (leading edge: server/plugins/live.ts).
 */
export const FRAME_PACING = {
  /** Shortest interval, ms: half a 60 Hz display frame, so a mark makes the next refresh. */
  minMs: 8,
  /** Longest interval, ms: at least ten frames a second per viewer, however many there are. */
  maxMs: 100,
  /**
   * Socket writes a second that one competition's frames may make in all: what the old fixed
   * 100 ms interval already made at 2,000 viewers, so no audience costs more writes than then.
   */
  writesPerSecond: 20_000,
  /** Share of the event loop that one competition's board frames may take (a quarter). */
  cpuShare: 0.25,
  /** Weight of the newest cost in the moving average (the last ~5 frames count). */
  smoothing: 0.2,
} as const;

/** The pacing limits, as FRAME_PACING names them (tests may set others). */
export type FramePacing = { readonly [K in keyof typeof FRAME_PACING]: number };

/**
 * The frame interval, ms, for `viewers` open boards and a frame cost of `costMs` (moving
 * average, ms): the larger of `viewers × 1000 ÷ writesPerSecond` and `costMs ÷ cpuShare`,
 * clamped to [`minMs`, `maxMs`]. Pure; a negative or NaN input counts as zero.
 */
export function frameInterval(
  viewers: number,
  costMs: number,
  pacing: FramePacing = FRAME_PACING,
): number {
  const byWrites = viewers > 0 ? (viewers * 1000) / pacing.writesPerSecond : 0;
  const byCost = costMs > 0 ? costMs / pacing.cpuShare : 0;
  return Math.min(pacing.maxMs, Math.max(pacing.minMs, byWrites, byCost));
}

/** Keeps the moving average of one competition's frame cost and answers its interval. */
export class FramePacer {
  #cost = 0;
  #measured = false;

  /** `pacing`: the limits (tests lengthen `minMs` to hold every frame until a flush). */
  constructor(readonly pacing: FramePacing = FRAME_PACING) {}

  /** Records the time one frame took to build and write, ms. */
  record(costMs: number): void {
    if (!Number.isFinite(costMs) || costMs < 0) return;
    this.#cost = this.#measured
      ? this.#cost + this.pacing.smoothing * (costMs - this.#cost)
      : costMs;
    this.#measured = true;
  }

  /** The moving average of the frame cost, ms (0 before the first frame). */
  get costMs(): number {
    return this.#cost;
  }

  /** The interval the next frame must keep from the last one, ms, with `viewers` boards open. */
  intervalMs(viewers: number): number {
    return frameInterval(viewers, this.#cost, this.pacing);
  }
}
