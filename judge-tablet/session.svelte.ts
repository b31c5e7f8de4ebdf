import {
  indexScheme,
  parseSheetValues,
  totalsRules,
  type RoundingMode,
  type SchemeIndex,
  type Sheet,
  type SheetValues,
} from '#engine';
import type {
  CompetitionSummary,
  JudgeContestant,
  JudgeServerMessage,
  JudgeWelcome,
  MarkAck,
  MarkSubmit,
  OfficialName,
  OwnMark,
  PanelMeasurement,
  RescoreRequest,
  VoidNotice,
} from '#protocol';
import { CloseCode, PROTOCOL_VERSION } from '../server/protocol/constants.ts';
import { isRetryable } from '../server/protocol/errors.ts';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { LiveSocket, type SocketState } from '../web/live-socket.ts';
import { newClientId } from './client-id.ts';
import { L, t } from './i18n.ts';
import {
  answerRescores,
  mergeRescores,
  mergeVoids,
  openRescores,
  openVoids,
  pruneDismissed,
  rescoresOf,
  voidEffect,
} from './notices.ts';
import { OutboxDb } from './outbox-db.ts';
import { isJudgementOnly, isRecorderOf } from './panel.ts';
import {
  clearLegacyOutbox,
  clearLegacyRescores,
  loadDismissed,
  loadLegacyOutbox,
  loadSent,
  loadWelcome,
  saveDismissed,
  saveSent,
  saveToken,
  saveWelcome,
  sentHere,
  tokenFingerprint,
  type SentMark,
  type DismissedKind,
  type OutboxEntry,
} from './storage.ts';

/** This judge's state of one line (contestant × sheet), as the queue shows it. */
export type LineState = 'todo' | 'rescore' | 'pending' | 'saved' | 'locked' | 'inactive';

/** `ready`: the server welcomed this socket, marks can be sent. */
export type Connection = 'connecting' | 'reconnecting' | 'ready';

export interface SavedMark {
  clientId: string;
  markId: number;
  attempt: number;
  /** Parsed values (engine SheetValues: judgement and imported in milli-points). */
  values: SheetValues;
  /** When the judge confirmed it (ms since epoch); null when this tablet never knew. */
  at: number | null;
  /**
   * Who wrote it: this judge, or (a sheet one judge fills) another official who wrote the
   * line's current mark; null when this tablet does not know (a mark a void made current).
   */
  authorId: number | null;
}

/** One of this judge's saved marks, for the history list (newest markId first). */
export interface HistoryItem extends SavedMark {
  contestantId: number;
  sheetId: string;
  /** A later mark of this judge replaced it during this session. */
  superseded: boolean;
  /** The head judge voided it (told by `judge.voided`). */
  voided: boolean;
}

/** The line's mark on the server when a write was refused as stale (`mark/stale`). */
export interface CurrentMark {
  markId: number;
  /** Parsed values (SheetValues, milli-points), as the server stores them. */
  values: SheetValues;
}

export interface Rejection {
  entry: OutboxEntry;
  code: string;
  /** The server's message (Chinese), shown to the judge as sent. */
  message: string;
  /** With `mark/stale`: the line's current mark; null when it was voided. */
  current?: CurrentMark | null;
}

/**
 * A welcome mark: the server's OwnMark, plus `at` (when this tablet saw it confirmed) in the
 * cached welcome. `author` (code and name of whoever wrote it) is read when the server sends
 * it; `authorId` may be missing from a welcome cached by an older page.
 */
type CachedMark = Omit<OwnMark, 'authorId' | 'author'> & {
  authorId?: number | null;
  author?: OfficialName;
  at?: number | null;
};

/** Rejections that mean the tablet's idea of who records a panel is out of date. */
const RECORDER_CODES = new Set(['mark/not_recorder', 'mark/no_recorder']);

export type Outcome = { kind: 'ack'; ack: MarkAck } | { kind: 'reject'; rejection: Rejection };

/** One judge's line: contestant × sheet × attempt (run). */
export const lineKey = (contestantId: number, sheetId: string, attempt: number) =>
  `${contestantId}:${sheetId}:${attempt}`;
/** Contestant × sheet, every attempt. */
const cellKey = (contestantId: number, sheetId: string) => `${contestantId}:${sheetId}`;

/** An outbox entry unanswered this long on a live socket is sent again (same clientId). */
export const RESEND_AFTER_MS = 15_000;

/**
 * The judge's session: login token, the one socket to the server, the welcome snapshot,
 * this judge's saved marks, the locks and the outbox. Components read it; only this class
 * talks to the server.
 *
 * Invariants: a mark is "saved" only after the server's `mark.ack` (sent after the SQLite
 * commit); until then it sits in the outbox, which is committed to IndexedDB before the
 * first send and resent with the same clientId after every reconnect, so the server stores
 * it once. Every submit carries `seen`, the line's mark id this tablet last saw, so a write
 * never silently overwrites a mark the judge has not seen (`mark/stale`).
 */
export class JudgeSession {
  #token = $state<string | null>(null);
  #welcome = $state.raw<JudgeWelcome | null>(null);
  /** The competition as of the welcome or the latest `judge.update`. */
  #competition = $state.raw<CompetitionSummary | null>(null);
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
  /** markId → this judge's saved marks, current and superseded in this session. */
  #history = new SvelteMap<number, HistoryItem>();
  #rejected = new SvelteMap<string, Rejection>();
  #acks = new SvelteMap<string, MarkAck>();
  #locked = new SvelteSet<string>();
  /** The head judge's requests to score a line again this judge has not answered, oldest first. */
  #rescores = $state.raw<RescoreRequest[]>([]);
  #rescoreCells: Record<string, RescoreRequest> = $derived.by(() => {
    const out: Record<string, RescoreRequest> = {};
    for (const r of this.#rescores) out[cellKey(r.contestantId, r.sheetId)] = r;
    return out;
  });
  /** Voids of this judge's marks, oldest first (the server keeps them; `welcome.voided`). */
  #voided = $state.raw<VoidNotice[]>([]);
  /** Ids of the notices closed on this device: voided mark ids, re-score request ids. */
  #dismissed = {
    void: new SvelteSet<number>(),
    rescore: new SvelteSet<number>(),
  } satisfies Record<DismissedKind, SvelteSet<number>>;
  /** Stations whose panel measurements this judge records (`welcome.judge.records`). */
  #records = $state.raw<readonly string[]>([]);
  /** Station id → who records its panel's measurements. */
  #recorders = $state.raw<Record<string, OfficialName>>({});
  /** The recorders' current measurements on panels this judge does not record, by line. */
  #measurements = new SvelteMap<string, PanelMeasurement>();
  /** Official id → code and name, as far as this tablet knows them. */
  #names = new SvelteMap<number, OfficialName>();
  #loginError = $state<string | null>(null);
  #fatal = $state<string | null>(null);
  #notice = $state<string | null>(null);
  #storageOk = $state(true);
  /** Devices logged in with this login now, as the server last said (`judge.sessions`). */
  #devices = $state(1);
  /** Marks this tablet sent and the server acknowledged (newest last; storage.ts). */
  #sent: SentMark[] = [];

  #socket: LiveSocket<JudgeServerMessage> | null = null;
  readonly #store: OutboxDb;
  /** Bumped by every start and stop: an IndexedDB read of an earlier login is then ignored. */
  #generation = 0;
  #lastQueuedAt = 0;
  #lastError: string | null = null;
  // Bookkeeping no screen shows: deliberately not reactive.
  /** Entries whose IndexedDB write is in flight: not sent before it commits. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #writing = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #sentAt = new Map<string, number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<(clientId: string, outcome: Outcome) => void>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #welcomeListeners = new Set<() => void>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(store: OutboxDb = new OutboxDb()) {
    this.#store = store;
  }

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
    return this.#competition;
  }
  /**
   * Why no mark can be made now: `final` (results official) or `draft` (not started); null
   * while the competition is live or frozen (a freeze only concerns the public board).
   */
  get closed(): 'final' | 'draft' | null {
    const state = this.#competition?.state;
    return state === 'final' || state === 'draft' ? state : null;
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
  /** How the scheme rounds published values (version 2 `rounding.mode`; half-up by default). */
  get rounding(): RoundingMode {
    return this.#welcome ? totalsRules(this.#welcome.scheme).rounding.mode : 'half-up';
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
  /** The head judge's open requests to score a line again, oldest first. */
  get rescores(): readonly RescoreRequest[] {
    return this.#rescores;
  }
  /** The requests to show as banners: the newest per line, unless closed on this device. */
  get rescoreBanners(): RescoreRequest[] {
    return openRescores(this.#rescores, this.#dismissed.rescore);
  }
  /** The open request to score a contestant again on a sheet (the newest), if any. */
  rescoreOf(contestantId: number, sheetId: string): RescoreRequest | undefined {
    return this.#rescoreCells[cellKey(contestantId, sheetId)];
  }
  /** Closes a line's request banners; the line stays marked until a new mark is saved on it. */
  dismissRescore(contestantId: number, sheetId: string): void {
    const ids = rescoresOf(this.#rescores, contestantId, sheetId).map((r) => r.id);
    this.#dismiss('rescore', ids);
  }

  /** Voids of this judge's marks not closed on this device, newest first. */
  get voidNotices(): VoidNotice[] {
    return openVoids(this.#voided, this.#dismissed.void);
  }
  /** Closes a void notice for good on this device. */
  dismissVoid(markId: number): void {
    this.#dismiss('void', [markId]);
  }

  /** Whether this judge sends only the judgements of a sheet (another judge records the rest). */
  judgementOnly(sheet: Sheet): boolean {
    return isJudgementOnly(sheet, this.#records);
  }
  /** Whether this judge records the measurements of a panel sheet. */
  records(sheet: Sheet): boolean {
    return isRecorderOf(sheet, this.#records);
  }
  /** Who records a station's panel measurements, or null when nobody is named. */
  recorderOf(stationId: string): OfficialName | null {
    return this.#recorders[stationId] ?? null;
  }
  /** The recorder's current measurements of a line, if he has recorded any. */
  measurement(
    contestantId: number,
    sheetId: string,
    attempt: number,
  ): PanelMeasurement | undefined {
    return this.#measurements.get(lineKey(contestantId, sheetId, attempt));
  }
  /** An official's code and name, when this tablet knows them (this judge; a named author). */
  officialName(id: number): OfficialName | null {
    const judge = this.#welcome?.judge;
    if (judge && judge.id === id) return { code: judge.code, name: judge.name };
    return this.#names.get(id) ?? null;
  }
  /** This judge's saved marks on a sheet, newest first (superseded ones flagged). */
  history(sheetId: string): HistoryItem[] {
    return [...this.#history.values()]
      .filter((h) => h.sheetId === sheetId)
      .sort((a, b) => b.markId - a.markId);
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
  /** How many devices are logged in with this login (more than 1: the judge is told). */
  get devices() {
    return this.#devices;
  }

  /** Whether the server holds the mark sent with `clientId` (acknowledged, or in a welcome). */
  knowsSaved(clientId: string): boolean {
    if (this.#acks.has(clientId)) return true;
    for (const s of this.#saved.values()) if (s.clientId === clientId) return true;
    for (const h of this.#history.values()) if (h.clientId === clientId) return true;
    return false;
  }

  /**
   * Subscribes to welcomes (the cached one at start, then each of the server's), called once
   * the session holds it; returns the unsubscribe function.
   */
  onWelcome(listener: () => void): () => void {
    this.#welcomeListeners.add(listener);
    return () => this.#welcomeListeners.delete(listener);
  }

  /** Signs in with a token: stores it, restores this judge's outbox and cached welcome, connects. */
  start(token: string): void {
    this.#stop();
    this.#token = token;
    this.#loginError = null;
    this.#fatal = null;
    saveToken(token);
    this.#outbox = [];
    this.#sent = loadSent(token);
    clearLegacyRescores(token);
    for (const kind of ['void', 'rescore'] as const) {
      this.#dismissed[kind].clear();
      for (const id of loadDismissed(token, kind)) this.#dismissed[kind].add(id);
    }
    void this.#restoreOutbox(token, this.#generation);
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

  /** Signs out. Unsent marks stay in IndexedDB under this token and go out at the next login. */
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
   * The browser reports the network gone: drop the socket now (it would otherwise look open
   * until the heartbeat notices), so the tablet shows "reconnecting" and marks stay pending.
   */
  connectionLost(): void {
    if (this.#socket?.open) this.#socket.reconnectNow();
  }

  /**
   * Queues a mark: in the outbox at once (shown pending and counted), committed to IndexedDB,
   * then sent if the socket is ready; otherwise it goes out after the next welcome. A second
   * mark on a line whose first is still unanswered is a correction of it: it waits for that
   * ack (see OutboxEntry.after). Returns the clientId.
   */
  submit(mark: {
    contestantId: number;
    sheetId: string;
    attempt: number;
    values: Record<string, unknown>;
    reason?: string;
  }): string {
    const prior = this.pendingEntry(mark.contestantId, mark.sheetId, mark.attempt);
    const entry: OutboxEntry = {
      clientId: newClientId(),
      ...mark,
      ...(prior
        ? { after: prior.clientId }
        : { seen: this.#seenOf(mark.contestantId, mark.sheetId, mark.attempt) }),
      // Strictly increasing, so the stored outbox keeps the order the judge confirmed in.
      queuedAt: (this.#lastQueuedAt = Math.max(Date.now(), this.#lastQueuedAt + 1)),
    };
    this.#rejected.delete(lineKey(mark.contestantId, mark.sheetId, mark.attempt));
    this.#outbox = [...this.#outbox, entry];
    this.#persist(entry);
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
   * server; rescore while the head judge's request to score it again is open; saved once
   * every scheduled attempt has a saved mark.
   */
  lineState(c: JudgeContestant, sheet: Sheet): LineState {
    if (c.status !== 'active') return 'inactive';
    const cell = cellKey(c.id, sheet.id);
    if (this.#pendingCells[cell]) return 'pending';
    if (this.#locked.has(sheet.stationId)) return 'locked';
    if (this.#rescoreCells[cell]) return 'rescore';
    if ((this.#savedAttempts[cell]?.length ?? 0) >= this.attemptsOf(sheet)) return 'saved';
    return 'todo';
  }

  isLocked(sheet: Sheet): boolean {
    return this.#locked.has(sheet.stationId);
  }

  /** The line's mark on the server as a stale write reported it (undefined: no such report). */
  currentMark(
    contestantId: number,
    sheetId: string,
    attempt: number,
  ): CurrentMark | null | undefined {
    const r = this.#rejected.get(lineKey(contestantId, sheetId, attempt));
    return r?.code === 'mark/stale' ? (r.current ?? null) : undefined;
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
        // The server says how many devices share the login right after (judge.sessions).
        this.#devices = 1;
        this.#applyWelcome(m);
        this.#ready = true;
        this.#everReady = true;
        this.#loginError = null;
        this.#persistWelcome();
        // Forget closed notices the server no longer sends (answered requests, old voids).
        this.#pruneDismissed(
          'void',
          m.voided.map((v) => v.markId),
        );
        this.#pruneDismissed(
          'rescore',
          m.rescores.map((r) => r.id),
        );
        // Resend everything unanswered, oldest first (an outbox still being read from
        // IndexedDB is sent when the read completes).
        for (const e of this.#outbox) this.#send(e);
        return;
      }
      case 'judge.update':
        // The head judge locked or re-opened a station, or the course changed (freeze, final).
        this.#competition = m.competition;
        this.#setLocked(m.lockedStations);
        this.#persistWelcome();
        return;
      case 'mark.ack':
        this.#onAck(m);
        return;
      case 'judge.rescore': {
        // The head judge asks for a line to be scored again: kept until this judge marks it.
        if (!this.#welcome?.judge.sheets.includes(m.sheetId)) return;
        const { id, contestantId, bib, name, sheetId, reason, by, at } = m;
        const request = { id, contestantId, bib, name, sheetId, reason, by, at };
        this.#rescores = mergeRescores(this.#rescores, [request]);
        this.#persistWelcome();
        return;
      }
      case 'judge.voided':
        this.#onVoided(m.notice);
        return;
      case 'judge.sessions':
        this.#devices = Math.max(1, m.count);
        return;
      case 'judge.measurements':
        // A push for a whole contestant × sheet replaces what the tablet holds for it (a void
        // may have restored an older mark, or left none).
        if (m.scope)
          for (const [key, held] of this.#measurements)
            if (held.contestantId === m.scope.contestantId && held.sheetId === m.scope.sheetId)
              this.#measurements.delete(key);
        for (const item of m.items) this.#setMeasurement(item);
        this.#persistWelcome();
        return;
      case 'mark.reject': {
        const entry = this.#outbox.find((e) => e.clientId === m.clientId);
        if (!entry) return;
        // A refusal that does not mean "this mark is wrong" (a failed commit, a submit that
        // raced the login, a flood): the entry stays in the outbox and is sent again later.
        if (isRetryable(m.code)) {
          // Kept in the outbox; #resendStale sends it again.
          this.#notice = m.message;
          return;
        }
        this.#drop(entry);
        const rejection: Rejection = { entry, code: m.code, message: m.message };
        if (m.code === 'mark/stale') {
          rejection.current = m.current
            ? { markId: m.current.markId, values: m.current.values as SheetValues }
            : null;
          if (m.current) rejection.message = this.#staleMessage(entry, m.current);
        }
        this.#rejected.set(lineKey(entry.contestantId, entry.sheetId, entry.attempt), rejection);
        if (m.code === 'mark/station_locked') {
          const stationId = this.#index?.sheets.get(entry.sheetId)?.stationId;
          if (stationId) this.#locked.add(stationId);
        }
        if (RECORDER_CODES.has(m.code)) this.#recorderChanged(entry.sheetId, m.code);
        // A correction queued behind it goes out against what the line held before.
        this.#release(entry.clientId, entry.seen);
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
    this.#rememberSent({ clientId: m.clientId, markId: m.markId });
    this.#drop(entry);
    const sheet = this.#index?.sheets.get(entry.sheetId);
    const parsed = sheet ? parseSheetValues(sheet, entry.values) : null;
    if (parsed?.ok) {
      const key = lineKey(entry.contestantId, entry.sheetId, entry.attempt);
      const previous = this.#saved.get(key);
      if (previous && previous.markId !== m.markId) {
        const old = this.#history.get(previous.markId);
        if (old) this.#history.set(old.markId, { ...old, superseded: true });
      }
      const saved: SavedMark = {
        clientId: m.clientId,
        markId: m.markId,
        attempt: entry.attempt,
        values: parsed.values,
        at: this.#history.get(m.markId)?.at ?? entry.queuedAt,
        authorId: this.#welcome?.judge.id ?? null,
      };
      this.#saved.set(key, saved);
      this.#history.set(m.markId, {
        ...saved,
        contestantId: entry.contestantId,
        sheetId: entry.sheetId,
        superseded: false,
        voided: false,
      });
    }
    this.#release(entry.clientId, m.markId);
    // This judge's mark on the line answers the head judge's requests for it: every request
    // the tablet holds reached it before the ack, so it was made before the mark committed
    // (a resend answered as a duplicate may predate them: the next welcome says).
    if (!m.duplicate)
      this.#rescores = answerRescores(this.#rescores, entry.contestantId, entry.sheetId);
    this.#persistWelcome();
    this.#emit(m.clientId, { kind: 'ack', ack: m });
  }

  #rememberSent(mark: SentMark): void {
    if (!this.#token || this.#sent.some((s) => s.clientId === mark.clientId)) return;
    this.#sent = [...this.#sent, mark];
    this.#sent = saveSent(this.#token, this.#sent);
  }

  /**
   * Why a write was refused as stale, in the tablet's words: the server says "you" whenever
   * the line's mark is this judge's, also when he wrote it on another device. It is this
   * tablet's only when this tablet sent it (its clientId, or the mark id an ack gave here).
   */
  #staleMessage(entry: OutboxEntry, current: { markId: number; clientId?: unknown }): string {
    const mine = sentHere(this.#sent, current);
    const bib = this.contestants.find((c) => c.id === entry.contestantId)?.bib ?? '?';
    const sheet = this.#index?.sheets.get(entry.sheetId);
    const params = { bib, sheet: sheet ? L(sheet.label) : entry.sheetId };
    return t(mine ? 'stale.mine' : 'stale.other', params);
  }

  /**
   * The head judge voided one of this judge's marks: the notice is kept (the server sends it
   * with every welcome), and the line's saved mark follows the void — the mark it replaced is
   * current again, the next correction builds on it; with none, the line is to be scored.
   */
  #onVoided(notice: VoidNotice): void {
    this.#voided = mergeVoids(this.#voided, [notice]);
    const key = lineKey(notice.contestantId, notice.sheetId, notice.attempt);
    const held = this.#saved.get(key);
    const effect = voidEffect(held?.markId, notice);
    const voided = this.#history.get(notice.markId);
    if (voided && effect.kind !== 'keep')
      this.#history.set(notice.markId, { ...voided, superseded: false, voided: true });
    if (effect.kind === 'clear') this.#saved.delete(key);
    if (effect.kind === 'restore') {
      const known = this.#history.get(effect.markId);
      const sheet = this.#index?.sheets.get(notice.sheetId);
      const saved: SavedMark = {
        clientId: known?.clientId ?? '',
        markId: effect.markId,
        attempt: notice.attempt,
        values: effect.values as SheetValues,
        at: known?.at ?? null,
        // On a panel the line is this judge's own: he wrote what the void restores.
        authorId:
          known?.authorId ?? (sheet && sheet.judges > 1 ? (this.#welcome?.judge.id ?? null) : null),
      };
      this.#saved.set(key, saved);
      this.#history.set(effect.markId, {
        ...saved,
        contestantId: notice.contestantId,
        sheetId: notice.sheetId,
        superseded: false,
        voided: false,
      });
    }
    this.#persistWelcome();
  }

  #setMeasurement(item: PanelMeasurement): void {
    const key = lineKey(item.contestantId, item.sheetId, item.attempt);
    const held = this.#measurements.get(key);
    if (!held || held.markId <= item.markId) this.#measurements.set(key, item);
    // A recorder the tablet did not know of (named after this judge's welcome).
    const stationId = this.#index?.sheets.get(item.sheetId)?.stationId;
    if (stationId && !this.#recorders[stationId])
      this.#recorders = { ...this.#recorders, [stationId]: item.recorder };
  }

  /**
   * The server says who records a panel differs from what the tablet knew (the organiser
   * changed it since this judge's welcome): this judge does not record it (and, with
   * `mark/no_recorder`, nobody does). The form then takes judgements only; a fresh welcome
   * (a reconnect) brings the current recorder and his measurements.
   */
  #recorderChanged(sheetId: string, code: string): void {
    const stationId = this.#index?.sheets.get(sheetId)?.stationId;
    if (!stationId) return;
    this.#records = this.#records.filter((id) => id !== stationId);
    if (code === 'mark/no_recorder') {
      this.#recorders = Object.fromEntries(
        Object.entries(this.#recorders).filter(([id]) => id !== stationId),
      );
    }
    this.#socket?.reconnectNow();
  }

  #pruneDismissed(kind: DismissedKind, held: readonly number[]): void {
    const set = this.#dismissed[kind];
    const keep = pruneDismissed(set, held);
    if (keep.length === set.size) return;
    set.clear();
    for (const id of keep) set.add(id);
    if (this.#token) saveDismissed(this.#token, kind, keep);
  }

  #dismiss(kind: DismissedKind, ids: readonly number[]): void {
    const set = this.#dismissed[kind];
    const fresh = ids.filter((id) => !set.has(id));
    if (!fresh.length) return;
    for (const id of fresh) set.add(id);
    if (this.#token) saveDismissed(this.#token, kind, [...set]);
  }

  /** Sends the corrections that waited for `clientId`, now against mark `seen`. */
  #release(clientId: string, seen: number | null | undefined): void {
    const waiting = this.#outbox.filter((e) => e.after === clientId);
    if (!waiting.length) return;
    const released = waiting.map(({ after: _, ...e }): OutboxEntry => ({
      ...e,
      ...(seen !== undefined ? { seen } : {}),
    }));
    this.#outbox = this.#outbox.map((e) => released.find((r) => r.clientId === e.clientId) ?? e);
    this.#persist(...released);
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

  /**
   * Takes a welcome (the server's, or the cached one at start). The history keeps the times
   * this tablet knew and the marks superseded in this session; a mark the server no longer
   * holds as current (voided, or corrected on another device) is dropped or flagged.
   */
  #applyWelcome(w: JudgeWelcome): void {
    this.#welcome = w;
    this.#competition = w.competition;
    // Fields a welcome cached by an older page may lack.
    this.#records = w.judge.records ?? [];
    this.#recorders = w.recorders ?? {};
    this.#measurements.clear();
    for (const item of w.measurements ?? []) this.#setMeasurement(item);
    this.#voided = mergeVoids([], w.voided ?? []);
    this.#rescores = mergeRescores([], w.rescores ?? []);
    this.#saved.clear();
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const current = new Set<number>();
    for (const m of w.marks as CachedMark[]) {
      if (m.author && typeof m.authorId === 'number') this.#names.set(m.authorId, m.author);
      const known = this.#history.get(m.markId);
      const saved: SavedMark = {
        clientId: m.clientId,
        markId: m.markId,
        attempt: m.attempt ?? 1,
        values: m.values as SheetValues,
        at: m.at ?? known?.at ?? (Date.parse(m.createdAt ?? '') || null),
        authorId: m.authorId ?? known?.authorId ?? w.judge.id,
      };
      this.#saved.set(lineKey(m.contestantId, m.sheetId, saved.attempt), saved);
      this.#history.set(m.markId, {
        ...saved,
        contestantId: m.contestantId,
        sheetId: m.sheetId,
        superseded: known?.superseded ?? false,
        voided: false,
      });
      current.add(m.markId);
    }
    for (const h of [...this.#history.values()]) {
      if (current.has(h.markId) || h.superseded || h.voided) continue;
      const head = this.#saved.get(lineKey(h.contestantId, h.sheetId, h.attempt));
      if (head && head.markId > h.markId) this.#history.set(h.markId, { ...h, superseded: true });
      else this.#history.delete(h.markId);
    }
    this.#setLocked(w.lockedStations);
    // What listens (the desk's drafts) must never keep the judge from getting ready.
    for (const l of this.#welcomeListeners)
      try {
        l();
      } catch (err) {
        console.error(err);
      }
  }

  #setLocked(ids: readonly string[]): void {
    for (const id of [...this.#locked]) if (!ids.includes(id)) this.#locked.delete(id);
    for (const id of ids) this.#locked.add(id);
  }

  /** Caches the welcome with this judge's current saved marks, for a reload while offline. */
  #persistWelcome(): void {
    if (!this.#token || !this.#welcome || !this.#competition) return;
    const marks: CachedMark[] = [...this.#history.values()]
      .filter((h) => !h.superseded && !h.voided)
      .map(({ superseded: _, voided: __, ...h }) => {
        const author = h.authorId === null ? undefined : this.#names.get(h.authorId);
        return {
          ...h,
          ...(author ? { author } : {}),
          // A plain value for the cache, not reactive state.
          // eslint-disable-next-line svelte/prefer-svelte-reactivity
          createdAt: h.at === null ? '' : new Date(h.at).toISOString(),
        };
      });
    saveWelcome(this.#token, {
      ...this.#welcome,
      judge: { ...this.#welcome.judge, records: [...this.#records] },
      competition: this.#competition,
      marks: marks as OwnMark[],
      lockedStations: [...this.#locked],
      recorders: this.#recorders,
      measurements: [...this.#measurements.values()],
      voided: this.#voided,
      rescores: this.#rescores,
    });
  }

  /**
   * The line's mark id this tablet last saw: what a stale write reported as current, else
   * this judge's saved mark; null when it saw none.
   */
  #seenOf(contestantId: number, sheetId: string, attempt: number): number | null {
    const current = this.currentMark(contestantId, sheetId, attempt);
    if (current !== undefined) return current?.markId ?? null;
    return this.#saved.get(lineKey(contestantId, sheetId, attempt))?.markId ?? null;
  }

  #send(e: OutboxEntry): void {
    // Not before it is committed to IndexedDB (#persist sends it then).
    if (this.#writing.has(e.clientId)) return;
    let seen = e.seen;
    if (e.after) {
      // A correction waits for the ack of the entry it corrects (#release sends it).
      if (this.#outbox.some((x) => x.clientId === e.after)) return;
      seen = this.#seenOf(e.contestantId, e.sheetId, e.attempt);
    }
    const msg: MarkSubmit = {
      type: 'mark.submit',
      clientId: e.clientId,
      contestantId: e.contestantId,
      sheetId: e.sheetId,
      attempt: e.attempt,
      values: e.values as MarkSubmit['values'],
      ...(seen !== undefined ? { seen } : {}),
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

  /**
   * Commits entries to IndexedDB, then sends those still unanswered. When the browser will
   * not store them they stay in memory and go out anyway; the page warns that a reload would
   * lose them.
   */
  #persist(...entries: OutboxEntry[]): void {
    const token = this.#token;
    if (!token) return;
    const generation = this.#generation;
    for (const e of entries) this.#writing.add(e.clientId);
    this.#store.put(tokenFingerprint(token), entries).then(
      () => this.#afterWrite(entries, generation, true),
      () => this.#afterWrite(entries, generation, false),
    );
  }

  #afterWrite(entries: OutboxEntry[], generation: number, ok: boolean): void {
    for (const e of entries) this.#writing.delete(e.clientId);
    if (generation !== this.#generation) return;
    this.#storageOk = ok;
    if (!this.#ready) return;
    for (const e of entries) {
      const now = this.#outbox.find((x) => x.clientId === e.clientId);
      if (now) this.#send(now);
    }
  }

  /** Takes an answered entry out of the outbox (memory and IndexedDB). */
  #drop(entry: OutboxEntry): void {
    this.#outbox = this.#outbox.filter((e) => e.clientId !== entry.clientId);
    this.#sentAt.delete(entry.clientId);
    this.#store.delete(entry.clientId).catch(() => {
      // Left behind, it is resent at the next start and answered as a duplicate: harmless.
    });
  }

  /**
   * Reads this token's outbox from IndexedDB, first moving in what an older page left in
   * localStorage (once: keyed by clientId, so a repeat cannot duplicate, and the old key is
   * removed after the commit). Entries confirmed meanwhile stay after the stored ones.
   */
  async #restoreOutbox(token: string, generation: number): Promise<void> {
    const owner = tokenFingerprint(token);
    const legacy = loadLegacyOutbox(token);
    let stored: OutboxEntry[];
    let ok = true;
    try {
      if (legacy.length) {
        await this.#store.put(owner, legacy);
        clearLegacyOutbox(token);
      }
      stored = await this.#store.load(owner);
    } catch {
      stored = legacy;
      ok = false;
    }
    if (generation !== this.#generation) return;
    this.#storageOk = ok;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
    const ids = new Set(stored.map((e) => e.clientId));
    this.#outbox = [...stored, ...this.#outbox.filter((e) => !ids.has(e.clientId))];
    for (const e of stored) this.#lastQueuedAt = Math.max(this.#lastQueuedAt, e.queuedAt);
    if (this.#ready) for (const e of stored) this.#send(e);
  }

  #emit(clientId: string, outcome: Outcome): void {
    for (const l of this.#listeners) l(clientId, outcome);
  }

  #stop(): void {
    this.#generation++;
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
    this.#competition = null;
    this.#saved.clear();
    this.#history.clear();
    this.#outbox = [];
    this.#rejected.clear();
    this.#acks.clear();
    this.#locked.clear();
    this.#rescores = [];
    this.#voided = [];
    this.#records = [];
    this.#recorders = {};
    this.#measurements.clear();
    this.#names.clear();
    for (const set of Object.values(this.#dismissed)) set.clear();
    this.#everReady = false;
    this.#notice = null;
    this.#devices = 1;
    this.#sent = [];
  }
}
