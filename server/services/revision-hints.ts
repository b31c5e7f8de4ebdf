import pg from 'pg';

/**
 * The PostgreSQL channel on which an instance that committed a change says which competition
 * reached which revision (issue 14: several instances, one festival).
 */
export const REVISION_CHANNEL = 'jx_revision';

/** A hint: competition `competitionId` has committed rows up to `revision`. */
export interface RevisionHint {
  competitionId: number;
  revision: number;
}

/**
 * The statement that sends a hint, to run INSIDE the transaction that bumps the revision:
 * PostgreSQL delivers a NOTIFY only when its transaction commits (never for a rollback), and in
 * commit order (PostgreSQL manual, NOTIFY). The payload is the competition and the revision
 * only, never the rows: a listener reads the committed rows from the database.
 */
export function revisionNotify(hint: RevisionHint): { text: string; values: string[] } {
  return {
    text: 'SELECT pg_notify($1, $2)',
    values: [REVISION_CHANNEL, `${hint.competitionId}:${hint.revision}`],
  };
}

/** Reads a payload `competitionId:revision`; anything else is `null` (a foreign NOTIFY). */
export function parseRevisionHint(payload: string | undefined): RevisionHint | null {
  const m = /^(\d{1,10}):(\d{1,15})$/.exec(payload ?? '');
  return m ? { competitionId: Number(m[1]), revision: Number(m[2]) } : null;
}

/** What a listener tells its instance. */
export interface RevisionHintHandlers {
  /** A committed revision of a competition; may arrive more than once or out of date. */
  onHint(hint: RevisionHint): void;
  /**
   * The listener (re)connected: hints sent while it was away are lost, so the instance catches
   * every competition up by revision from the database. Called after the first LISTEN too.
   */
  onResync(): void;
}

/**
 * One LISTEN connection per instance on {@link REVISION_CHANNEL}. A hint is only a hint: the
 * instance reads rows after its own last revision, so a lost, repeated or stale hint can
 * neither skip a revision nor apply one twice. When the connection drops (a PostgreSQL
 * restart, a network cut) it reconnects with a capped backoff (100 ms doubling to 5 s) and
 * calls `onResync` once listening again.
 */
export class RevisionHints {
  #client: pg.Client | null = null;
  #stopped = false;
  #retry: NodeJS.Timeout | null = null;
  #backoffMs = 100;

  constructor(
    private readonly url: string,
    private readonly handlers: RevisionHintHandlers,
  ) {}

  /** Connects and listens; resolves once the first LISTEN is in place. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Whether the LISTEN connection is up now. */
  get listening(): boolean {
    return this.#client !== null;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => {
      if (n.channel !== REVISION_CHANNEL) return;
      const hint = parseRevisionHint(n.payload);
      if (hint) this.handlers.onHint(hint);
    });
    await client.connect();
    await client.query(`LISTEN ${REVISION_CHANNEL}`);
    if (this.#stopped) {
      await client.end();
      return;
    }
    this.#client = client;
    this.#backoffMs = 100;
    this.handlers.onResync();
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.end().catch(() => {});
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped || this.#retry) return;
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, 5_000);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#connect().catch(() => this.#schedule());
    }, wait);
  }

  /** Stops listening and reconnecting. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }
}
