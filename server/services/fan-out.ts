/**
 * Boards one frame is written to in one turn of the event loop. Between two chunks Node reads
 * the sockets again, so a judge's mark that arrives while a frame goes to hundreds of boards is
 * committed and acknowledged after at most one chunk, not after the last board (issue 14:
 * "board fan-out must stop delaying judges"). 16 sockets are a few tenths of a millisecond of
 * writes; docs/performance.md has the measurement.
 */
export const FAN_OUT_CHUNK = 16;

/** One frame on its way to its targets. */
export interface FanOutJob<T> {
  /** Whom to write, fixed when the frame was built (a board opened later has it in its snapshot). */
  targets: readonly T[];
  /** Writes the frame to one target (skipping one that is closed or has it already). */
  write(target: T): void;
  /** Called once every target is written, with the time the writes took, ms. */
  done?(costMs: number): void;
}

/**
 * The frames of one competition in revision order, written `chunk` targets per turn: every
 * target gets every frame in order, because a frame starts only when the one before has reached
 * all its targets. The first chunk of a frame queued on an idle queue is written at once, in the
 * caller's turn, so a venue's few boards get a frame exactly when they did without chunks.
 */
export class FanOutQueue<T> {
  readonly #jobs: { job: FanOutJob<T>; next: number; costMs: number }[] = [];
  #scheduled = false;

  constructor(
    private readonly chunk: number = FAN_OUT_CHUNK,
    private readonly defer: (run: () => void) => void = setImmediate,
  ) {}

  /** Queues a frame; writes its first chunk now when nothing is queued before it. */
  push(job: FanOutJob<T>): void {
    this.#jobs.push({ job, next: 0, costMs: 0 });
    if (this.#jobs.length === 1 && !this.#scheduled) this.#writeChunk();
  }

  /** Frames not yet written to all their targets. */
  get pending(): number {
    return this.#jobs.length;
  }

  /** Writes everything queued now, in order (at shutdown, before the sockets close). */
  drain(): void {
    while (this.#jobs.length) this.#writeChunk(Infinity);
  }

  #writeChunk(budget = this.chunk): void {
    this.#scheduled = false;
    while (this.#jobs.length && budget > 0) {
      const head = this.#jobs[0]!;
      const started = performance.now();
      while (head.next < head.job.targets.length && budget-- > 0)
        head.job.write(head.job.targets[head.next++]!);
      head.costMs += performance.now() - started;
      if (head.next < head.job.targets.length) break;
      this.#jobs.shift();
      head.job.done?.(head.costMs);
    }
    if (this.#jobs.length && !this.#scheduled) {
      this.#scheduled = true;
      this.defer(() => this.#writeChunk());
    }
  }
}
