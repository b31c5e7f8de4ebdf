import { failText, type Api, type ApiResult } from './api.ts';
import type { Dict } from './i18n.ts';
import { csvRecords, decodeText, previewScores, type ScoreLine } from './theory-csv.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface LineError {
  line: number;
  message: string;
}

/** `POST …/contestants/import?dryRun=1`: one row read from the file. */
export interface ContestantRow {
  line: number;
  bib: string;
  name: string;
  organisation: string;
  drawOrder: number | null;
}

interface ContestantPreview {
  rows: ContestantRow[];
  errors: LineError[];
  imported?: number;
}

interface TheoryAnswer {
  dryRun: boolean;
  rows: number;
  imported: number;
  unchanged: number;
  errors: LineError[];
}

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

  protected settle(rows: Row[], errors: LineError[], failure: string | null): void {
    this.#rows = rows;
    this.#errors = errors;
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
    const r = await api.request<ContestantPreview>(
      api.competition('/contestants/import?dryRun=1'),
      { raw: picked.bytes, contentType: picked.type },
    );
    if (r.ok) this.settle(r.data.rows, r.data.errors ?? [], null);
    else if (r.status === 422) {
      const b = r.body as ContestantPreview;
      this.settle(b.rows ?? [], errorsOf(b), null);
    } else this.settle([], [], failText(r, this.#t));
  }

  /** The write, for the confirmation dialog. */
  write(api: Api): Promise<ApiResult<ContestantPreview>> {
    const f = this.file;
    if (!f)
      return Promise.resolve({ ok: false, status: 0, error: 'none', message: '', body: null });
    return api.request<ContestantPreview>(api.competition('/contestants/import'), {
      raw: f.bytes,
      contentType: f.type,
    });
  }

  written(imported: number): void {
    this.finish(this.#t.imports.contestantsDone(imported));
  }
}

/**
 * The theory exam's `bib,score` CSV, previewed here and checked by the server (dry run), into
 * one of the scheme's `imported` criteria. The criterion is fixed when the file is picked, so
 * the confirmed write goes where the preview was checked.
 */
export class TheoryImport extends ImportPanel<ScoreLine> {
  readonly #t: Dict;
  #text = '';
  /** The criterion the organiser chose; null: the scheme's first imported criterion. */
  #chosen = $state.raw<string | null>(null);
  /** The criterion of the picked file. */
  #criterionId = '';

  constructor(t: Dict) {
    super();
    this.#t = t;
  }

  get chosen(): string | null {
    return this.#chosen;
  }

  /** Chooses another criterion; a preview made for the previous one is dropped. */
  choose(criterionId: string): void {
    if (criterionId === this.#chosen) return;
    this.#chosen = criterionId;
    super.reset();
  }

  async pick(api: Api, file: File, criterionId: string): Promise<void> {
    const picked = await readPicked(file, () => 'text/csv');
    // Excel's GBK is decoded here, so the server always gets UTF-8 text.
    this.#text = decodeText(picked.bytes);
    this.#criterionId = criterionId;
    this.begin(picked);
    const rows = previewScores(csvRecords(this.#text));
    const r = await this.#send(api, true);
    if (r.ok) this.settle(rows, r.data.errors ?? [], null);
    else if (r.status === 422) this.settle(rows, errorsOf(r.body), null);
    else this.settle(rows, [], failText(r, this.#t));
  }

  write(api: Api): Promise<ApiResult<TheoryAnswer>> {
    return this.#send(api, false);
  }

  written(a: TheoryAnswer): void {
    this.finish(this.#t.imports.theoryDone(a.imported, a.unchanged));
  }

  override reset(): void {
    super.reset();
    this.#chosen = null;
  }

  #send(api: Api, dryRun: boolean): Promise<ApiResult<TheoryAnswer>> {
    return api.request<TheoryAnswer>(
      api.competition(
        `/imports/${encodeURIComponent(this.#criterionId)}${dryRun ? '?dryRun=1' : ''}`,
      ),
      { raw: this.#text, contentType: 'text/csv; charset=utf-8' },
    );
  }
}

/** `POST …/draw` `{seed?}`: the running order drawn from a recorded seed. */
export interface DrawResult {
  seed: number;
  order: { bib: string; drawOrder: number }[];
}

export function drawOrder(api: Api, seed: number | null): Promise<ApiResult<DrawResult>> {
  return api.request<DrawResult>(api.competition('/draw'), {
    json: seed === null ? {} : { seed },
  });
}
