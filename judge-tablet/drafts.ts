import type { ClockDraft } from './clock.ts';

/**
 * Drafts: what a judge has tapped on a sheet he has not yet had acknowledged, kept on the
 * device as it happens, so a reload mid-run (pull-to-refresh, a tab the browser dropped, a
 * crash) brings back every fault tap, the running stopwatch, the judgements, the typed values
 * and the attempt. One draft per judge (token fingerprint) × contestant × sheet × attempt, in
 * localStorage: written synchronously at each tap (nothing waits for unload, which a killed
 * tab never fires), read synchronously at start, no secure context needed.
 *
 * Rules:
 * - nothing is written before {@link DraftStore.restore} ran (a page starting up must not
 *   overwrite a draft with an empty form);
 * - a hidden tab never writes (a second tab of the same tablet must not overwrite what the
 *   visible one shows); each write stamps a version from one counter per judge, and a tab
 *   that becomes visible takes a draft another tab wrote since (excalidraw's approach);
 * - a draft is cleared when the server acknowledges the mark made from it, not when it is sent
 *   (`submitted` names that mark's clientId; a tap after it clears it again).
 */

/** One tap on a fault button (or its undo), for the on-screen log. */
export interface FaultTap {
  seq: number;
  criterionId: string;
  faultId: string;
  delta: 1 | -1;
  /** Stopwatch reading (ms) when a stopwatch of this sheet was running, else null. */
  runMs: number | null;
  /** Wall clock, ms since epoch. */
  at: number;
}

/** What a mark form holds, as a draft keeps it. */
export interface FormState {
  counts: Record<string, Record<string, number>>;
  /** veto and check answers; null = not answered yet. */
  flags: Record<string, boolean | null>;
  /** Typed text of judgement, imported and time (seconds) criteria. */
  texts: Record<string, string>;
  /** Newest first. */
  log: FaultTap[];
  /** One per time criterion this judge times. */
  clocks: Record<string, ClockDraft>;
}

/** A judge's line: contestant × sheet × attempt. */
export interface DraftLine {
  contestantId: number;
  sheetId: string;
  attempt: number;
}

export interface Draft extends DraftLine {
  form: FormState;
  /** The correction reason typed on the confirm screen ('' when none). */
  reason: string;
  /** clientId of the mark sent from exactly this state: its ack clears the draft. */
  submitted: string | null;
  /** Stamp of the write (one counter per judge on this device, across tabs). */
  version: number;
  /** Wall clock of the write. */
  savedAt: number;
}

/** The parts of localStorage a draft store uses (a Map-backed fake in unit tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** Drafts untouched this long are forgotten at the next start. */
export const MAX_DRAFT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export const draftKey = (l: DraftLine) => `${l.contestantId}:${l.sheetId}:${l.attempt}`;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function parseClock(x: unknown): ClockDraft | null {
  if (!isRecord(x) || typeof x.ms !== 'number' || !Number.isFinite(x.ms) || x.ms < 0) return null;
  const at = typeof x.at === 'number' && Number.isFinite(x.at) ? x.at : null;
  return { ms: Math.round(x.ms), at, uncertain: x.uncertain === true, typed: x.typed === true };
}

function parseTap(x: unknown): FaultTap | null {
  if (!isRecord(x)) return null;
  const { seq, criterionId, faultId, delta, runMs, at } = x;
  if (typeof seq !== 'number' || typeof criterionId !== 'string' || typeof faultId !== 'string')
    return null;
  if ((delta !== 1 && delta !== -1) || typeof at !== 'number') return null;
  return { seq, criterionId, faultId, delta, runMs: typeof runMs === 'number' ? runMs : null, at };
}

/** Keeps a record's entries whose values pass `ok`. */
function entries<T>(x: unknown, ok: (v: unknown) => v is T): Record<string, T> {
  if (!isRecord(x)) return {};
  return Object.fromEntries(Object.entries(x).filter((e): e is [string, T] => ok(e[1])));
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFlag = (v: unknown): v is boolean | null => typeof v === 'boolean' || v === null;
const isText = (v: unknown): v is string => typeof v === 'string';

/** A stored form state, well-formed parts only (the form checks them against its sheet). */
export function parseFormState(x: unknown): FormState {
  const f = isRecord(x) ? x : {};
  const counts: FormState['counts'] = {};
  for (const [id, faults] of Object.entries(isRecord(f.counts) ? f.counts : {}))
    counts[id] = entries(faults, isCount);
  const clocks: FormState['clocks'] = {};
  for (const [id, c] of Object.entries(isRecord(f.clocks) ? f.clocks : {})) {
    const clock = parseClock(c);
    if (clock) clocks[id] = clock;
  }
  return {
    counts,
    flags: entries(f.flags, isFlag),
    texts: entries(f.texts, isText),
    log: (Array.isArray(f.log) ? f.log : []).flatMap((t) => parseTap(t) ?? []).slice(0, 50),
    clocks,
  };
}

/** A stored draft, or null when it is not one. */
export function parseDraft(x: unknown): Draft | null {
  if (!isRecord(x)) return null;
  const { contestantId, sheetId, attempt, version, savedAt } = x;
  if (typeof contestantId !== 'number' || typeof sheetId !== 'string') return null;
  if (typeof version !== 'number' || typeof savedAt !== 'number') return null;
  return {
    contestantId,
    sheetId,
    attempt: typeof attempt === 'number' && attempt >= 1 ? attempt : 1,
    form: parseFormState(x.form),
    reason: typeof x.reason === 'string' ? x.reason : '',
    submitted: typeof x.submitted === 'string' ? x.submitted : null,
    version,
    savedAt,
  };
}

function parseLine(x: unknown): DraftLine | null {
  if (!isRecord(x)) return null;
  const { contestantId, sheetId, attempt } = x;
  if (typeof contestantId !== 'number' || typeof sheetId !== 'string') return null;
  return { contestantId, sheetId, attempt: typeof attempt === 'number' ? attempt : 1 };
}

function defaultStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // access refused (storage disabled for the site)
  }
}

/** What a save writes besides the line and the stamp. */
export interface DraftContent {
  form: FormState;
  reason: string;
  submitted: string | null;
}

/**
 * One judge's drafts on this device (see the module comment for the rules). Reads and writes
 * are synchronous; a refused write (quota, storage disabled) sets {@link ok} false.
 */
export class DraftStore {
  readonly owner: string;
  readonly #storage: KeyValueStore | null;
  readonly #visible: () => boolean;
  readonly #now: () => number;
  #restored = false;
  #ok = true;
  /** Versions of the drafts this tab loaded or wrote, by key: what it shows. */
  readonly #known = new Map<string, number>();

  constructor(
    owner: string,
    opts: {
      storage?: KeyValueStore | null;
      /** Whether this tab is the one the judge sees (document.visibilityState). */
      visible?: () => boolean;
      now?: () => number;
    } = {},
  ) {
    this.owner = owner;
    this.#storage = opts.storage === undefined ? defaultStorage() : opts.storage;
    this.#visible =
      opts.visible ??
      (() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
    this.#now = opts.now ?? (() => Date.now());
  }

  get #prefix() {
    return `jx.judge.draft.${this.owner}.`;
  }
  get #counterKey() {
    return `jx.judge.draftv.${this.owner}`;
  }
  get #openKey() {
    return `jx.judge.draftopen.${this.owner}`;
  }

  /** Whether restore() ran: before it, nothing is written. */
  get restored() {
    return this.#restored;
  }

  /** False after the browser refused a write (the banner says drafts are not kept). */
  get ok() {
    return this.#ok;
  }

  /**
   * Reads every draft of this judge (forgetting those untouched for a week, when visible) and
   * the line that was open; from now on the store writes.
   */
  restore(): { drafts: Draft[]; open: DraftLine | null } {
    const drafts: Draft[] = [];
    const now = this.#now();
    for (const draft of this.#readAll()) {
      if (now - draft.savedAt > MAX_DRAFT_AGE_MS && this.#visible()) {
        this.#remove(draftKey(draft));
        continue;
      }
      this.#known.set(draftKey(draft), draft.version);
      drafts.push(draft);
    }
    this.#restored = true;
    return { drafts, open: parseLine(this.#read(this.#openKey)) };
  }

  /** Every draft of this judge as stored now. */
  all(): Draft[] {
    return this.#readAll();
  }

  load(line: DraftLine): Draft | null {
    return parseDraft(this.#read(this.#prefix + draftKey(line)));
  }

  /** Takes note that this tab shows `draft` (or no draft) for its line. */
  shown(line: DraftLine, draft: Draft | null): void {
    if (draft) this.#known.set(draftKey(line), draft.version);
    else this.#known.delete(draftKey(line));
  }

  /**
   * Writes a line's draft, stamped with the next version. Refused (null) before the restore,
   * in a hidden tab, and (`flush`: the last write of a tab being hidden) when another tab wrote
   * the line since this one last did.
   */
  save(line: DraftLine, content: DraftContent, opts: { flush?: boolean } = {}): Draft | null {
    if (!this.#restored || !this.#storage) return null;
    const key = draftKey(line);
    if (opts.flush) {
      if (this.#changedElsewhere(key)) return null;
    } else if (!this.#visible()) return null;
    const draft: Draft = {
      contestantId: line.contestantId,
      sheetId: line.sheetId,
      attempt: line.attempt,
      ...content,
      version: this.#nextVersion(),
      savedAt: this.#now(),
    };
    if (!this.#write(this.#prefix + key, draft)) return null;
    this.#known.set(key, draft.version);
    return draft;
  }

  /** Forgets a line's draft (the judge discarded it), when this tab is the visible one. */
  remove(line: DraftLine): boolean {
    if (!this.#restored || !this.#visible()) return false;
    this.#remove(draftKey(line));
    return true;
  }

  /**
   * Forgets the drafts the mark `clientId` was sent from, as stored now (a draft another tab
   * changed after that send is kept). Allowed in a hidden tab: it can only remove what that
   * very mark saved. Returns the lines cleared.
   */
  clearSubmitted(clientId: string): DraftLine[] {
    if (!this.#restored) return [];
    const cleared = this.#readAll().filter((d) => d.submitted === clientId);
    for (const d of cleared) this.#remove(draftKey(d));
    return cleared;
  }

  /**
   * When another tab wrote or removed a line's draft since this tab last loaded or wrote it:
   * the stored draft (null: removed); undefined when nothing changed. This tab then shows it.
   */
  changed(line: DraftLine): Draft | null | undefined {
    const key = draftKey(line);
    if (!this.#changedElsewhere(key)) return undefined;
    const draft = this.load(line);
    this.shown(line, draft);
    return draft;
  }

  /** The line whose form was open (restored at the next start). */
  get open(): DraftLine | null {
    return parseLine(this.#read(this.#openKey));
  }

  /** Remembers the open form's line (null: none), when this tab is the visible one. */
  setOpen(line: DraftLine | null): void {
    if (!this.#restored || !this.#visible()) return;
    if (line) this.#write(this.#openKey, line);
    else this.#remove(this.#openKey, true);
  }

  #changedElsewhere(key: string): boolean {
    const stored = parseDraft(this.#read(this.#prefix + key));
    return (stored?.version ?? null) !== (this.#known.get(key) ?? null);
  }

  #nextVersion(): number {
    const v = this.#read(this.#counterKey);
    const next = (typeof v === 'number' && Number.isFinite(v) ? v : 0) + 1;
    this.#write(this.#counterKey, next);
    return next;
  }

  #readAll(): Draft[] {
    const s = this.#storage;
    if (!s) return [];
    const keys: string[] = [];
    try {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i);
        if (k?.startsWith(this.#prefix)) keys.push(k);
      }
    } catch {
      return [];
    }
    return keys.flatMap((k) => parseDraft(this.#read(k)) ?? []);
  }

  #read(key: string): unknown {
    try {
      const text = this.#storage?.getItem(key);
      return text == null ? null : JSON.parse(text);
    } catch {
      return null;
    }
  }

  #write(key: string, value: unknown): boolean {
    try {
      this.#storage?.setItem(key, JSON.stringify(value));
      this.#ok = true;
      return true;
    } catch {
      this.#ok = false;
      return false;
    }
  }

  #remove(key: string, raw = false): void {
    try {
      this.#storage?.removeItem(raw ? key : this.#prefix + key);
    } catch {
      // Nothing to do: a leftover draft is offered again, never sent by itself.
    }
    if (!raw) this.#known.delete(key);
  }
}
