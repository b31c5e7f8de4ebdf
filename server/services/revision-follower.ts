import type { MarkRow } from '../../db/repositories/marks.ts';
import type { LiveCompetition } from './live-competition.ts';
import { StaleCompetitionError, type MarkWriter } from './mark-writer.ts';
import type { RevisionHint, RevisionHintHandlers } from './revision-hints.ts';

/** What a follower reads from the shared database (PostgreSQL: db/pg/repositories/marks.ts). */
export interface FollowerSource {
  /**
   * The competition's log rows after `revision`, in revision order, and its committed revision,
   * read in one snapshot (so the rows are exactly the marks among the revisions up to it).
   */
  readAfter(
    competitionId: number,
    revision: number,
  ): Promise<{ rows: MarkRow[]; revision: number }>;
  /** The competition rebuilt from the database, as it is committed now. */
  reload(live: LiveCompetition): Promise<LiveCompetition>;
}

/**
 * Keeps one instance's copies of the competitions at the database's revision while other
 * instances write to it (issue 14, part 3). Driven by revision hints (RevisionHints: a hint
 * per committed change, a resync after the listener reconnects) and by the writer finding its
 * copy out of date inside a transaction (`MarkWriter`'s `onStale`).
 *
 * - Marks committed elsewhere are read after this copy's revision and applied in order through
 *   `MarkWriter.catchUp`, which publishes each as this instance's own (board deltas, judges'
 *   notices). A repeated, stale or lost hint neither skips a revision nor applies one twice.
 * - A committed change that is not a mark (a lock, a setting, the course: a revision with no
 *   row in the log) cannot be replayed from the log: the competition is reloaded from the
 *   database and handed to `onReload`, which swaps it in and sends its boards a snapshot.
 *
 * One catch-up runs per competition at a time; a hint arriving meanwhile runs it once more
 * after it, so none is missed.
 */
export class RevisionFollower implements RevisionHintHandlers {
  readonly #running = new Map<number, Promise<void>>();
  readonly #again = new Set<number>();

  constructor(
    private readonly lives: () => Iterable<LiveCompetition>,
    private readonly writer: MarkWriter,
    private readonly source: FollowerSource,
    private readonly onReload: (fresh: LiveCompetition, stale: LiveCompetition) => void,
  ) {}

  onHint(hint: RevisionHint): void {
    const live = this.#find(hint.competitionId);
    if (live && hint.revision > live.revision) void this.follow(hint.competitionId);
  }

  onResync(): void {
    for (const live of this.lives()) void this.follow(live.id);
  }

  /** Brings one competition to the database's revision; resolves when it is there. */
  follow(competitionId: number): Promise<void> {
    const running = this.#running.get(competitionId);
    if (running) {
      this.#again.add(competitionId);
      return running;
    }
    const run = this.#catchUp(competitionId)
      .catch(() => {
        // The database is away (a restart): the listener's resync catches up once it is back.
      })
      .finally(() => {
        this.#running.delete(competitionId);
        if (this.#again.delete(competitionId)) void this.follow(competitionId);
      });
    this.#running.set(competitionId, run);
    return run;
  }

  async #catchUp(competitionId: number): Promise<void> {
    // This instance's own changes are applied first (the hint of one may come before its
    // commit returns), so a revision it made itself is never mistaken for another's.
    await this.writer.idle();
    const live = this.#find(competitionId);
    if (!live) return;
    const { rows, revision } = await this.source.readAfter(competitionId, live.revision);
    try {
      this.writer.catchUp(live, rows);
      if (revision <= live.revision) return;
    } catch (err) {
      if (!(err instanceof StaleCompetitionError)) throw err;
    }
    // A revision the log cannot replay: rebuild from the database.
    const fresh = await this.source.reload(live);
    if (this.#find(competitionId) === live) this.onReload(fresh, live);
  }

  #find(competitionId: number): LiveCompetition | undefined {
    for (const live of this.lives()) if (live.id === competitionId) return live;
    return undefined;
  }
}
