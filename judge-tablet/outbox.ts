import type { SheetValues } from '#engine';
import type {
  JudgeMeasurements,
  JudgeWelcome,
  MarkAck,
  MarkReject,
  MarkSubmit,
  OfficialName,
  PanelMeasurement,
} from '#protocol';
import { isRetryable } from '../server/protocol/errors.ts';
import type { OutboxEntry } from './storage.ts';

/**
 * The judge tablet's outbox as a pure reducer (functional core, imperative shell):
 * `step(state, event, ctx) → { state, effects }`. No timer, socket, storage or DOM: the
 * session (session.svelte.ts) runs the effects — it sends through the link (link.ts), writes
 * IndexedDB, shows notices — and feeds what happens back in as events; time comes in as
 * `ctx.now`.
 *
 * Rules (docs/protocol.md): a mark is saved only on the server's `mark.ack`; until then it
 * stays in the outbox, is committed to IndexedDB before its first send, and is sent again with
 * the same clientId after every welcome and when unanswered for {@link RESEND_AFTER_MS}. A
 * retryable refusal (server/protocol/errors.ts `isRetryable`) keeps it; a final one drops it
 * and holds the refusal on its line. A correction of an entry still unanswered waits for that
 * answer (`after`). Who records a panel follows the server's latest word, whichever of a
 * refusal and a welcome arrives first.
 */

/** An outbox entry unanswered this long on a live socket is sent again (same clientId). */
export const RESEND_AFTER_MS = 15_000;

/** One judge's line: contestant × sheet × attempt (run). */
export const lineKey = (contestantId: number, sheetId: string, attempt: number) =>
  `${contestantId}:${sheetId}:${attempt}`;

/** The line's mark on the server when a write was refused as stale (`mark/stale`). */
export interface CurrentMark {
  markId: number;
  /** Parsed values (SheetValues, milli-points), as the server stores them. */
  values: SheetValues;
}

/** A final refusal of one entry, held on its line until the judge marks the line again. */
export interface Rejection {
  entry: OutboxEntry;
  code: string;
  /** What the judge reads (the server's message, or the session's words for a stale write). */
  message: string;
  /** With `mark/stale`: the line's current mark; null when it was voided. */
  current?: CurrentMark | null;
}

/** Rejections that mean the tablet's idea of who records a panel is out of date. */
const RECORDER_CODES: readonly string[] = ['mark/not_recorder', 'mark/no_recorder'];

export interface OutboxState {
  /** Unanswered entries in the order the judge confirmed them (queuedAt ascending). */
  readonly entries: readonly OutboxEntry[];
  /** clientIds whose IndexedDB write is in flight: not sent before it commits. */
  readonly writing: readonly string[];
  /** clientId → when it was last sent (ms since epoch). */
  readonly sentAt: Readonly<Record<string, number>>;
  /** The server welcomed the current socket: marks can be sent. */
  readonly ready: boolean;
  /** Whether the browser stored the last write (false: a reload would lose the outbox). */
  readonly storageOk: boolean;
  /** The latest queuedAt given (ms since epoch): each new one is strictly greater. */
  readonly lastQueuedAt: number;
  /** lineKey → the final refusal of the line's latest entry. */
  readonly rejected: Readonly<Record<string, Rejection>>;
  /** clientId → the server's ack. */
  readonly acks: Readonly<Record<string, MarkAck>>;
  /** Stations whose panel measurements this judge records (`welcome.judge.records`). */
  readonly records: readonly string[];
  /** Station id → who records its panel's measurements. */
  readonly recorders: Readonly<Record<string, OfficialName>>;
  /** lineKey → the recorder's current measurements on a panel this judge does not record. */
  readonly measurements: Readonly<Record<string, PanelMeasurement>>;
}

/** A session's state before anything is restored or welcomed. */
export const emptyOutbox: OutboxState = {
  entries: [],
  writing: [],
  sentAt: {},
  ready: false,
  storageOk: true,
  lastQueuedAt: 0,
  rejected: {},
  acks: {},
  records: [],
  recorders: {},
  measurements: {},
};

/** A mark the judge confirmed, before the outbox gives it its place (`seen`, `after`, `queuedAt`). */
export type NewMark = Pick<
  OutboxEntry,
  'clientId' | 'contestantId' | 'sheetId' | 'attempt' | 'values' | 'reason'
>;

export type OutboxEvent =
  /** The judge confirmed a mark. */
  | { type: 'queue'; mark: NewMark }
  /** An IndexedDB write of these entries settled (`ok`: committed). */
  | { type: 'stored'; clientIds: readonly string[]; ok: boolean }
  /** The stored outbox was read at start (`ok`: IndexedDB answered). */
  | { type: 'restored'; entries: readonly OutboxEntry[]; ok: boolean }
  /** A welcome: the server's on this socket (`live`), or the one cached at start. */
  | { type: 'welcome'; welcome: WelcomePanel; live: boolean }
  /** The socket is no longer the welcomed one (closed, dropped, connecting again). */
  | { type: 'down' }
  /** The server's frames, as sent; a refusal's `message` is what the judge reads (its words). */
  | MarkAck
  | MarkReject
  | JudgeMeasurements
  /** A periodic check: entries unanswered for RESEND_AFTER_MS go out again. */
  | { type: 'tick' };

/** What a welcome says of panels; fields a welcome cached by an older page may lack. */
export type WelcomePanel = {
  judge: Pick<JudgeWelcome['judge'], 'records'> | { records?: string[] };
  recorders?: JudgeWelcome['recorders'];
  measurements?: JudgeWelcome['measurements'];
};

export type OutboxEffect =
  /** Send this frame on the welcomed socket. */
  | { kind: 'send'; message: MarkSubmit }
  /** Commit these entries to IndexedDB, then report `stored`. */
  | { kind: 'store'; entries: OutboxEntry[] }
  /**
   * A passing notice: a retryable refusal, its code and parameters (the page words them); the
   * mark stays and goes out again.
   */
  | { kind: 'notice'; code: string; params?: unknown; message: string }
  /** The server holds the entry (`ack`); it has left the outbox: delete it from IndexedDB. */
  | { kind: 'acked'; entry: OutboxEntry; ack: MarkAck }
  /** The server refused the entry for good; it has left the outbox: delete it from IndexedDB. */
  | { kind: 'rejected'; rejection: Rejection }
  /** Who records a panel changed: connect again at once for a fresh welcome. */
  | { kind: 'reconnect' };

/** What a step reads of the world: the time and this judge's saved marks. */
export interface OutboxContext {
  /** ms since epoch. */
  now: number;
  /** The mark id of this judge's saved mark on a line, null when none. */
  savedMarkId(contestantId: number, sheetId: string, attempt: number): number | null;
  /** The station of a sheet (scheme index), undefined for an unknown sheet. */
  stationOf(sheetId: string): string | undefined;
}

export interface OutboxStep {
  state: OutboxState;
  effects: OutboxEffect[];
}

/** The line's mark on the server as a stale write reported it (undefined: no such report). */
export function currentMark(
  state: OutboxState,
  contestantId: number,
  sheetId: string,
  attempt: number,
): CurrentMark | null | undefined {
  const r = state.rejected[lineKey(contestantId, sheetId, attempt)];
  return r?.code === 'mark/stale' ? (r.current ?? null) : undefined;
}

/**
 * The line's mark id this tablet last saw: what a stale write reported as current, else this
 * judge's saved mark; null when it saw none. Sent as `mark.submit.seen`.
 */
export function seenOf(
  state: OutboxState,
  ctx: OutboxContext,
  contestantId: number,
  sheetId: string,
  attempt: number,
): number | null {
  const current = currentMark(state, contestantId, sheetId, attempt);
  if (current !== undefined) return current?.markId ?? null;
  return ctx.savedMarkId(contestantId, sheetId, attempt);
}

/** The newest unanswered entry of a line (any attempt when `attempt` is omitted). */
export function pendingEntry(
  entries: readonly OutboxEntry[],
  contestantId: number,
  sheetId: string,
  attempt?: number,
): OutboxEntry | undefined {
  let last: OutboxEntry | undefined;
  for (const e of entries)
    if (
      e.contestantId === contestantId &&
      e.sheetId === sheetId &&
      (attempt === undefined || e.attempt === attempt)
    )
      last = e;
  return last;
}

/** A copy of `record` without `key`. */
const without = <T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> => {
  const rest = { ...record };
  delete rest[key];
  return rest;
};

/** A measurement is kept unless an older mark's (by markId) replaces it. */
function setMeasurement(
  held: Record<string, PanelMeasurement>,
  item: PanelMeasurement,
): Record<string, PanelMeasurement> {
  const key = lineKey(item.contestantId, item.sheetId, item.attempt);
  const old = held[key];
  return !old || old.markId <= item.markId ? { ...held, [key]: item } : held;
}

/**
 * One step of the outbox. Pure: the same state, event and context always give the same
 * result; `effects` are for the caller to run in order.
 */
export function step(state: OutboxState, event: OutboxEvent, ctx: OutboxContext): OutboxStep {
  const effects: OutboxEffect[] = [];
  // A shallow copy: each field is replaced, never changed in place.
  const s: { -readonly [K in keyof OutboxState]: OutboxState[K] } = { ...state };

  /** The frame for an entry, or null while it must wait (not ready, being written, after another). */
  const submit = (e: OutboxEntry): MarkSubmit | null => {
    if (!s.ready || s.writing.includes(e.clientId)) return null;
    let seen = e.seen;
    if (e.after) {
      // A correction waits for the answer to the entry it corrects (release sends it).
      if (s.entries.some((x) => x.clientId === e.after)) return null;
      seen = seenOf(s, ctx, e.contestantId, e.sheetId, e.attempt);
    }
    return {
      type: 'mark.submit',
      clientId: e.clientId,
      contestantId: e.contestantId,
      sheetId: e.sheetId,
      attempt: e.attempt,
      values: e.values as MarkSubmit['values'],
      ...(seen !== undefined ? { seen } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
    };
  };
  const send = (list: readonly OutboxEntry[], due: (e: OutboxEntry) => boolean = () => true) => {
    const sentAt = { ...s.sentAt };
    for (const e of list) {
      const message = due(e) ? submit(e) : null;
      if (!message) continue;
      sentAt[e.clientId] = ctx.now;
      effects.push({ kind: 'send', message });
    }
    s.sentAt = sentAt;
  };
  const store = (entries: OutboxEntry[]) => {
    s.writing = [...s.writing, ...entries.map((e) => e.clientId)];
    effects.push({ kind: 'store', entries });
  };
  /** Takes an answered entry out (acked or rejected: the caller deletes it from IndexedDB). */
  const drop = (entry: OutboxEntry) => {
    s.entries = s.entries.filter((e) => e.clientId !== entry.clientId);
    s.sentAt = without(s.sentAt, entry.clientId);
  };
  /** The corrections that waited for `clientId` go out against mark `seen`. */
  const release = (clientId: string, seen: number | null | undefined) => {
    const released = s.entries
      .filter((e) => e.after === clientId)
      .map(({ after: _, ...e }): OutboxEntry => ({
        ...e,
        ...(seen !== undefined ? { seen } : {}),
      }));
    if (!released.length) return;
    s.entries = s.entries.map((e) => released.find((r) => r.clientId === e.clientId) ?? e);
    store(released);
  };

  switch (event.type) {
    case 'queue': {
      const { mark } = event;
      const prior = pendingEntry(s.entries, mark.contestantId, mark.sheetId, mark.attempt);
      // Strictly increasing, so the stored outbox keeps the order the judge confirmed in.
      const queuedAt = Math.max(ctx.now, s.lastQueuedAt + 1);
      const entry: OutboxEntry = {
        ...mark,
        ...(prior
          ? { after: prior.clientId }
          : { seen: seenOf(s, ctx, mark.contestantId, mark.sheetId, mark.attempt) }),
        queuedAt,
      };
      s.entries = [...s.entries, entry];
      s.lastQueuedAt = queuedAt;
      s.rejected = without(s.rejected, lineKey(mark.contestantId, mark.sheetId, mark.attempt));
      store([entry]);
      break;
    }
    case 'stored': {
      s.writing = s.writing.filter((id) => !event.clientIds.includes(id));
      s.storageOk = event.ok;
      send(s.entries.filter((e) => event.clientIds.includes(e.clientId)));
      break;
    }
    case 'restored': {
      // Entries confirmed meanwhile stay after the stored ones.
      const ids = event.entries.map((e) => e.clientId);
      s.entries = [...event.entries, ...s.entries.filter((e) => !ids.includes(e.clientId))];
      s.storageOk = event.ok;
      s.lastQueuedAt = Math.max(s.lastQueuedAt, ...event.entries.map((e) => e.queuedAt));
      send(event.entries);
      break;
    }
    case 'welcome': {
      const w = event.welcome;
      // The welcome's `recorders` is the server's word now. A measurement's author is who
      // recorded it then (the recorder may have changed since): it names nobody here, so a
      // refusal that said "nobody records" and this welcome agree in either order.
      s.measurements = {};
      for (const item of w.measurements ?? [])
        s.measurements = setMeasurement(s.measurements, item);
      // Fields a welcome cached by an older page may lack.
      s.records = w.judge.records ?? [];
      s.recorders = w.recorders ?? {};
      s.ready ||= event.live;
      // Everything unanswered goes out again, oldest first (an outbox still being read from
      // IndexedDB is sent when the read completes).
      if (event.live) send(s.entries);
      break;
    }
    case 'down':
      s.ready = false;
      break;
    case 'mark.ack': {
      const ack = event;
      s.acks = { ...s.acks, [ack.clientId]: ack };
      const entry = s.entries.find((e) => e.clientId === ack.clientId);
      // A duplicate ack (a resend answered twice) finds nothing left to do.
      if (!entry) break;
      drop(entry);
      release(entry.clientId, ack.markId);
      effects.push({ kind: 'acked', entry, ack });
      break;
    }
    case 'mark.reject': {
      const m = event;
      const entry = s.entries.find((e) => e.clientId === m.clientId);
      if (!entry) break;
      // A refusal that does not mean "this mark is wrong" (a failed commit, a submit that
      // raced the login, a flood): the entry stays and the next tick sends it again.
      if (isRetryable(m.code)) {
        effects.push({ kind: 'notice', code: m.code, params: m.params, message: m.message });
        break;
      }
      drop(entry);
      const rejection: Rejection = { entry, code: m.code, message: m.message };
      if (m.code === 'mark/stale')
        rejection.current = (m.current as CurrentMark | undefined) ?? null;
      s.rejected = {
        ...s.rejected,
        [lineKey(entry.contestantId, entry.sheetId, entry.attempt)]: rejection,
      };
      const stationId = ctx.stationOf(entry.sheetId);
      const recorderChanged = RECORDER_CODES.includes(m.code) && stationId;
      if (recorderChanged) {
        // This judge does not record the panel (and, with `mark/no_recorder`, nobody does):
        // the same as the welcome that the reconnect brings says.
        s.records = s.records.filter((id) => id !== stationId);
        if (m.code === 'mark/no_recorder') s.recorders = without(s.recorders, stationId);
      }
      // A correction queued behind it goes out against what the line held before.
      release(entry.clientId, entry.seen);
      effects.push({ kind: 'rejected', rejection });
      if (recorderChanged) effects.push({ kind: 'reconnect' });
      break;
    }
    case 'judge.measurements': {
      const { scope } = event;
      let measurements: Record<string, PanelMeasurement> = { ...s.measurements };
      // A push for a whole contestant × sheet replaces what the tablet holds for it (a void
      // may have restored an older mark, or left none).
      if (scope)
        for (const [key, held] of Object.entries(measurements))
          if (held.contestantId === scope.contestantId && held.sheetId === scope.sheetId)
            delete measurements[key];
      for (const item of event.items) {
        measurements = setMeasurement(measurements, item);
        // A recorder the tablet did not know of (named after this judge's welcome): the push
        // is of a mark he has just written.
        const stationId = ctx.stationOf(item.sheetId);
        if (stationId && !s.recorders[stationId])
          s.recorders = { ...s.recorders, [stationId]: item.recorder };
      }
      s.measurements = measurements;
      break;
    }
    case 'tick':
      // A captive portal or a half-open socket may swallow a frame.
      send(s.entries, (e) => ctx.now - (s.sentAt[e.clientId] ?? 0) >= RESEND_AFTER_MS);
      break;
  }
  return { state: s, effects };
}
