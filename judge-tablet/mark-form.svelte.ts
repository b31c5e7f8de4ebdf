import {
  criterionScale,
  formatMilli,
  MAX_FAULT_COUNT,
  parseOnScale,
  parseSheetValues,
  toMilli,
  type DecimalResult,
  type MilliScale,
  type RoundingMode,
  type Sheet,
  type SheetValues,
} from '#engine';
import type { Criterion, JudgeContestant } from '#protocol';
import { L, lang, t } from './i18n.ts';
import { restoreRun, runBound, type ClockDraft } from './clock.ts';
import type { FaultTap, FormState } from './drafts.ts';
import { isMeasurement } from './panel.ts';
import { sheetScoreText } from './sheet-score.ts';
import { Stopwatch } from './stopwatch.svelte.ts';
import { durationText } from '../web/present/duration.ts';

type Of<K extends Criterion['kind']> = Extract<Criterion, { kind: K }>;
/** Criteria whose value is a number typed or picked on a scale. */
type Scaled = Of<'judgement'> | Of<'difficulty'> | Of<'imported'>;

export type { FaultTap } from './drafts.ts';

/** A judgement level button: value in milli-points, its label and written descriptor. */
export interface Level {
  milli: number;
  value: string;
  descriptor: string | null;
}

/** One line of the confirm screen. */
export interface SummaryRow {
  criterionId: string;
  label: string;
  text: string;
  emphasis: boolean;
  /** A measurement the panel's recorder gives (read-only for this judge). */
  recorded: boolean;
}

/** Scales with more levels than this get a text input instead of one button per level. */
export const MAX_LEVEL_BUTTONS = 11;

/**
 * The mark being filled in for one contestant on one sheet, generated from the sheet's
 * criteria (nothing trade-specific here). Holds what the judge entered, derives the raw
 * values to send, per-criterion errors, and a live preview of the sheet score computed by the
 * shared engine exactly as the server will.
 *
 * On a panel whose measurements another judge records (`recorded` given), the judge enters
 * and sends only the judgements: the measurements read as the recorder's current values
 * (live, read-only), and the preview scores with them.
 */
export class MarkForm {
  readonly sheet: Sheet;
  readonly contestant: JudgeContestant;
  readonly decimals: number;
  /** How published values round (the scheme's `rounding.mode`). */
  readonly rounding: RoundingMode;
  /** Attempt (run) number, from 1. */
  readonly attempt: number;
  /** One stopwatch per time criterion this judge enters. */
  readonly stopwatches: Record<string, Stopwatch> = {};
  /** The judge sends only the judgements: the measurements are the recorder's. */
  readonly judgementOnly: boolean;
  /** The recorder's current measurements (parsed values; null: none recorded yet). */
  readonly #recorded: (() => Readonly<Record<string, unknown>> | null) | null;

  #counts = $state<Record<string, Record<string, number>>>({});
  /** veto and check answers; null = not answered yet. */
  #flags = $state<Record<string, boolean | null>>({});
  /** Typed text of judgement, imported and time (seconds) criteria. */
  #texts = $state<Record<string, string>>({});
  #log = $state<FaultTap[]>([]);
  /** Time criteria whose stopwatch the device clock made unreliable: the time must be typed. */
  #uncertain = $state<Record<string, boolean>>({});
  /** Time criteria whose reading the judge typed (the face shows it; start continues it). */
  #typed = $state<Record<string, boolean>>({});
  #showErrors = $state(false);
  #seq = 0;
  readonly #onChange: () => void;
  readonly #now: () => number;
  /** A restored stopwatch was not believed (see clock.ts): the draft should say so at once. */
  readonly restoredUncertain: boolean = false;

  constructor(opts: {
    sheet: Sheet;
    contestant: JudgeContestant;
    decimals: number;
    /** The scheme's rounding mode for the preview; half-up when absent. */
    rounding?: RoundingMode;
    attempt: number;
    /** Raw values to start from (a rejected or pending entry, or a saved mark). */
    initial?: Record<string, unknown>;
    /**
     * What the judge had entered when the page last saved it (a draft): taken instead of
     * `initial`, with the fault log and the stopwatches (a running one runs on).
     */
    draft?: FormState;
    /**
     * Given when another judge records this panel's measurements: reads his current values
     * (parsed; null while he has recorded none). The form then holds only the judgements.
     */
    recorded?: () => Readonly<Record<string, unknown>> | null;
    /** Called after every edit (a tap, a stopwatch button, a typed value), to keep a draft. */
    onChange?: () => void;
    /** Wall clock (Date.now), for the drafts' stopwatches. */
    now?: () => number;
  }) {
    const { sheet, draft } = opts;
    this.sheet = sheet;
    this.contestant = opts.contestant;
    this.decimals = opts.decimals;
    this.rounding = opts.rounding ?? 'half-up';
    this.attempt = opts.attempt;
    this.#recorded = opts.recorded ?? null;
    this.judgementOnly = this.#recorded !== null;
    this.#onChange = opts.onChange ?? (() => {});
    this.#now = opts.now ?? (() => Date.now());
    // A draft holds the values as the form keeps them; `initial` as a mark carries them.
    const initial: Record<string, unknown> | undefined = draft
      ? { ...draft.counts, ...draft.flags, ...draft.texts }
      : opts.initial;
    const counts: Record<string, Record<string, number>> = {};
    const flags: Record<string, boolean | null> = {};
    const texts: Record<string, string> = {};
    const uncertain: Record<string, boolean> = {};
    const typed: Record<string, boolean> = {};
    for (const c of sheet.criteria) {
      const v = initial?.[c.id];
      switch (c.kind) {
        case 'faults': {
          const given = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
          counts[c.id] = Object.fromEntries(
            c.faults.map((f) => {
              const n = given[f.id];
              return [f.id, typeof n === 'number' ? Math.min(Math.max(0, n), MAX_FAULT_COUNT) : 0];
            }),
          );
          break;
        }
        case 'veto':
          flags[c.id] = typeof v === 'boolean' ? v : false;
          break;
        case 'check':
          flags[c.id] = typeof v === 'boolean' ? v : null;
          break;
        case 'time': {
          texts[c.id] =
            typeof v === 'number' ? formatMilli(v) : draft && typeof v === 'string' ? v : '';
          if (this.judgementOnly) break;
          const sw = (this.stopwatches[c.id] = new Stopwatch());
          const clock = draft?.clocks[c.id];
          if (clock) {
            const restored = this.#restoreClock(sw, clock, runBound(c.maxMs));
            if (restored === 'uncertain') {
              texts[c.id] = '';
              this.restoredUncertain = true;
            }
            uncertain[c.id] = restored === 'uncertain' || clock.uncertain;
            typed[c.id] = clock.typed;
          } else {
            const r = parseOnScale(texts[c.id]!, { min: 0, max: c.maxMs, step: 1 });
            if (r.ok) sw.set(r.milli);
          }
          break;
        }
        case 'judgement':
        case 'difficulty':
        case 'imported':
          texts[c.id] = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
          break;
      }
    }
    this.#counts = counts;
    this.#flags = flags;
    this.#texts = texts;
    this.#uncertain = uncertain;
    this.#typed = typed;
    if (draft) {
      const known = (t: FaultTap) => counts[t.criterionId]?.[t.faultId] !== undefined;
      this.#log = draft.log.filter(known);
      this.#seq = Math.max(0, ...this.#log.map((t) => t.seq));
    }
  }

  /** Sets a stopwatch from a draft: stopped, running on (wall clock), or not believed. */
  #restoreClock(sw: Stopwatch, clock: ClockDraft, bound: number): 'ok' | 'uncertain' {
    const r = restoreRun(clock, this.#now(), bound);
    if (r.kind === 'uncertain') return 'uncertain';
    sw.set(r.ms);
    if (r.kind === 'running') sw.start();
    return 'ok';
  }

  // ── reading ──────────────────────────────────────────────────────────────

  /** The recorder's current measurements, or null (none yet, or this judge records them). */
  get recorded(): Readonly<Record<string, unknown>> | null {
    return this.#recorded?.() ?? null;
  }

  /** Whether a criterion's value is the recorder's (read-only here), not this judge's. */
  isRecorded(c: Criterion): boolean {
    return this.judgementOnly && isMeasurement(c);
  }

  /** The criteria this judge fills in and sends. */
  get entered(): Criterion[] {
    return this.sheet.criteria.filter((c) => !this.isRecorded(c));
  }

  count(criterionId: string, faultId: string): number {
    if (this.#recordedId(criterionId)) {
      const v = this.recorded?.[criterionId];
      const n = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[faultId] : 0;
      return typeof n === 'number' ? n : 0;
    }
    return this.#counts[criterionId]?.[faultId] ?? 0;
  }

  flag(criterionId: string): boolean | null {
    if (this.#recordedId(criterionId)) {
      const v = this.recorded?.[criterionId];
      return typeof v === 'boolean' ? v : null;
    }
    return this.#flags[criterionId] ?? null;
  }

  text(criterionId: string): string {
    if (this.#recordedId(criterionId)) {
      const v = this.recorded?.[criterionId];
      return typeof v === 'number' ? formatMilli(v) : '';
    }
    return this.#texts[criterionId] ?? '';
  }

  /** Newest first. */
  get log(): readonly FaultTap[] {
    return this.#log;
  }

  get showErrors() {
    return this.#showErrors;
  }

  /** Whether the device clock made a stopwatch unreliable: its time must be typed. */
  uncertain(criterionId: string): boolean {
    return this.#uncertain[criterionId] ?? false;
  }

  /** Whether the time shown was typed by the judge (start then continues from it). */
  typed(criterionId: string): boolean {
    return this.#typed[criterionId] ?? false;
  }

  /**
   * What a stopwatch's face shows: the running time, else the time in the box (typed or
   * recorded); null when there is nothing to believe (a typed time that does not parse, a
   * clock jump not yet answered by a typed time).
   */
  clockFace(c: Of<'time'>): number | null {
    const sw = this.stopwatches[c.id];
    if (sw?.running) return sw.elapsed;
    const r = this.#parseTime(c);
    if (r && !r.ok) return null;
    if (this.#uncertain[c.id] && !r) return null;
    return r ? r.milli : (sw?.elapsed ?? 0);
  }

  /** Everything entered, as a draft keeps it (a running stopwatch: its reading now, now). */
  snapshot(): FormState {
    const now = this.#now();
    const clocks: Record<string, ClockDraft> = {};
    for (const [id, sw] of Object.entries(this.stopwatches))
      clocks[id] = {
        ms: Math.round(sw.read()),
        at: sw.running ? now : null,
        uncertain: this.#uncertain[id] ?? false,
        typed: this.#typed[id] ?? false,
      };
    return {
      counts: $state.snapshot(this.#counts),
      flags: $state.snapshot(this.#flags),
      texts: $state.snapshot(this.#texts),
      log: $state.snapshot(this.#log),
      clocks,
    };
  }

  /** Raw values as sent to the server (`mark.submit.values`): only what this judge enters. */
  readonly raw: Record<string, unknown> = $derived.by(() => {
    const out: Record<string, unknown> = {};
    for (const c of this.sheet.criteria) {
      if (this.isRecorded(c)) continue;
      switch (c.kind) {
        case 'faults': {
          const counts: Record<string, number> = {};
          for (const [id, n] of Object.entries(this.#counts[c.id] ?? {})) if (n > 0) counts[id] = n;
          out[c.id] = counts;
          break;
        }
        case 'veto':
          out[c.id] = this.#flags[c.id] ?? false;
          break;
        case 'check': {
          const f = this.#flags[c.id];
          if (typeof f === 'boolean') out[c.id] = f;
          break;
        }
        case 'time': {
          const r = this.#parseTime(c);
          out[c.id] = r && r.ok ? r.milli : null;
          break;
        }
        case 'judgement':
        case 'difficulty':
        case 'imported':
          out[c.id] = this.#texts[c.id] ?? '';
          break;
      }
    }
    return out;
  });

  /** Per criterion: what is wrong or missing (null when fine). */
  readonly errors: Record<string, string | null> = $derived.by(() => {
    const out: Record<string, string | null> = {};
    for (const c of this.sheet.criteria) {
      out[c.id] = null;
      if (this.isRecorded(c)) continue;
      if (c.kind === 'check' && this.#flags[c.id] === null) out[c.id] = t.check.unanswered;
      if (c.kind === 'time') {
        const r = this.#parseTime(c);
        if (r && !r.ok) out[c.id] = t.time.bad(formatMilli(c.maxMs));
        else if (this.#uncertain[c.id]) out[c.id] = t.time.uncertainError;
      }
      if (c.kind === 'judgement' || c.kind === 'difficulty' || c.kind === 'imported') {
        const r = this.#parseScaled(c);
        if (!r.ok) out[c.id] = inputMessage(r, criterionScale(c)!);
      }
    }
    return out;
  });

  /**
   * Errors to show now: a typed value is checked as soon as it is typed; an unanswered item is
   * flagged only after the judge tried to go on (no red screen on a fresh form).
   */
  visibleError(criterionId: string): string | null {
    const e = this.errors[criterionId];
    if (!e) return null;
    if (this.#showErrors || this.#uncertain[criterionId]) return e;
    return (this.#texts[criterionId] ?? '').trim() !== '' ? e : null;
  }

  /** Number of criteria still missing or wrong. */
  readonly problemCount: number = $derived(
    Object.values(this.errors).filter((e) => e !== null).length,
  );

  /**
   * The shared engine's verdict on the raw values: what the server will check (a judgement-only
   * judge's mark against the judgements alone, as the server reads it).
   */
  readonly parsed = $derived.by(() =>
    parseSheetValues(
      this.judgementOnly ? { ...this.sheet, criteria: this.entered } : this.sheet,
      this.raw,
    ),
  );

  /**
   * Live preview of the sheet score from this judge's entry (and the recorder's measurements
   * on a panel he does not record), in published units, counting unanswered items as nothing
   * (a check not yet ticked scores 0, an empty judgement 0).
   */
  readonly preview = $derived.by(() => {
    const values: SheetValues = {};
    for (const c of this.sheet.criteria) {
      switch (c.kind) {
        case 'faults':
          values[c.id] = Object.fromEntries(c.faults.map((f) => [f.id, this.count(c.id, f.id)]));
          break;
        case 'veto':
          values[c.id] = this.flag(c.id) === true;
          break;
        case 'check':
          values[c.id] = this.flag(c.id) === true;
          break;
        case 'time': {
          const r = this.#parseTime(c);
          values[c.id] = r && r.ok ? r.milli : null;
          break;
        }
        case 'judgement':
        case 'difficulty':
        case 'imported': {
          const r = this.#parseScaled(c);
          if (r.ok) values[c.id] = r.milli;
          break;
        }
      }
    }
    const veto = this.sheet.criteria.find(
      (c): c is Of<'veto'> => c.kind === 'veto' && this.flag(c.id) === true,
    );
    return {
      text: sheetScoreText(this.sheet, values, this.decimals, this.rounding),
      max: formatMilli(this.sheet.points),
      veto: veto ? { label: L(veto.label), scope: veto.scope } : null,
    };
  });

  /** Points a fault criterion currently deducts (before the floor), formatted. */
  deduction(c: Of<'faults'>): string {
    let milli = 0;
    for (const f of c.faults) milli += this.count(c.id, f.id) * toMilli(f.deduction);
    return formatMilli(milli);
  }

  /** The buttons of a judgement scale, or null when it has too many levels for buttons. */
  levels(c: Of<'judgement'> | Of<'difficulty'>): Level[] | null {
    const s = criterionScale(c)!;
    const n = (s.max - s.min) / s.step + 1;
    if (n > MAX_LEVEL_BUTTONS) return null;
    return Array.from({ length: n }, (_, i) => {
      const milli = s.min + i * s.step;
      const d = c.kind === 'judgement' ? c.scale.descriptors?.[i] : undefined;
      return { milli, value: formatMilli(milli), descriptor: d ? L(d) : null };
    });
  }

  /** The parsed milli value of a judgement or imported criterion, or null. */
  scaled(c: Scaled): number | null {
    const r = this.#parseScaled(c);
    return r.ok ? r.milli : null;
  }

  /**
   * Every value in words, for the confirm screen (a measurement another judge records: his
   * value, or "not recorded yet").
   */
  summary(): SummaryRow[] {
    const none = this.judgementOnly && this.recorded === null;
    return this.sheet.criteria.map((c): SummaryRow => {
      const row = this.#summaryRow(c);
      if (!this.isRecorded(c)) return row;
      return none
        ? { ...row, text: t.recorded.none, emphasis: false, recorded: true }
        : { ...row, recorded: true };
    });
  }

  #summaryRow(c: Criterion): SummaryRow {
    const label = L(c.label);
    const recorded = false;
    switch (c.kind) {
      case 'faults': {
        const parts = c.faults
          .filter((f) => this.count(c.id, f.id) > 0)
          .map((f) => {
            const n = this.count(c.id, f.id);
            const pts = formatMilli(n * toMilli(f.deduction));
            return t.value.fault(L(f.label), n, pts);
          });
        const text = parts.length ? parts.join('\n') : t.value.noFaults;
        return { criterionId: c.id, label, text, emphasis: parts.length > 0, recorded };
      }
      case 'veto': {
        const on = this.flag(c.id) === true;
        return {
          criterionId: c.id,
          label,
          text: on ? t.veto.yes : t.veto.no,
          emphasis: on,
          recorded,
        };
      }
      case 'check': {
        const f = this.flag(c.id);
        const text = f === true ? t.check.pass : f === false ? t.check.fail : '—';
        return { criterionId: c.id, label, text, emphasis: f === false, recorded };
      }
      case 'time': {
        const r = this.#parseTime(c);
        // A recorded time in the one duration format (the printed sheet says the same).
        const text = r && r.ok ? durationText(r.milli, lang) : t.time.notTimed;
        return { criterionId: c.id, label, text, emphasis: false, recorded };
      }
      case 'judgement': {
        const milli = this.scaled(c);
        const level = this.levels(c)?.find((l) => l.milli === milli);
        const text =
          milli === null ? '—' : (level?.descriptor ?? `${formatMilli(milli)} / ${c.scale.max}`);
        return { criterionId: c.id, label, text, emphasis: false, recorded };
      }
      case 'difficulty': {
        const milli = this.scaled(c);
        const text = milli === null ? '—' : formatMilli(milli);
        return { criterionId: c.id, label, text, emphasis: false, recorded };
      }
      case 'imported': {
        const milli = this.scaled(c);
        const text = milli === null ? '—' : `${formatMilli(milli)} / ${c.points}`;
        return { criterionId: c.id, label, text, emphasis: false, recorded };
      }
    }
  }

  // ── editing ──────────────────────────────────────────────────────────────

  /** Counts one fault (+1), time-stamped with a running stopwatch. */
  tap(criterionId: string, faultId: string): void {
    if (this.#recordedId(criterionId)) return;
    const n = this.count(criterionId, faultId);
    if (n >= MAX_FAULT_COUNT) return;
    this.#counts[criterionId]![faultId] = n + 1;
    this.#logTap(criterionId, faultId, 1);
    this.#onChange();
  }

  /** Takes one count back (−1). */
  undo(criterionId: string, faultId: string): void {
    if (this.#recordedId(criterionId)) return;
    const n = this.count(criterionId, faultId);
    if (n <= 0) return;
    this.#counts[criterionId]![faultId] = n - 1;
    this.#logTap(criterionId, faultId, -1);
    this.#onChange();
  }

  setFlag(criterionId: string, value: boolean): void {
    if (this.#recordedId(criterionId)) return;
    this.#flags[criterionId] = value;
    this.#onChange();
  }

  /**
   * A value typed or picked. A typed time moves the stopwatch's face to it (start then
   * continues from it); a time typed after a clock jump answers the jump.
   */
  setText(criterionId: string, value: string): void {
    if (this.#recordedId(criterionId)) return;
    this.#texts[criterionId] = value;
    const c = this.sheet.criteria.find((x) => x.id === criterionId);
    const sw = this.stopwatches[criterionId];
    if (c?.kind === 'time' && sw && !sw.running) {
      const r = this.#parseTime(c);
      this.#typed[criterionId] = true;
      if (r?.ok) {
        sw.set(r.milli);
        this.#uncertain[criterionId] = false;
      } else if (!r) sw.set(0);
    }
    this.#onChange();
  }

  startStopwatch(criterionId: string): void {
    const sw = this.stopwatches[criterionId];
    if (!sw || sw.running) return;
    sw.start();
    this.#typed[criterionId] = false;
    this.#onChange();
  }

  /** Stops the stopwatch and records its reading as the criterion's time. */
  stopStopwatch(criterionId: string): void {
    const sw = this.stopwatches[criterionId];
    if (!sw) return;
    this.#texts[criterionId] = formatMilli(sw.stop());
    this.#onChange();
  }

  resetStopwatch(criterionId: string): void {
    this.stopwatches[criterionId]?.reset();
    this.#texts[criterionId] = '';
    this.#typed[criterionId] = false;
    this.#uncertain[criterionId] = false;
    this.#onChange();
  }

  /**
   * The device clock jumped (or the tablet slept) while the page lived: every running
   * stopwatch's time is uncertain and must be typed. They run on; the judge decides.
   */
  clockJumped(): boolean {
    let any = false;
    for (const [id, sw] of Object.entries(this.stopwatches))
      if (sw.running) {
        this.#uncertain[id] = true;
        any = true;
      }
    // Saved again, the draft's wall-clock anchor follows the jump.
    if (any) this.#onChange();
    return any;
  }

  /** Stops running stopwatches (recording their times) before the confirm screen. */
  stopAll(): void {
    for (const [id, sw] of Object.entries(this.stopwatches)) if (sw.running) this.stopStopwatch(id);
  }

  /** Shows every error, including unanswered items. Returns true when the mark is complete. */
  validate(): boolean {
    this.#showErrors = true;
    return this.complete;
  }

  /** Whether the mark can be sent: valid, and no time left uncertain by a clock jump. */
  get complete(): boolean {
    return this.parsed.ok && !Object.values(this.#uncertain).some(Boolean);
  }

  dispose(): void {
    for (const sw of Object.values(this.stopwatches)) sw.dispose();
  }

  /** Whether a criterion id names a measurement another judge records. */
  #recordedId(criterionId: string): boolean {
    if (!this.judgementOnly) return false;
    const c = this.sheet.criteria.find((x) => x.id === criterionId);
    return !!c && isMeasurement(c);
  }

  #logTap(criterionId: string, faultId: string, delta: 1 | -1): void {
    const sw = Object.values(this.stopwatches).find((s) => s.running);
    const tap: FaultTap = {
      seq: ++this.#seq,
      criterionId,
      faultId,
      delta,
      runMs: sw ? sw.read() : null,
      at: Date.now(),
    };
    this.#log = [tap, ...this.#log].slice(0, 50);
  }

  /** Seconds as typed → ms (milli-seconds are exactly parseMilli's milli), or null when empty. */
  #parseTime(c: Of<'time'>): DecimalResult | null {
    const text = this.text(c.id).trim();
    if (text === '') return null;
    return parseOnScale(text, { min: 0, max: c.maxMs, step: 1 });
  }

  #parseScaled(c: Scaled): DecimalResult {
    return parseOnScale(this.text(c.id), criterionScale(c)!);
  }
}

/** The engine's Chinese message, or an English one built from the error code. */
function inputMessage(r: Extract<DecimalResult, { ok: false }>, scale: MilliScale): string {
  if (lang === 'zh') return r.message;
  switch (r.error) {
    case 'input/empty':
      return t.input.required;
    case 'input/off_step':
      return `Not on the step of ${formatMilli(scale.step)}`;
    case 'input/off_scale':
      return `Outside ${formatMilli(scale.min)}–${formatMilli(scale.max)}`;
    case 'input/too_precise':
      return 'Too many decimals';
    default:
      return 'Not a valid number';
  }
}

/** Converts a saved mark's parsed values (milli-points) back to form input. */
export function rawFromParsed(sheet: Sheet, values: SheetValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of sheet.criteria) {
    const v = values[c.id];
    if (v === undefined) continue;
    out[c.id] =
      (c.kind === 'judgement' || c.kind === 'difficulty' || c.kind === 'imported') &&
      typeof v === 'number'
        ? formatMilli(v)
        : v;
  }
  return out;
}
