import {
  indexScheme,
  parseSheetValues,
  type SchemeIndex,
  type Sheet,
  type SheetValues,
} from '#engine';
import type {
  JudgeContestant,
  JudgeServerMessage,
  JudgeWelcome,
  MarkAck,
  MarkSubmit,
} from '#protocol';
import { CloseCode, PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { LiveSocket, type SocketState } from '../web/live-socket.ts';
import { newClientId } from './client-id.ts';
import { t } from './i18n.ts';
import {
  loadOutbox,
  loadWelcome,
  saveOutbox,
  saveToken,
  saveWelcome,
  type OutboxEntry,
} from './storage.ts';

/** This judge's state of one line (contestant × sheet), as the queue shows it. */
export type LineState = 'todo' | 'pending' | 'saved' | 'locked' | 'inactive';

/** `ready`: the server welcomed this socket, marks can be sent. */
export type Connection = 'connecting' | 'reconnecting' | 'ready';

export interface SavedMark {
  clientId: string;
  markId: number;
  attempt: number;
  /** Parsed values (engine SheetValues: judgement and imported in milli-points). */
  values: SheetValues;
}

export interface Rejection {
  entry: OutboxEntry;
  code: string;
  /** The server's message (Chinese), shown to the judge as sent. */
  message: string;
}

export type Outcome = { kind: 'ack'; ack: MarkAck } | { kind: 'reject'; rejection: Rejection };

/** One judge's line: contestant × sheet × attempt (run). */
export const lineKey = (contestantId: number, sheetId: string, attempt: number) =>
  `${contestantId}:${sheetId}:${attempt}`;
/** Contestant × sheet, every attempt. */
const cellKey = (contestantId: number, sheetId: string) => `${contestantId}:${sheetId}`;

/**
 * Rejections that do not mean "this mark is wrong": the entry stays in the outbox and is
 * sent again later (a failed commit, or a submit that raced the login).
 */
const RETRYABLE = new Set(['server/commit_failed', 'auth/required']);

/** An outbox entry unanswered this long on a live socket is sent again (same clientId). */
export const RESEND_AFTER_MS = 15_000;

/**
 * The judge's session: login token, the one socket to the server, the welcome snapshot,
 * this judge's saved marks and the outbox. Components read it; only this class talks to
 * the server.
 *
 * Invariants: a mark is "saved" only after the server's `mark.ack` (sent after the SQLite
 * commit); until then it sits in the outbox, which is written to localStorage before the
 * first send and resent with the same clientId after every reconnect.
 */
export class JudgeSession {
  #token = $state<string | null>(null);
  #welcome = $state.raw<JudgeWelcome | null>(null);
  #index: SchemeIndex | null = $derived(this.#welcome ? indexScheme(this.#welcome.scheme) : null);
  #socketState = $state<SocketState>('closed');
  #ready = $state(false);
  #everReady = $state(false);
  // Reactive collections, mutated in place; each read subscribes to what it reads.
  #saved = new SvelteMap<string, SavedMark>();
  #outbox = $state.raw<OutboxEntry[]>([]);
  /** Contestant × sheet cells with an entry in the outbox (a plain lookup, rebuilt on change). */
  #pendingCells: Record<string, true> = $derived.by(() => {
    const out: Record<string, true> = {};
    for (const e of this.#outbox) out[cellKey(e.contestantId, e.sheetId)] = true;
    return out;
  });
  /** Contestant × sheet → attempts this judge has saved. */
  #savedAttempts: Record<string, number[]> = $derived.by(() => {
    const out: Record<string, number[]> = {};
    for (const [key, s] of this.#saved) {
      const cell = key.slice(0, key.lastIndexOf(':'));
      (out[cell] ??= []).push(s.attempt);
    }
    return out;
  });
  #rejected = new SvelteMap<string, Rejection>();
  #acks = new SvelteMap<string, MarkAck>();
  #locked = new SvelteSet<string>();
  #loginError = $state<string | null>(null);
  #fatal = $state<string | null>(null);
  #notice = $state<string | null>(null);
  #storageOk = $state(true);

  #socket: LiveSocket<JudgeServerMessage> | null = null;
  #lastError: string | null = null;
  // Bookkeeping no screen shows: deliberately not reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #sentAt = new Map<string, number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<(clientId: string, outcome: Outcome) => void>();
  #timer: ReturnType<typeof setInterval> | null = null;

  get token() {
    return this.#token;
  }
  get welcome() {
    return this.#welcome;
  }
  get index() {
    return this.#index;
  }
  get judge() {
    return this.#welcome?.judge ?? null;
  }
  get competition() {
    return this.#welcome?.competition ?? null;
  }
  /** Contestants in draw order. */
  get contestants(): readonly JudgeContestant[] {
    return this.#welcome?.contestants ?? [];
  }
  /** The sheets assigned to this judge, in the order the organiser gave them. */
  get sheets(): Sheet[] {
    const index = this.#index;
    if (!index || !this.#welcome) return [];
    return this.#welcome.judge.sheets.flatMap((id) => index.sheets.get(id) ?? []);
  }
  get decimals() {
    return this.#welcome?.scheme.decimals ?? 2;
  }
  get connection(): Connection {
    if (this.#ready) return 'ready';
    return this.#everReady ? 'reconnecting' : 'connecting';
  }
  get socketState() {
    return this.#socketState;
  }
  get outbox(): readonly OutboxEntry[] {
    return this.#outbox;
  }
  get unsentCount() {
    return this.#outbox.length;
  }
  get rejections(): Rejection[] {
    return [...this.#rejected.values()];
  }
  get loginError() {
    return this.#loginError;
  }
  /** A problem that stops the page (protocol mismatch): shown with a reload button. */
  get fatal() {
    return this.#fatal;
  }
  /** A passing message from the server (a retryable failure, a bad frame). */
  get notice() {
    return this.#notice;
  }
  get storageOk() {
    return this.#storageOk;
  }

  /** Signs in with a token: stores it, restores this judge's outbox and cached welcome, connects. */
  start(token: string): void {
    this.#stop();
    this.#token = token;
    this.#loginError = null;
    this.#fatal = null;
    saveToken(token);
    this.#outbox = loadOutbox(token);
    const cached = loadWelcome(token);
    if (cached) this.#applyWelcome(cached);
    this.#ready = false;
    this.#everReady = cached !== null;
    this.#socket = new LiveSocket<JudgeServerMessage>({
      path: () => '/ws/judge',
      onOpen: (send) => send({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token }),
      onMessage: (m) => this.#onMessage(m),
      onState: (s) => {
        this.#socketState = s;
        if (s !== 'open') this.#ready = false;
      },
      fatalCodes: [CloseCode.authFailed, CloseCode.protocolMismatch],
      onFatal: (code) => this.#onFatal(code),
    });
    this.#timer = setInterval(() => this.#resendStale(), 2_000);
  }

  /** Signs out. Unsent marks stay in localStorage under this token and go out at the next login. */
  logout(): void {
    if (this.#token) saveWelcome(this.#token, null);
    this.#stop();
    saveToken(null);
    this.#token = null;
    this.#reset();
  }

  /** Connects again at once (the browser reports the network is back). */
  reconnectNow(): void {
    if (this.#socket && !this.#socket.open) this.#socket.reconnectNow();
  }

  /**
   * Queues a mark: stored in the outbox (localStorage) first, then sent if the socket is
   * ready; otherwise it goes out after the next welcome. Returns the clientId.
   */
  submit(mark: {
    contestantId: number;
    sheetId: string;
    attempt: number;
    values: Record<string, unknown>;
    reason?: string;
  }): string {
    const entry: OutboxEntry = { clientId: newClientId(), ...mark, queuedAt: Date.now() };
    this.#setOutbox([...this.#outbox, entry]);
    this.#rejected.delete(lineKey(mark.contestantId, mark.sheetId, mark.attempt));
    if (this.#ready) this.#send(entry);
    return entry.clientId;
  }

  /** Attempts (runs) a station gives each contestant by the scheme; re-runs add more. */
  attemptsOf(sheet: Sheet): number {
    return this.#index?.stations.get(sheet.stationId)?.station.attempts?.count ?? 1;
  }

  /** Attempts of a contestant × sheet this judge has saved, ascending. */
  savedAttempts(contestantId: number, sheetId: string): number[] {
    return [...(this.#savedAttempts[cellKey(contestantId, sheetId)] ?? [])].sort((a, b) => a - b);
  }

  /**
   * The queue state of a contestant on a sheet: pending while any entry waits for the
   * server; saved once every scheduled attempt has a saved mark.
   */
  lineState(c: JudgeContestant, sheet: Sheet): LineState {
    if (c.status !== 'active') return 'inactive';
    const cell = cellKey(c.id, sheet.id);
    if (this.#pendingCells[cell]) return 'pending';
    if (this.#locked.has(sheet.stationId)) return 'locked';
    if ((this.#savedAttempts[cell]?.length ?? 0) >= this.attemptsOf(sheet)) return 'saved';
    return 'todo';
  }

  isLocked(sheet: Sheet): boolean {
    return this.#locked.has(sheet.stationId);
  }

  savedMark(contestantId: number, sheetId: string, attempt: number): SavedMark | undefined {
    return this.#saved.get(lineKey(contestantId, sheetId, attempt));
  }

  /** The newest unacknowledged entry of a line (any attempt when `attempt` is omitted). */
  pendingEntry(contestantId: number, sheetId: string, attempt?: number): OutboxEntry | undefined {
    let last: OutboxEntry | undefined;
    for (const e of this.#outbox)
      if (
        e.contestantId === contestantId &&
        e.sheetId === sheetId &&
        (attempt === undefined || e.attempt === attempt)
      )
        last = e;
    return last;
  }

  /** The rejection of a line (any attempt when `attempt` is omitted). */
  rejection(contestantId: number, sheetId: string, attempt?: number): Rejection | undefined {
    if (attempt !== undefined) return this.#rejected.get(lineKey(contestantId, sheetId, attempt));
    for (const r of this.#rejected.values())
      if (r.entry.contestantId === contestantId && r.entry.sheetId === sheetId) return r;
    return undefined;
  }

  /** Where one submitted mark stands: in the outbox, acknowledged, or rejected. */
  entryStatus(clientId: string): 'pending' | 'saved' | 'rejected' | 'unknown' {
    if (this.#outbox.some((e) => e.clientId === clientId)) return 'pending';
    if (this.#acks.has(clientId)) return 'saved';
    for (const r of this.#rejected.values()) if (r.entry.clientId === clientId) return 'rejected';
    return 'unknown';
  }

  ack(clientId: string): MarkAck | undefined {
    return this.#acks.get(clientId);
  }

  rejectionOf(clientId: string): Rejection | undefined {
    for (const r of this.#rejected.values()) if (r.entry.clientId === clientId) return r;
    return undefined;
  }

  /** Subscribes to acks and rejects; returns the unsubscribe function. */
  onOutcome(listener: (clientId: string, outcome: Outcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dismissNotice(): void {
    this.#notice = null;
  }

  #onMessage(m: JudgeServerMessage): void {
    switch (m.type) {
      case 'judge.welcome': {
        this.#applyWelcome(m);
        this.#ready = true;
        this.#everReady = true;
        this.#loginError = null;
        this.#persistWelcome();
        // Resend everything unanswered, oldest first: corrections stay after what they correct.
        for (const e of this.#outbox) this.#send(e);
        return;
      }
      case 'mark.ack':
        this.#onAck(m);
        return;
      case 'mark.reject': {
        const entry = this.#outbox.find((e) => e.clientId === m.clientId);
        if (!entry) return;
        if (RETRYABLE.has(m.code)) {
          // Kept in the outbox; #resendStale sends it again.
          this.#notice = m.message;
          return;
        }
        this.#setOutbox(this.#outbox.filter((e) => e !== entry));
        this.#sentAt.delete(entry.clientId);
        const rejection: Rejection = { entry, code: m.code, message: m.message };
        this.#rejected.set(lineKey(entry.contestantId, entry.sheetId, entry.attempt), rejection);
        if (m.code === 'mark/station_locked') {
          const stationId = this.#index?.sheets.get(entry.sheetId)?.stationId;
          if (stationId) this.#locked.add(stationId);
        }
        this.#emit(entry.clientId, { kind: 'reject', rejection });
        return;
      }
      case 'error':
        this.#lastError = m.message;
        if (this.#ready) this.#notice = m.message;
        return;
      case 'pong':
        return;
    }
  }

  #onAck(m: MarkAck): void {
    const entry = this.#outbox.find((e) => e.clientId === m.clientId);
    this.#acks.set(m.clientId, m);
    if (!entry) return;
    this.#setOutbox(this.#outbox.filter((e) => e !== entry));
    this.#sentAt.delete(entry.clientId);
    const sheet = this.#index?.sheets.get(entry.sheetId);
    const parsed = sheet ? parseSheetValues(sheet, entry.values) : null;
    if (parsed?.ok) {
      const saved: SavedMark = {
        clientId: m.clientId,
        markId: m.markId,
        attempt: entry.attempt,
        values: parsed.values,
      };
      this.#saved.set(lineKey(entry.contestantId, entry.sheetId, entry.attempt), saved);
    }
    this.#persistWelcome();
    this.#emit(m.clientId, { kind: 'ack', ack: m });
  }

  #onFatal(code: number): void {
    const token = this.#token;
    const serverMessage = this.#lastError;
    this.#stop();
    if (code === CloseCode.protocolMismatch) {
      this.#fatal = t('login.protocol');
      return;
    }
    // Unknown or revoked token: forget it and go back to the login screen. The outbox stays
    // stored under the token, so nothing typed is destroyed by a mistyped code.
    this.#loginError = serverMessage ?? t('login.invalid');
    if (token) saveWelcome(token, null);
    saveToken(null);
    this.#token = null;
    this.#reset();
  }

  #applyWelcome(w: JudgeWelcome): void {
    this.#welcome = w;
    this.#saved.clear();
    for (const m of w.marks)
      this.#saved.set(lineKey(m.contestantId, m.sheetId, m.attempt ?? 1), {
        clientId: m.clientId,
        markId: m.markId,
        attempt: m.attempt ?? 1,
        values: m.values as SheetValues,
      });
    this.#locked.clear();
    for (const id of w.lockedStations) this.#locked.add(id);
  }

  /** Caches the welcome with this judge's current saved marks, for a reload while offline. */
  #persistWelcome(): void {
    if (!this.#token || !this.#welcome) return;
    const marks = [...this.#saved].map(([key, s]) => {
      const [contestantId, sheetId] = key.split(':');
      return { ...s, contestantId: Number(contestantId), sheetId: sheetId! };
    });
    saveWelcome(this.#token, {
      ...this.#welcome,
      marks,
      lockedStations: [...this.#locked],
    });
  }

  #send(e: OutboxEntry): void {
    const msg: MarkSubmit = {
      type: 'mark.submit',
      clientId: e.clientId,
      contestantId: e.contestantId,
      sheetId: e.sheetId,
      attempt: e.attempt,
      values: e.values as MarkSubmit['values'],
      ...(e.reason ? { reason: e.reason } : {}),
    };
    if (this.#socket?.send(msg)) this.#sentAt.set(e.clientId, Date.now());
  }

  /** A captive portal or a half-open socket may swallow a frame: resend what stays unanswered. */
  #resendStale(): void {
    if (!this.#ready) return;
    const now = Date.now();
    for (const e of this.#outbox) {
      const at = this.#sentAt.get(e.clientId) ?? 0;
      if (now - at >= RESEND_AFTER_MS) this.#send(e);
    }
  }

  #setOutbox(entries: OutboxEntry[]): void {
    this.#outbox = entries;
    if (this.#token) this.#storageOk = saveOutbox(this.#token, entries);
  }

  #emit(clientId: string, outcome: Outcome): void {
    for (const l of this.#listeners) l(clientId, outcome);
  }

  #stop(): void {
    this.#socket?.close();
    this.#socket = null;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#ready = false;
    this.#socketState = 'closed';
    this.#sentAt.clear();
    this.#lastError = null;
  }

  #reset(): void {
    this.#welcome = null;
    this.#saved.clear();
    this.#outbox = [];
    this.#rejected.clear();
    this.#acks.clear();
    this.#locked.clear();
    this.#everReady = false;
    this.#notice = null;
  }
}
