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
  MarkReject,
  OfficialName,
  OwnMark,
  PanelMeasurement,
  RescoreRequest,
  VoidNotice,
} from '#protocol';
import { CloseCode } from '../server/protocol/constants.ts';
import { newClientId } from './client-id.ts';
import { JudgeLink } from './link.ts';
import {
  currentMark,
  emptyOutbox,
  lineKey,
  pendingEntry,
  step,
  type CurrentMark,
  type OutboxEffect,
  type OutboxEvent,
  type OutboxState,
  type Rejection,
} from './outbox.ts';
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
import { WatchedMap, WatchedSet } from './watched.svelte.ts';
import { refusalWords } from './refusal-words.ts';
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

export type { CurrentMark, Rejection } from './outbox.ts';

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

export type Outcome = { kind: 'ack'; ack: MarkAck } | { kind: 'reject'; rejection: Rejection };

/** Contestant × sheet, every attempt. */
const cellKey = (contestantId: number, sheetId: string) => `${contestantId}:${sheetId}`;

/**
 * The judge's session: login token, the welcome snapshot, this judge's saved marks, the locks
 * and the outbox, as reactive state the components read. It wires two parts to the page: the
 * outbox reducer (outbox.ts: what is sent, kept, dropped; who records a panel) and the link
 * (link.ts: the one socket to the server). Each server frame and storage answer becomes an
 * event of the reducer; the session runs the effects it returns (send, store, notices).
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
  #everReady = $state(false);
  /** The outbox reducer's state (outbox.ts), replaced by every step. */
  #box = $state.raw<OutboxState>(emptyOutbox);
  // Reactive collections, mutated in place; each read subscribes to what it reads.
  #saved = new WatchedMap<string, SavedMark>();
  /** markId → this judge's saved marks, current and superseded in this session. */
  #history = new WatchedMap<number, HistoryItem>();
  #locked = new WatchedSet<string>();
  /** The head judge's requests to score a line again this judge has not answered, oldest first. */
  #rescores = $state.raw<RescoreRequest[]>([]);
  /** Voids of this judge's marks, oldest first (the server keeps them; `welcome.voided`). */
  #voided = $state.raw<VoidNotice[]>([]);
  /** Ids of the notices closed on this device: voided mark ids, re-score request ids. */
  #dismissed = {
    void: new WatchedSet<number>(),
    rescore: new WatchedSet<number>(),
  } satisfies Record<DismissedKind, WatchedSet<number>>;
  /** Official id → code and name, as far as this tablet knows them. */
  #names = new WatchedMap<number, OfficialName>();
  #loginError = $state<string | null>(null);
  #fatal = $state<string | null>(null);
  #notice = $state<string | null>(null);
  /** Devices logged in with this login now, as the server last said (`judge.sessions`). */
  #devices = $state(1);
  /** Marks this tablet sent and the server acknowledged (newest last; storage.ts). */
  #sent: SentMark[] = [];

  #link: JudgeLink | null = null;
  readonly #store: OutboxDb;
  /** Bumped by every start and stop: an IndexedDB answer of an earlier login is then ignored. */
  #generation = 0;
  #lastError: string | null = null;
  // Bookkeeping no screen shows: deliberately not reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<(clientId: string, outcome: Outcome) => void>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #welcomeListeners = new Set<() => void>();

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
    if (this.#box.ready) return 'ready';
    return this.#everReady ? 'reconnecting' : 'connecting';
  }
  get unsentCount() {
    return this.#box.entries.length;
  }
  get rejections(): Rejection[] {
    return Object.values(this.#box.rejected);
  }
  /** The requests to show as banners: the newest per line, unless closed on this device. */
  get rescoreBanners(): RescoreRequest[] {
    return openRescores(this.#rescores, this.#dismissed.rescore);
  }
  /** The open request to score a contestant again on a sheet (the newest), if any. */
  rescoreOf(contestantId: number, sheetId: string): RescoreRequest | undefined {
    return rescoresOf(this.#rescores, contestantId, sheetId).at(-1);
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
    return isJudgementOnly(sheet, this.#box.records);
  }
  /** Whether this judge records the measurements of a panel sheet. */
  records(sheet: Sheet): boolean {
    return isRecorderOf(sheet, this.#box.records);
  }
  /** Who records a station's panel measurements, or null when nobody is named. */
  recorderOf(stationId: string): OfficialName | null {
    return this.#box.recorders[stationId] ?? null;
  }
  /** The recorder's current measurements of a line, if he has recorded any. */
  measurement(
    contestantId: number,
    sheetId: string,
    attempt: number,
  ): PanelMeasurement | undefined {
    return this.#box.measurements[lineKey(contestantId, sheetId, attempt)];
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
    return this.#box.storageOk;
  }
  /** How many devices are logged in with this login (more than 1: the judge is told). */
  get devices() {
    return this.#devices;
  }

  /** Whether the server holds the mark sent with `clientId` (acknowledged, or in a welcome). */
  knowsSaved(clientId: string): boolean {
    if (clientId in this.#box.acks) return true;
    // Every saved mark is in the history too.
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
    this.#box = { ...this.#box, entries: [], writing: [] };
    this.#sent = loadSent(token);
    clearLegacyRescores(token);
    for (const kind of ['void', 'rescore'] as const) {
      this.#dismissed[kind].clear();
      for (const id of loadDismissed(token, kind)) this.#dismissed[kind].add(id);
    }
    void this.#restoreOutbox(token, this.#generation);
    const cached = loadWelcome(token);
    if (cached) this.#applyWelcome(cached, false);
    this.#everReady = cached !== null;
    this.#link = new JudgeLink({
      token,
      onMessage: (m) => this.#onMessage(m),
      onState: (s) => {
        if (s !== 'open' && this.#box.ready) this.#dispatch({ type: 'down' });
      },
      onFatal: (code) => this.#onFatal(code),
      onTick: () => this.#dispatch({ type: 'tick' }),
    });
  }

  /** Signs out. Unsent marks stay in IndexedDB under this token and go out at the next login. */
  logout(): void {
    if (this.#token) saveWelcome(this.#token, null);
    this.#stop();
    saveToken(null);
    this.#token = null;
    this.#reset();
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
    const clientId = newClientId();
    this.#dispatch({ type: 'queue', mark: { clientId, ...mark } });
    return clientId;
  }

  /** Attempts (runs) a station gives each contestant by the scheme; re-runs add more. */
  attemptsOf(sheet: Sheet): number {
    return this.#index?.stations.get(sheet.stationId)?.station.attempts?.count ?? 1;
  }

  /** Attempts of a contestant × sheet this judge has saved, ascending. */
  savedAttempts(contestantId: number, sheetId: string): number[] {
    const cell = cellKey(contestantId, sheetId);
    const out: number[] = [];
    for (const [key, s] of this.#saved)
      if (key.slice(0, key.lastIndexOf(':')) === cell) out.push(s.attempt);
    return out.sort((a, b) => a - b);
  }

  /**
   * The queue state of a contestant on a sheet: pending while any entry waits for the
   * server; rescore while the head judge's request to score it again is open; saved once
   * every scheduled attempt has a saved mark.
   */
  lineState(c: JudgeContestant, sheet: Sheet): LineState {
    if (c.status !== 'active') return 'inactive';
    if (pendingEntry(this.#box.entries, c.id, sheet.id)) return 'pending';
    if (this.#locked.has(sheet.stationId)) return 'locked';
    if (this.rescoreOf(c.id, sheet.id)) return 'rescore';
    if (this.savedAttempts(c.id, sheet.id).length >= this.attemptsOf(sheet)) return 'saved';
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
    return currentMark(this.#box, contestantId, sheetId, attempt);
  }

  savedMark(contestantId: number, sheetId: string, attempt: number): SavedMark | undefined {
    return this.#saved.get(lineKey(contestantId, sheetId, attempt));
  }

  /** The newest unacknowledged entry of a line (any attempt when `attempt` is omitted). */
  pendingEntry(contestantId: number, sheetId: string, attempt?: number): OutboxEntry | undefined {
    return pendingEntry(this.#box.entries, contestantId, sheetId, attempt);
  }

  /** The rejection of a line (any attempt when `attempt` is omitted). */
  rejection(contestantId: number, sheetId: string, attempt?: number): Rejection | undefined {
    if (attempt !== undefined) return this.#box.rejected[lineKey(contestantId, sheetId, attempt)];
    return this.rejections.find(
      (r) => r.entry.contestantId === contestantId && r.entry.sheetId === sheetId,
    );
  }

  /** Where one submitted mark stands: in the outbox, acknowledged, or rejected. */
  entryStatus(clientId: string): 'pending' | 'saved' | 'rejected' | 'unknown' {
    if (this.#box.entries.some((e) => e.clientId === clientId)) return 'pending';
    if (clientId in this.#box.acks) return 'saved';
    return this.rejectionOf(clientId) ? 'rejected' : 'unknown';
  }

  ack(clientId: string): MarkAck | undefined {
    return this.#box.acks[clientId];
  }

  rejectionOf(clientId: string): Rejection | undefined {
    return this.rejections.find((r) => r.entry.clientId === clientId);
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
        this.#everReady = true;
        // Everything unanswered goes out again, oldest first (the outbox reducer).
        this.#applyWelcome(m, true);
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
        return;
      }
      case 'judge.update':
        // The head judge locked or re-opened a station, or the course changed (freeze, final).
        this.#competition = m.competition;
        this.#setLocked(m.lockedStations);
        this.#persistWelcome();
        return;
      case 'mark.ack':
        this.#dispatch(m);
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
        this.#dispatch(m);
        this.#persistWelcome();
        return;
      case 'mark.reject':
        // The outbox keeps what the judge reads.
        this.#dispatch({ ...m, message: this.#rejectionWords(m) });
        return;
      case 'error':
        this.#lastError = refusalWords(m);
        if (this.#box.ready) this.#notice = this.#lastError;
        return;
      case 'pong':
        return;
    }
  }

  /** One step of the outbox reducer (outbox.ts), then its effects, in order. */
  #dispatch(event: OutboxEvent): void {
    const { state, effects } = step(this.#box, event, {
      now: Date.now(),
      savedMarkId: (c, s, a) => this.#saved.get(lineKey(c, s, a))?.markId ?? null,
      stationOf: (sheetId) => this.#index?.sheets.get(sheetId)?.stationId,
    });
    // The state is in place before any effect runs: a listener may dispatch again.
    this.#box = state;
    for (const e of effects) this.#run(e);
  }

  #run(e: OutboxEffect): void {
    switch (e.kind) {
      case 'send':
        this.#link?.send(e.message);
        return;
      case 'store':
        this.#persist(e.entries);
        return;
      case 'notice':
        // Kept in the outbox; the next tick sends it again.
        this.#notice = refusalWords(e);
        return;
      case 'acked':
        this.#forget(e.entry);
        this.#onAcked(e.entry, e.ack);
        return;
      case 'rejected': {
        const { rejection } = e;
        this.#forget(rejection.entry);
        if (rejection.code === 'mark/station_locked') {
          const stationId = this.#index?.sheets.get(rejection.entry.sheetId)?.stationId;
          if (stationId) this.#locked.add(stationId);
        }
        this.#emit(rejection.entry.clientId, { kind: 'reject', rejection });
        return;
      }
      case 'reconnect':
        // A fresh welcome brings the panel's current recorder and his measurements.
        this.#link?.renew();
        return;
    }
  }

  /** Deletes an answered entry from IndexedDB. */
  #forget(entry: OutboxEntry): void {
    this.#store.delete(entry.clientId).catch(() => {
      // Left behind, it is resent at the next start and answered as a duplicate: harmless.
    });
  }

  /**
   * What the judge reads of a refusal: its code in the page's language (refusal-words.ts), or
   * the tablet's words for a stale write.
   */
  #rejectionWords(m: MarkReject): string {
    const entry = this.#box.entries.find((e) => e.clientId === m.clientId);
    return m.code === 'mark/stale' && m.current && entry
      ? this.#staleMessage(entry, m.current)
      : refusalWords(m);
  }

  #onAcked(entry: OutboxEntry, m: MarkAck): void {
    this.#rememberSent({ clientId: m.clientId, markId: m.markId });
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
    return (mine ? t.stale.mine : t.stale.other)(bib, sheet ? L(sheet.label) : entry.sheetId);
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

  #onFatal(code: number): void {
    const serverMessage = this.#lastError;
    this.#stop();
    if (code === CloseCode.protocolMismatch) {
      this.#fatal = t.login.protocol;
      return;
    }
    // Unknown or revoked token: forget it and go back to the login screen. The outbox stays
    // stored under the token, so nothing typed is destroyed by a mistyped code.
    this.#loginError = serverMessage ?? t.login.invalid;
    this.logout();
  }

  /**
   * Takes a welcome (the server's, or the cached one at start). The history keeps the times
   * this tablet knew and the marks superseded in this session; a mark the server no longer
   * holds as current (voided, or corrected on another device) is dropped or flagged.
   */
  #applyWelcome(w: JudgeWelcome, live: boolean): void {
    this.#welcome = w;
    this.#competition = w.competition;
    // Fields a welcome cached by an older page may lack.
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
    // Who records the panels; on the server's own welcome, the outbox goes out again.
    this.#dispatch({ type: 'welcome', welcome: w, live });
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
      judge: { ...this.#welcome.judge, records: [...this.#box.records] },
      competition: this.#competition,
      marks: marks as OwnMark[],
      lockedStations: [...this.#locked],
      recorders: { ...this.#box.recorders },
      measurements: Object.values(this.#box.measurements),
      voided: this.#voided,
      rescores: this.#rescores,
    });
  }

  /** Commits entries to IndexedDB; the outbox sends them once the write settles. */
  #persist(entries: OutboxEntry[]): void {
    const token = this.#token;
    const generation = this.#generation;
    const clientIds = entries.map((e) => e.clientId);
    // When the browser will not store them they go out anyway; the page warns that a reload
    // would lose them.
    const done = (ok: boolean) => {
      if (generation === this.#generation) this.#dispatch({ type: 'stored', clientIds, ok });
    };
    if (token)
      this.#store.put(tokenFingerprint(token), entries).then(
        () => done(true),
        () => done(false),
      );
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
    if (generation === this.#generation) this.#dispatch({ type: 'restored', entries: stored, ok });
  }

  #emit(clientId: string, outcome: Outcome): void {
    for (const l of this.#listeners) l(clientId, outcome);
  }

  #stop(): void {
    this.#generation++;
    this.#link?.close();
    this.#link = null;
    this.#box = { ...this.#box, ready: false, sentAt: {} };
    this.#lastError = null;
  }

  #reset(): void {
    this.#welcome = null;
    this.#competition = null;
    this.#saved.clear();
    this.#history.clear();
    this.#box = emptyOutbox;
    this.#locked.clear();
    this.#rescores = [];
    this.#voided = [];
    this.#names.clear();
    for (const set of Object.values(this.#dismissed)) set.clear();
    this.#everReady = false;
    this.#notice = null;
    this.#devices = 1;
    this.#sent = [];
  }
}
