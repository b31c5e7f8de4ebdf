import type { Sheet, SheetValues } from '#engine';
import type { JudgeContestant, RescoreRequest } from '#protocol';
import { ClockWatch } from './clock.ts';
import { draftKey, DraftStore, type Draft, type DraftLine } from './drafts.ts';
import { officialText, t } from './i18n.ts';
import { MarkForm, rawFromParsed } from './mark-form.svelte.ts';
import { sheetScoreText } from './sheet-score.ts';
import { withMeasurements } from './panel.ts';
import { rescoreReason } from './rescore.ts';
import type { JudgeSession, LineState } from './session.svelte.ts';
import { WatchedSet } from './watched.svelte.ts';
import { loadSheetChoice, saveSheetChoice, tokenFingerprint } from './storage.ts';

/** The screens of a judge's work: queue → form → review (confirm) → status (pending/saved). */
export type View = 'queue' | 'form' | 'review' | 'status';

/** What the queue screen lists: contestants to call up, or this judge's saved marks. */
export type ListTab = 'queue' | 'history';

export interface QueueRow {
  contestant: JudgeContestant;
  state: LineState;
  rejected: boolean;
  /** The judge entered something on this line that he has not submitted (a draft). */
  draft: boolean;
}

/** One of this judge's saved marks on the chosen sheet, as the history list shows it. */
export interface HistoryRow {
  markId: number;
  contestant: JudgeContestant;
  attempt: number;
  /** Sheet score of this mark alone, published decimals ("8.00"). */
  score: string;
  /** When it was confirmed (ms since epoch; shown on the competition's clock), or null when this tablet does not know. */
  at: number | null;
  superseded: boolean;
  voided: boolean;
  /**
   * Who wrote the mark when it is not this judge (a sheet one judge fills: "由 H01 孔德胜
   * 更正"), else null.
   */
  author: string | null;
}

/** Longest bib the keypad accepts. */
const MAX_BIB_LENGTH = 8;

/**
 * The judge's desk: which sheet, which contestant, which screen, the form being filled in,
 * the keypad and the correction reason. Drives the workflow on top of {@link JudgeSession};
 * components call its methods and read its getters.
 */
export class Desk {
  readonly #session: JudgeSession;
  #sheetId = $state<string | null>(null);
  #view = $state<View>('queue');
  #form = $state.raw<MarkForm | null>(null);
  #typed = $state('');
  #notice = $state<string | null>(null);
  #reason = $state('');
  #reasonError = $state<string | null>(null);
  #formNote = $state<string | null>(null);
  #submitted = $state<string | null>(null);
  #tab = $state<ListTab>('queue');
  /** Draw order of the last contestant opened: "next to do" continues after it. */
  #lastDraw = 0;
  /** This judge's drafts on this device; null until the first welcome of a login. */
  #drafts: DraftStore | null = null;
  /** Lines (contestant:sheet:attempt) with a draft not yet submitted. */
  #draftLines = new WatchedSet<string>();
  /** The open form has a draft not yet submitted (leaving the page then asks first). */
  #formDraft = $state(false);
  /** When the open form's draft was last saved, if the form was opened from one. */
  #restoredAt = $state<number | null>(null);
  #draftsOk = $state(true);
  readonly #clock: ClockWatch;

  constructor(session: JudgeSession, opts: { clock?: ClockWatch } = {}) {
    this.#session = session;
    this.#clock = opts.clock ?? new ClockWatch();
    session.onWelcome(() => this.#onWelcome());
    session.onOutcome((clientId, outcome) => {
      // The server holds the mark: the draft it was sent from has done its work.
      if (outcome.kind === 'ack') this.#clearSubmitted(clientId);
      // A rejected mark reopens its form with the values kept and the server's message.
      if (outcome.kind === 'reject' && clientId === this.#submitted && this.#view === 'status') {
        const { entry, code } = outcome.rejection;
        // Who records the panel changed: the form is built again for what this judge sends.
        if (code === 'mark/not_recorder' || code === 'mark/no_recorder') {
          this.open(entry.contestantId, entry.attempt);
          return;
        }
        this.#formNote = t.form.rejected(outcome.rejection.message);
        this.#reason = entry.reason ?? '';
        this.#view = 'form';
        // Not stored: what the judge entered is a draft to keep again.
        if (this.#form) this.#saveDraft(this.#form);
        this.#drafts?.setOpen(this.#lineOf(this.#form));
      }
    });
  }

  /** The chosen sheet; chosen automatically when the judge has only one. */
  readonly sheet: Sheet | null = $derived.by(() => {
    const sheets = this.#session.sheets;
    const token = this.#session.token;
    const id = this.#sheetId ?? (token ? loadSheetChoice(token) : null);
    return sheets.find((s) => s.id === id) ?? (sheets.length === 1 ? sheets[0]! : null);
  });

  /** Contestants in draw order with this judge's state on the chosen sheet. */
  readonly queue: QueueRow[] = $derived.by(() => {
    const sheet = this.sheet;
    if (!sheet) return [];
    // A plain lookup, rebuilt with the rows.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const drafts = new Set([...this.#draftLines].map((k) => k.slice(0, k.lastIndexOf(':'))));
    return this.#session.contestants.map((c) => ({
      contestant: c,
      state: this.#session.lineState(c, sheet),
      rejected: this.#session.rejection(c.id, sheet.id) !== undefined,
      draft: drafts.has(`${c.id}:${sheet.id}`),
    }));
  });

  /** This judge's saved marks on the chosen sheet, newest first. */
  readonly history: HistoryRow[] = $derived.by(() => {
    const sheet = this.sheet;
    if (!sheet) return [];
    const s = this.#session;
    const me = s.judge?.id;
    return s.history(sheet.id).flatMap((h) => {
      const contestant = s.contestants.find((c) => c.id === h.contestantId);
      if (!contestant) return [];
      const name = h.authorId === null || h.authorId === me ? null : s.officialName(h.authorId);
      return [
        {
          markId: h.markId,
          contestant,
          attempt: h.attempt,
          score: this.lineScore(sheet, h.contestantId, h.attempt, h.values),
          at: h.at,
          superseded: h.superseded,
          voided: h.voided,
          author:
            h.authorId === null || h.authorId === me
              ? null
              : name
                ? t.history.by(officialText(name))
                : t.history.byOther,
        },
      ];
    });
  });

  readonly progress = $derived({
    done: this.queue.filter((r) => r.state === 'saved' || r.state === 'locked').length,
    total: this.queue.filter((r) => r.state !== 'inactive').length,
  });

  /** The competition's time zone: every time the tablet shows is on its clock, not the device's. */
  get timeZone(): string {
    return this.#session.competition?.timeZone ?? 'UTC';
  }
  get view() {
    return this.#view;
  }
  get form() {
    return this.#form;
  }
  get typed() {
    return this.#typed;
  }
  get notice() {
    return this.#notice;
  }
  get reason() {
    return this.#reason;
  }
  get reasonError() {
    return this.#reasonError;
  }
  get formNote() {
    return this.#formNote;
  }
  get submitted() {
    return this.#submitted;
  }
  get tab() {
    return this.#tab;
  }
  /** Whether the open form holds taps not yet submitted (leaving the page asks first). */
  get unsaved(): boolean {
    return this.#formDraft && (this.#view === 'form' || this.#view === 'review');
  }
  /** Lines of this judge with a draft not yet submitted (moving to HTTPS waits for none). */
  get draftCount(): number {
    return this.#draftLines.size;
  }
  /** When the open form's restored draft was saved (ms since epoch), else null. */
  get restoredAt() {
    return this.#restoredAt;
  }
  /** False when the browser refused to keep a draft (a reload would lose the taps). */
  get draftsOk() {
    return this.#draftsOk;
  }

  /**
   * Why the open form (or, on the queue, the chosen sheet) cannot be marked: results official,
   * competition not started, or the station locked by the head judge; null when it can.
   */
  get readOnly(): string | null {
    const s = this.#session;
    if (s.closed === 'final') return t.closed.final;
    if (s.closed === 'draft') return t.closed.draft;
    const sheet = this.#form?.sheet ?? this.sheet;
    return sheet && s.isLocked(sheet) ? t.lock.message : null;
  }

  /**
   * A line's sheet score from one mark's values, published decimals: on a panel another judge
   * records, with the recorder's current measurements (as the server scores the line).
   */
  lineScore(sheet: Sheet, contestantId: number, attempt: number, values: SheetValues): string {
    const s = this.#session;
    const merged = s.judgementOnly(sheet)
      ? withMeasurements(sheet, values, s.measurement(contestantId, sheet.id, attempt)?.values)
      : values;
    return sheetScoreText(sheet, merged, s.decimals, s.rounding);
  }

  /**
   * Who wrote the open form's saved mark when it is not this judge (a sheet one judge fills),
   * "H01 孔德胜" or a neutral word when this tablet does not know the name; else null.
   */
  get savedByOther(): string | null {
    const f = this.#form;
    if (!f) return null;
    const s = this.#session;
    const saved = s.savedMark(f.contestant.id, f.sheet.id, f.attempt);
    if (!saved || saved.authorId === null || saved.authorId === s.judge?.id) return null;
    const name = s.officialName(saved.authorId);
    return name ? officialText(name) : t.official.other;
  }

  /** The head judge's open request to score the open form's line again, if any. */
  get rescore(): RescoreRequest | undefined {
    const f = this.#form;
    return f ? this.#session.rescoreOf(f.contestant.id, f.sheet.id) : undefined;
  }

  /** The line's mark on the server when the last write was refused as stale, else undefined. */
  get current() {
    const f = this.#form;
    return f ? this.#session.currentMark(f.contestant.id, f.sheet.id, f.attempt) : undefined;
  }

  /**
   * A correction (a second mark on the line) needs a reason: saved or still pending here, or
   * the server said so (a mark made on another device that this tablet has not seen).
   */
  get needsReason(): boolean {
    const f = this.#form;
    if (!f) return false;
    const rejection = this.#session.rejection(f.contestant.id, f.sheet.id, f.attempt);
    return (
      this.existing !== null ||
      rejection?.code === 'mark/reason_required' ||
      (rejection?.code === 'mark/stale' && !!rejection.current)
    );
  }

  /** Why the form is prefilled: a saved mark or one still waiting for the server. */
  get existing(): 'saved' | 'pending' | null {
    const f = this.#form;
    if (!f) return null;
    if (this.#session.pendingEntry(f.contestant.id, f.sheet.id, f.attempt)) return 'pending';
    if (this.#session.savedMark(f.contestant.id, f.sheet.id, f.attempt)) return 'saved';
    return null;
  }

  /**
   * Attempt (run) tabs of the open form, shown only when the station has several attempts or
   * this judge already marked a re-run. Once every known attempt is saved one more is offered,
   * for a re-run the head judge granted (the server refuses it when none was: the welcome does
   * not say which re-runs were granted).
   */
  get attempts(): { attempt: number; state: 'saved' | 'pending' | 'todo' }[] {
    const f = this.#form;
    if (!f) return [];
    const saved = this.#session.savedAttempts(f.contestant.id, f.sheet.id);
    const known = Math.max(this.#session.attemptsOf(f.sheet), f.attempt, ...saved);
    if (known <= 1) return [];
    const n = saved.length >= known ? known + 1 : known;
    return Array.from({ length: n }, (_, i) => {
      const attempt = i + 1;
      const state = this.#session.pendingEntry(f.contestant.id, f.sheet.id, attempt)
        ? 'pending'
        : saved.includes(attempt)
          ? 'saved'
          : 'todo';
      return { attempt, state };
    });
  }

  showTab(tab: ListTab): void {
    this.#tab = tab;
    this.#notice = null;
  }

  selectSheet(id: string): void {
    this.#sheetId = id;
    const token = this.#session.token;
    if (token) saveSheetChoice(token, id);
    this.#notice = null;
  }

  /** A keypad key: a digit, `back` or `ok`. */
  press(key: string): void {
    this.#notice = null;
    if (key === 'back') this.#typed = this.#typed.slice(0, -1);
    else if (key === 'ok') this.callBib();
    else if (/^\d$/.test(key) && this.#typed.length < MAX_BIB_LENGTH) this.#typed += key;
  }

  /** Opens the contestant whose bib was typed (leading zeros ignored). */
  callBib(): void {
    const typed = this.#typed.trim();
    if (!typed) return;
    const norm = (b: string) => b.replace(/^0+(?=.)/, '');
    const c = this.#session.contestants.find((x) => x.bib === typed || norm(x.bib) === norm(typed));
    if (!c) {
      this.#notice = t.queue.notFound(typed);
      return;
    }
    this.#typed = '';
    this.open(c.id);
  }

  /**
   * Opens the form of a contestant on the chosen sheet, prefilled with what exists. Without
   * an attempt: the rejected or pending one, else the first not yet saved, else the last.
   * A locked station's form opens read-only (the judge can see what was saved).
   * `fromCurrent`: after a stale write, start from the server's current mark instead of the
   * judge's refused entry.
   */
  open(contestantId: number, attempt?: number, fromCurrent = false): void {
    const sheet = this.sheet;
    const c = this.#session.contestants.find((x) => x.id === contestantId);
    if (!sheet || !c) return;
    const state = this.#session.lineState(c, sheet);
    if (state === 'inactive') {
      this.#notice = t.queue.inactive(c.bib, c.name);
      return;
    }
    const s = this.#session;
    const run = attempt ?? this.#defaultAttempt(c.id, sheet);
    const line: DraftLine = { contestantId: c.id, sheetId: sheet.id, attempt: run };
    const rejection = s.rejection(c.id, sheet.id, run);
    const pending = s.pendingEntry(c.id, sheet.id, run);
    const saved = s.savedMark(c.id, sheet.id, run);
    const current = fromCurrent ? s.currentMark(c.id, sheet.id, run) : undefined;
    const initial = current
      ? rawFromParsed(sheet, current.values)
      : (rejection?.entry.values ??
        pending?.values ??
        (saved ? rawFromParsed(sheet, saved.values) : undefined));
    // What the judge entered and has not had acknowledged comes back as he left it; starting
    // again from the server's current mark (after a stale write) sets it aside.
    if (fromCurrent) this.#removeDraft(line);
    const draft = fromCurrent ? null : (this.#drafts?.load(line) ?? null);
    this.#drafts?.shown(line, draft);
    this.#form?.dispose();
    const form: MarkForm = new MarkForm({
      sheet,
      contestant: c,
      decimals: s.decimals,
      rounding: s.rounding,
      attempt: run,
      initial,
      ...(draft ? { draft: draft.form } : {}),
      // Another judge records this panel's measurements: the form reads his, live.
      ...(s.judgementOnly(sheet)
        ? { recorded: () => s.measurement(c.id, sheet.id, run)?.values ?? null }
        : {}),
      onChange: () => this.#saveDraft(form),
    });
    this.#form = form;
    const unsent = draft !== null && draft.submitted === null;
    this.#formDraft = unsent;
    this.#restoredAt = unsent ? draft.savedAt : null;
    this.#formNote = rejection ? t.form.rejected(rejection.message) : null;
    const rescore = s.rescoreOf(c.id, sheet.id);
    this.#reason =
      (draft?.reason || rejection?.entry.reason) ?? (rescore ? rescoreReason(rescore.reason) : '');
    this.#reasonError = null;
    this.#submitted = null;
    this.#notice = null;
    this.#lastDraw = c.drawOrder;
    this.#view = 'form';
    this.#drafts?.setOpen(line);
    // A restored stopwatch the clock made unreliable: the draft says so from now on.
    if (form.restoredUncertain) this.#saveDraft(form);
  }

  #defaultAttempt(contestantId: number, sheet: Sheet): number {
    const s = this.#session;
    const open = s.rejection(contestantId, sheet.id) ?? s.pendingEntry(contestantId, sheet.id);
    if (open) return 'entry' in open ? open.entry.attempt : open.attempt;
    // A run the judge entered and did not submit (the page went, or he went back to the list).
    const cell = `${contestantId}:${sheet.id}:`;
    const drafted = [...this.#draftLines]
      .filter((k) => k.startsWith(cell))
      .map((k) => Number(k.slice(cell.length)))
      .sort((a, b) => a - b)[0];
    if (drafted !== undefined) return drafted;
    const saved = s.savedAttempts(contestantId, sheet.id);
    for (let a = 1; a <= s.attemptsOf(sheet); a++) if (!saved.includes(a)) return a;
    return saved[saved.length - 1] ?? 1;
  }

  /**
   * Opens the form of a head judge's rescore request: its sheet (chosen first when the judge
   * has several) and its contestant, the correction reason prefilled.
   */
  openRescore(contestantId: number, sheetId: string): void {
    this.openLine(contestantId, sheetId);
  }

  /** Opens a line's form on its sheet (chosen first when the judge has several). */
  openLine(contestantId: number, sheetId: string, attempt?: number): void {
    if (!this.#session.sheets.some((s) => s.id === sheetId)) return;
    if (this.sheet?.id !== sheetId) this.selectSheet(sheetId);
    this.#tab = 'queue';
    this.open(contestantId, attempt);
  }

  /**
   * Opens the next contestant still to do (a line the head judge asked to score again counts),
   * in draw order after the last one opened (wrapping).
   */
  nextTodo(): void {
    const todo = this.queue.filter((r) => r.state === 'todo' || r.state === 'rescore');
    const next =
      todo.find((r) => r.contestant.drawOrder > this.#lastDraw) ??
      todo.find((r) => r.contestant.drawOrder <= this.#lastDraw);
    if (!next) {
      this.backToQueue();
      this.#notice = t.queue.allDone;
      return;
    }
    this.open(next.contestant.id);
  }

  /** Starts the form again from the server's current mark (after a stale write). */
  reopenFromCurrent(): void {
    const f = this.#form;
    if (f) this.open(f.contestant.id, f.attempt, true);
  }

  /** Form → confirm screen, when every criterion is answered and valid. */
  review(): boolean {
    const f = this.#form;
    if (!f || this.readOnly) return false;
    f.stopAll();
    if (!f.validate()) return false;
    this.#reasonError = null;
    this.#view = 'review';
    return true;
  }

  backToForm(): void {
    if (this.#form) this.#view = 'form';
  }

  setReason(text: string): void {
    this.#reason = text;
    if (text.trim()) this.#reasonError = null;
    if (this.#form && this.#formDraft) this.#saveDraft(this.#form);
  }

  /** Confirms: the mark goes to the outbox (and the server); the screen shows it pending. */
  confirm(): void {
    const f = this.#form;
    if (!f || !f.complete || this.readOnly) return;
    const needsReason = this.needsReason;
    const reason = this.#reason.trim();
    if (needsReason && !reason) {
      this.#reasonError = t.review.reasonRequired;
      return;
    }
    this.#submitted = this.#session.submit({
      contestantId: f.contestant.id,
      sheetId: f.sheet.id,
      attempt: f.attempt,
      values: $state.snapshot(f.raw),
      ...(needsReason ? { reason } : {}),
    });
    // The draft stays until the server acknowledges this mark (its clientId says which); an
    // older draft of the line (a refused mark sent again unchanged) now waits for this one.
    const line = this.#lineOf(f)!;
    if (this.#formDraft || this.#drafts?.load(line)) this.#saveDraft(f, this.#submitted);
    this.#drafts?.setOpen(null);
    this.#formNote = null;
    this.#view = 'status';
  }

  backToQueue(): void {
    this.#form?.dispose();
    this.#form = null;
    this.#submitted = null;
    this.#formNote = null;
    this.#formDraft = false;
    this.#restoredAt = null;
    this.#view = 'queue';
    this.#drafts?.setOpen(null);
  }

  /** Forgets what the judge entered on the open form and starts it again. */
  discardDraft(): void {
    const line = this.#lineOf(this.#form);
    if (!line) return;
    this.#removeDraft(line);
    this.open(line.contestantId, line.attempt);
  }

  /**
   * Checks the device clock against the monotonic clock (every second, and when the page is
   * shown or hidden): after a jump, the open form's running stopwatches are uncertain.
   */
  checkClock(): void {
    if (this.#clock.check() === null) return;
    if (this.#view === 'form' || this.#view === 'review') this.#form?.clockJumped();
  }

  /**
   * The page was hidden (another app, another tab, the screen off) or shown again. Hidden: the
   * last write of the open form, unless another tab changed its draft meanwhile; this tab
   * then writes nothing more. Shown: a draft another tab wrote since is taken.
   */
  visibilityChanged(visible: boolean): void {
    if (!visible) {
      this.flush();
      return;
    }
    this.checkClock();
    const store = this.#drafts;
    if (!store) return;
    this.#loadDraftLines(store.all());
    const line = this.#lineOf(this.#form);
    if (!line || (this.#view !== 'form' && this.#view !== 'review')) return;
    if (store.changed(line) !== undefined) this.open(line.contestantId, line.attempt);
  }

  /** Writes the open form's draft now (the page is being hidden or unloaded). */
  flush(): void {
    // A jump since the last check is caught before the draft's clock is anchored again.
    this.checkClock();
    const f = this.#form;
    if (!f || !this.#formDraft || (this.#view !== 'form' && this.#view !== 'review')) return;
    this.#saveDraft(f, null, true);
  }

  /**
   * Takes a welcome: at a login's first (the cached one, or the server's), restores this
   * judge's drafts and the form that was open; at every one, forgets the drafts whose mark the
   * server holds (acknowledged while this page was away).
   */
  #onWelcome(): void {
    const token = this.#session.token;
    if (!token) return;
    const owner = tokenFingerprint(token);
    if (this.#drafts?.owner === owner) {
      this.#forgetSaved(this.#drafts.all());
      return;
    }
    const store = (this.#drafts = new DraftStore(owner));
    const { drafts, open } = store.restore();
    this.#forgetSaved(drafts);
    this.#loadDraftLines(store.all());
    if (!open || this.#view !== 'queue') return;
    if (!this.#session.sheets.some((x) => x.id === open.sheetId)) return;
    if (this.sheet?.id !== open.sheetId) this.selectSheet(open.sheetId);
    this.open(open.contestantId, open.attempt);
  }

  #forgetSaved(drafts: Draft[]): void {
    for (const d of drafts)
      if (d.submitted && this.#session.knowsSaved(d.submitted)) this.#clearSubmitted(d.submitted);
  }

  #clearSubmitted(clientId: string): void {
    for (const line of this.#drafts?.clearSubmitted(clientId) ?? [])
      this.#draftLines.delete(draftKey(line));
  }

  #loadDraftLines(drafts: Draft[]): void {
    this.#draftLines.clear();
    for (const d of drafts) if (d.submitted === null) this.#draftLines.add(draftKey(d));
  }

  #lineOf(f: MarkForm | null): DraftLine | null {
    return f ? { contestantId: f.contestant.id, sheetId: f.sheet.id, attempt: f.attempt } : null;
  }

  /** Keeps what the open form holds (every tap calls it); `submitted`: the mark sent from it. */
  #saveDraft(f: MarkForm, submitted: string | null = null, flush = false): void {
    const store = this.#drafts;
    if (!store || f !== this.#form) return;
    const line = this.#lineOf(f)!;
    const content = { form: f.snapshot(), reason: this.#reason, submitted };
    const saved = store.save(line, content, { flush });
    this.#draftsOk = store.ok;
    if (!saved) return;
    this.#formDraft = submitted === null;
    if (submitted === null) this.#draftLines.add(draftKey(line));
    else this.#draftLines.delete(draftKey(line));
  }

  #removeDraft(line: DraftLine): void {
    if (this.#drafts?.remove(line)) this.#draftLines.delete(draftKey(line));
    this.#formDraft = false;
    this.#restoredAt = null;
  }

  dismissNotice(): void {
    this.#notice = null;
  }

  /** Forgets the desk (sign-out). Drafts stay on the device for the next login. */
  reset(): void {
    this.backToQueue();
    this.#drafts = null;
    this.#draftLines.clear();
    this.#draftsOk = true;
    this.#sheetId = null;
    this.#typed = '';
    this.#notice = null;
    this.#lastDraw = 0;
    this.#tab = 'queue';
  }
}
