import type {
  ContestantImportAnswer,
  ContestantRow,
  DrawAnswer,
  LineError,
  ScoreConflict,
  ScoreImportAnswer,
  ScoreImportRequest,
  ScoreLine,
} from '#protocol';
import { failText, wordLineErrors, type Api, type ApiResult } from './api.ts';
import type { Dict } from './i18n.ts';
import { decodeText } from '../web/decode-text.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The importer's choice for a conflicting line: keep what is there, or overwrite with a reason. */
export interface ConflictChoice {
  action: 'keep' | 'overwrite' | null;
  reason: string;
}

/** Shortest overwrite reason the server accepts. */
const MIN_REASON = 2;

/** The errors a 422 (or a 200 with a list) carries; [] when the body has none. */
function errorsOf(body: unknown): LineError[] {
  const e = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(e) ? (e as LineError[]) : [];
}

/** A file picked for import: its bytes (sent again unchanged on confirm) and its content type. */
interface Picked {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  type: string;
}

/** The content type of a picked contestant file: XLSX by name or by its zip signature. */
export function contestantFileType(name: string, bytes: Uint8Array): string {
  return /\.xlsx$/i.test(name) || (bytes[0] === 0x50 && bytes[1] === 0x4b) ? XLSX_TYPE : 'text/csv';
}

/**
 * One import panel's state: the picked file, the server's preview (dry run) with per-line
 * errors, and the outcome of the confirmed write. Nothing is written until the organiser
 * confirms an error-free preview.
 */
class ImportPanel<Row> {
  #file = $state.raw<Picked | null>(null);
  #rows = $state.raw<Row[]>([]);
  #errors = $state.raw<LineError[]>([]);
  #checking = $state.raw(false);
  #checked = $state.raw(false);
  #failure = $state.raw<string | null>(null);
  #done = $state.raw<string | null>(null);

  get fileName(): string | null {
    return this.#file?.name ?? null;
  }
  get rows(): Row[] {
    return this.#rows;
  }
  get errors(): LineError[] {
    return this.#errors;
  }
  get checking(): boolean {
    return this.#checking;
  }
  /** A preview arrived and has no error: the write may be confirmed. */
  get ready(): boolean {
    return this.#checked && !this.#errors.length && this.#rows.length > 0 && !this.#failure;
  }
  get checked(): boolean {
    return this.#checked;
  }
  /** The request itself failed (unreadable file, no permission, network). */
  get failure(): string | null {
    return this.#failure;
  }
  /** The message after a successful write. */
  get done(): string | null {
    return this.#done;
  }
  protected get file(): Picked | null {
    return this.#file;
  }

  protected begin(file: Picked): void {
    this.#file = file;
    this.#rows = [];
    this.#errors = [];
    this.#checked = false;
    this.#checking = true;
    this.#failure = null;
    this.#done = null;
  }

  /** Shows a preview: the rows, and the refused lines worded in the console's language. */
  protected settle(rows: Row[], errors: LineError[], failure: string | null): void {
    this.#rows = rows;
    this.#errors = wordLineErrors(errors);
    this.#failure = failure;
    this.#checking = false;
    this.#checked = true;
  }

  protected finish(message: string): void {
    this.#done = message;
    this.#file = null;
    this.#rows = [];
    this.#errors = [];
    this.#checked = false;
  }

  reset(): void {
    this.#file = null;
    this.#rows = [];
    this.#errors = [];
    this.#checked = false;
    this.#checking = false;
    this.#failure = null;
    this.#done = null;
  }
}

async function readPicked(file: File, type: (bytes: Uint8Array) => string): Promise<Picked> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, bytes, type: type(bytes) };
}

/** The contestant list (CSV in UTF-8/BOM/GBK, or XLSX), previewed by the server. */
export class ContestantImport extends ImportPanel<ContestantRow> {
  readonly #t: Dict;

  constructor(t: Dict) {
    super();
    this.#t = t;
  }

  async pick(api: Api, file: File): Promise<void> {
    const picked = await readPicked(file, (b) => contestantFileType(file.name, b));
    this.begin(picked);
    const r = await api.request<ContestantImportAnswer>(
      api.competition('/contestants/import?dryRun=1'),
      { raw: picked.bytes, contentType: picked.type },
    );
    if (r.ok) this.settle(r.data.rows, r.data.errors ?? [], null);
    else if (r.status === 422) {
      const b = r.body as ContestantImportAnswer;
      this.settle(b.rows ?? [], errorsOf(b), null);
    } else this.settle([], [], failText(r, this.#t));
  }

  /** The write, for the confirmation dialog. */
  write(api: Api): Promise<ApiResult<ContestantImportAnswer>> {
    const f = this.file;
    if (!f)
      return Promise.resolve({ ok: false, status: 0, error: 'none', message: '', body: null });
    return api.request<ContestantImportAnswer>(api.competition('/contestants/import'), {
      raw: f.bytes,
      contentType: f.type,
    });
  }

  written(imported: number): void {
    this.finish(this.#t.imports.contestantsDone(imported));
  }
}

/**
 * The theory exam's `bib,score` CSV into one of the scheme's `imported` criteria. The preview is
 * the server's dry run: each line as it would be stored and the mark it supersedes. The
 * confirmed import sends those mark ids back (`seen`), so a line a judge corrected on a tablet
 * after the preview comes back as a conflict (409), listed here for a per-line choice: keep the
 * correction, or overwrite it with a reason. The criterion is fixed when the file is picked, so
 * the confirmed write goes where the preview was checked.
 */
export class TheoryImport extends ImportPanel<ScoreLine> {
  readonly #t: Dict;
  /** The file as text (Excel's GBK decoded here), sent unchanged to the dry run and the import. */
  #text = '';
  /** bib → the mark id the preview showed. */
  #seen: Record<string, number | null> = {};
  /** The criterion the organiser chose; null: the scheme's first imported criterion. */
  #chosen = $state.raw<string | null>(null);
  /** The criterion of the picked file. */
  #criterionId = '';
  #conflicts = $state.raw<ScoreConflict[]>([]);
  #choices = $state<Record<string, ConflictChoice>>({});
  #resolving = $state.raw(false);
  #conflictError = $state.raw<string | null>(null);

  constructor(t: Dict) {
    super();
    this.#t = t;
  }

  get chosen(): string | null {
    return this.#chosen;
  }

  /** Lines the import would write (new or changed scores). */
  get toWrite(): number {
    return this.rows.filter((r) => r.change === 'new' || r.change === 'changed').length;
  }

  /** Lines whose mark changed after the preview, waiting for a choice. */
  get conflicts(): ScoreConflict[] {
    return this.#conflicts;
  }

  /** The choice made for a conflicting line (reactive: edit its fields in place). */
  choice(bib: string): ConflictChoice {
    return this.#choices[bib] ?? { action: null, reason: '' };
  }

  /** Keeps every conflicting line as it is (nothing of theirs is overwritten). */
  keepAll(): void {
    for (const c of this.#conflicts) this.choice(c.bib).action = 'keep';
  }

  /** Conflicting lines without a choice, or overwritten without a reason the server accepts. */
  get undecided(): number {
    return this.#conflicts.filter((c) => {
      const ch = this.#choices[c.bib];
      const ok =
        ch?.action === 'keep' ||
        (ch?.action === 'overwrite' && [...ch.reason.trim()].length >= MIN_REASON);
      return !ok;
    }).length;
  }

  /** Every conflict has a choice, and every overwrite a reason. */
  get decided(): boolean {
    return this.undecided === 0;
  }

  get resolving(): boolean {
    return this.#resolving;
  }

  /** Why the last decided import did not go through (the server's message). */
  get conflictError(): string | null {
    return this.#conflictError;
  }

  override get ready(): boolean {
    return super.ready && this.toWrite > 0 && !this.#conflicts.length;
  }

  /** Chooses another criterion; a preview made for the previous one is dropped. */
  choose(criterionId: string): void {
    if (criterionId === this.#chosen) return;
    this.#chosen = criterionId;
    this.#clear();
    super.reset();
  }

  async pick(api: Api, file: File, criterionId: string): Promise<void> {
    const picked = await readPicked(file, () => 'text/csv');
    this.#text = decodeText(picked.bytes);
    this.#criterionId = criterionId;
    this.#clear();
    this.begin(picked);
    const r = await api.request<ScoreImportAnswer>(api.competition(this.#path(true)), {
      raw: this.#text,
      contentType: 'text/csv; charset=utf-8',
    });
    const body = (r.ok ? r.data : r.status === 422 ? r.body : null) as ScoreImportAnswer | null;
    this.#seen = Object.fromEntries((body?.lines ?? []).map((l) => [l.bib, l.supersedes]));
    if (body) this.settle(body.lines ?? [], body.errors ?? [], null);
    else if (!r.ok) this.settle([], [], failText(r, this.#t));
  }

  /**
   * The confirmed import with what the preview showed. A conflict (409) is not a failure of
   * the dialog: it closes, and the conflicting lines wait here for a choice.
   */
  async write(api: Api): Promise<ApiResult<{ answer: ScoreImportAnswer; conflicts: boolean }>> {
    const r = await this.#send(api, {});
    if (r.ok) return { ok: true, status: r.status, data: { answer: r.data, conflicts: false } };
    const body = r.body as ScoreImportAnswer | null;
    if (r.status === 409 && body?.conflicts?.length) {
      this.#showConflicts(body.conflicts);
      return { ok: true, status: r.status, data: { answer: body, conflicts: true } };
    }
    if (r.status === 422 && body?.errors) this.settle(body.lines ?? this.rows, body.errors, null);
    return r;
  }

  /** The import again with a choice for every conflicting line. */
  async resolve(api: Api): Promise<void> {
    if (!this.decided || this.#resolving) return;
    const seen = { ...this.#seen };
    const overwrite: Record<string, string> = {};
    const keep: string[] = [];
    for (const c of this.#conflicts) {
      const ch = this.#choices[c.bib]!;
      if (ch.action === 'keep') keep.push(c.bib);
      else {
        // Overwrite what was shown: the mark the line holds now.
        seen[c.bib] = c.current?.markId ?? null;
        overwrite[c.bib] = ch.reason.replace(/\s+/g, ' ').trim();
      }
    }
    this.#resolving = true;
    this.#conflictError = null;
    const r = await this.#send(api, { seen, overwrite, keep });
    this.#resolving = false;
    if (r.ok) return this.written({ answer: r.data, conflicts: false });
    const body = r.body as ScoreImportAnswer | null;
    if (r.status === 409 && body?.conflicts?.length) {
      // Changed again meanwhile: these are the lines to decide now.
      this.#showConflicts(body.conflicts);
      this.#conflictError = r.message;
    } else if (r.status === 422 && body?.errors) {
      this.#conflictError = wordLineErrors(body.errors)
        .map((e) => e.message)
        .join('；');
    } else this.#conflictError = failText(r, this.#t);
  }

  written(a: { answer: ScoreImportAnswer; conflicts: boolean }): void {
    if (a.conflicts) return;
    this.#clear();
    const { imported, unchanged, kept } = a.answer;
    this.finish(
      kept
        ? this.#t.imports.theoryDoneKept(imported, unchanged, kept)
        : this.#t.imports.theoryDone(imported, unchanged),
    );
  }

  override reset(): void {
    super.reset();
    this.#clear();
    this.#chosen = null;
  }

  #showConflicts(conflicts: ScoreConflict[]): void {
    // A choice stays only while the line still holds the mark it was made for.
    const before: Record<string, number | null> = Object.fromEntries(
      this.#conflicts.map((c) => [c.bib, c.current?.markId ?? null]),
    );
    const choices: Record<string, ConflictChoice> = {};
    for (const c of conflicts) {
      const old = this.#choices[c.bib];
      choices[c.bib] =
        old && before[c.bib] === (c.current?.markId ?? null) ? old : { action: null, reason: '' };
    }
    this.#choices = choices;
    this.#conflicts = conflicts;
  }

  #clear(): void {
    this.#conflicts = [];
    this.#choices = {};
    this.#conflictError = null;
    this.#resolving = false;
  }

  #path(dryRun: boolean): string {
    return `/imports/${encodeURIComponent(this.#criterionId)}${dryRun ? '?dryRun=1' : ''}`;
  }

  /** `POST …/imports/:criterionId` `{csv, seen, overwrite?, keep?}`: the import itself. */
  #send(
    api: Api,
    decision: Omit<ScoreImportRequest, 'csv'>,
  ): Promise<ApiResult<ScoreImportAnswer>> {
    return api.request<ScoreImportAnswer>(api.competition(this.#path(false)), {
      json: { ...decision, csv: this.#text, seen: decision.seen ?? this.#seen },
    });
  }
}

/** `POST …/draw` `{seed?}`: the running order drawn from a recorded seed. */
export function drawOrder(api: Api, seed: number | null): Promise<ApiResult<DrawAnswer>> {
  return api.request<DrawAnswer>(api.competition('/draw'), {
    json: seed === null ? {} : { seed },
  });
}
