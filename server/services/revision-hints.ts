import pg from 'pg';
import {
  parseHint,
  REVISION_CHANNEL,
  type CompetitionHint,
  type LoginFailureHint,
  type OfficialHint,
  type RevisionHint,
} from '../../db/pg/revision-channel.ts';

export {
  parseRevisionHint,
  REVISION_CHANNEL,
  revisionNotify,
  type RevisionHint,
} from '../../db/pg/revision-channel.ts';

/** What a listener tells its instance. */
export interface RevisionHintHandlers {
  /** A committed revision of a competition; may arrive more than once or out of date. */
  onHint(hint: RevisionHint): void;
  /**
   * The listener (re)connected: hints sent while it was away are lost, so the instance catches
   * every competition up by revision from the database. Called after the first LISTEN too.
   */
  onResync(): void;
  /** An official changed on another instance (revoked, a new token, new sheets). */
  onOfficial?(hint: OfficialHint): void;
  /** A competition was created on another instance. */
  onCompetition?(hint: CompetitionHint): void;
  /** Another instance counted a failed login. */
  onLoginFailure?(hint: LoginFailureHint): void;
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
      const hint = parseHint(n.payload);
      if (hint?.kind === 'revision')
        this.handlers.onHint({ competitionId: hint.competitionId, revision: hint.revision });
      else if (hint?.kind === 'official') this.handlers.onOfficial?.(hint);
      else if (hint?.kind === 'login') this.handlers.onLoginFailure?.(hint);
      else if (hint?.kind === 'competition') this.handlers.onCompetition?.(hint);
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
