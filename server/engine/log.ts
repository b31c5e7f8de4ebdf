import type { CurrentMark, Reruns } from './scoring.ts';
import type { Sheet } from './scheme-index.ts';
import type { SheetValues } from './values.ts';

/**
 * The rules version new log entries are written under. The log is append-only and replayed at
 * boot, so a rule that changes how entries fold applies only to entries written under it; an
 * entry keeps the version it was written with (`marks.rules`), and old logs keep their meaning.
 *
 * - 1: every mark is its author's line (a one-judge sheet marked by two officials holds two
 *   lines, and judgements average); measurements come from the latest mark of the panel; a
 *   void leaves its line empty.
 * - 2: every mark has an owner (whose line it is: the judge's on a panel sheet, the line itself
 *   on a one-judge sheet) and an author (who wrote it); the owner's latest mark is current;
 *   measurements on a panel come from the station's recorder; a void restores the mark the
 *   voided one replaced.
 */
export const MARK_RULES = 2;

/** Rules versions an entry may carry. */
export type MarkRules = 1 | 2;

/**
 * The marks log (评分记录) as the engine sees it: an append-only sequence in commit order
 * (`seq`); results never depend on wall clocks.
 */
export type LogEntry =
  | {
      kind: 'mark';
      seq: number;
      contestantId: number;
      sheetId: string;
      /** The author: the official who wrote the mark. */
      judgeId: number;
      attempt?: number;
      values: SheetValues;
      /** Rules version written under (absent: 1). */
      rules?: MarkRules;
      /** Rules 2: the panel judge whose line this is; null: the line of a one-judge sheet. */
      owner?: number | null;
      /** Rules 2: this mark carries the sheet's measurements (its author recorded them). */
      measures?: boolean;
    }
  | { kind: 'void'; seq: number; markSeq: number }
  | { kind: 'rerun'; seq: number; contestantId: number; stationId: string; attempt: number };

/** A line: one owner's marks on one contestant × sheet × attempt, oldest first; the last is current. */
type Line = CurrentMark[];

/** Current state folded from a log: what scoring and every view read. */
export interface MarkBook {
  /** contestantId → sheetId → the current mark of every line (one per owner and attempt). */
  marks: Map<number, Map<string, CurrentMark[]>>;
  /** contestantId → stationId → voided attempts. */
  reruns: Map<number, Map<string, number[]>>;
  /** mark seq → where it lives, for voids. */
  bySeq: Map<number, { contestantId: number; sheetId: string; line: string }>;
  /** contestantId → sheetId → line key (`attempt:owner`) → the line's live marks. */
  lines: Map<number, Map<string, Map<string, Line>>>;
}

export function emptyBook(): MarkBook {
  return { marks: new Map(), reruns: new Map(), bySeq: new Map(), lines: new Map() };
}

/**
 * The owner of a mark written now (rules 2): on a sheet one judge fills, the line itself
 * (null), so a second official's mark supersedes the first; on a panel, the author's own line.
 * Inquiries, rechecks and double entry will write marks whose author is not their owner.
 */
export function ownerOf(sheet: Pick<Sheet, 'judges'>, authorId: number): number | null {
  return sheet.judges === 1 ? null : authorId;
}

/** Owner part of a line key: `line` for a one-judge sheet's line, else `j<official id>`. */
export function ownerKey(owner: number | null): string {
  return owner === null ? 'line' : `j${owner}`;
}

const lineKey = (attempt: number, owner: number | null) => `${attempt}:${ownerKey(owner)}`;

function sheetLines(book: MarkBook, contestantId: number, sheetId: string) {
  let bySheet = book.lines.get(contestantId);
  if (!bySheet) book.lines.set(contestantId, (bySheet = new Map()));
  let lines = bySheet.get(sheetId);
  if (!lines) bySheet.set(sheetId, (lines = new Map()));
  return lines;
}

/** Re-derives `book.marks` for one sheet from its lines: the last mark of every line. */
function publish(book: MarkBook, contestantId: number, sheetId: string): void {
  const lines = book.lines.get(contestantId)?.get(sheetId);
  let bySheet = book.marks.get(contestantId);
  if (!bySheet) book.marks.set(contestantId, (bySheet = new Map()));
  const current: CurrentMark[] = [];
  for (const line of lines?.values() ?? []) if (line.length) current.push(line[line.length - 1]!);
  bySheet.set(sheetId, current);
}

/**
 * Folds one log entry into the book (mutates it, O(panel size + line history)); returns the
 * contestant whose score may have changed, or null. Applying a log's entries in seq order with
 * this function is the definition of "current marks": the live server, a restart and every
 * view use it. Each entry folds under the rules it was written with ({@link MARK_RULES}).
 */
export function applyEntry(book: MarkBook, e: LogEntry): number | null {
  switch (e.kind) {
    case 'mark': {
      const rules = e.rules ?? 1;
      const attempt = e.attempt ?? 1;
      const owner = rules === 1 ? e.judgeId : (e.owner ?? null);
      const lines = sheetLines(book, e.contestantId, e.sheetId);
      const key = lineKey(attempt, owner);
      let line = lines.get(key) ?? [];
      if (rules >= 2 && owner === null) {
        // The line of a one-judge sheet takes over the per-author lines rules 1 wrote on it,
        // so it supersedes them (and a void of this mark restores the latest of them).
        const absorbed: CurrentMark[] = [];
        for (const [k, l] of lines)
          if (k !== key && k.startsWith(`${attempt}:`)) {
            absorbed.push(...l);
            lines.delete(k);
          }
        if (absorbed.length) {
          line = [...absorbed, ...line].sort((a, b) => a.seq - b.seq);
          for (const m of absorbed)
            book.bySeq.set(m.seq, { contestantId: e.contestantId, sheetId: e.sheetId, line: key });
        }
      }
      const mark: CurrentMark = {
        seq: e.seq,
        judgeId: e.judgeId,
        owner,
        values: e.values,
        attempt,
        rules,
        measures: rules === 1 || e.measures === true,
      };
      // Rules 1 kept only the latest mark of a line; rules 2 keeps the history a void restores.
      line = rules === 1 ? [mark] : [...line, mark];
      lines.set(key, line);
      book.bySeq.set(e.seq, { contestantId: e.contestantId, sheetId: e.sheetId, line: key });
      publish(book, e.contestantId, e.sheetId);
      return e.contestantId;
    }
    case 'void': {
      const at = book.bySeq.get(e.markSeq);
      if (!at) return null;
      const lines = book.lines.get(at.contestantId)?.get(at.sheetId);
      const line = lines?.get(at.line);
      if (!lines || !line) return null;
      // The mark drops out; under rules 2 the line keeps its history, so the mark it replaced
      // is current again (a rules-1 line holds only its latest mark: it is left empty).
      lines.set(
        at.line,
        line.filter((m) => m.seq !== e.markSeq),
      );
      publish(book, at.contestantId, at.sheetId);
      return at.contestantId;
    }
    case 'rerun': {
      let byStation = book.reruns.get(e.contestantId);
      if (!byStation) book.reruns.set(e.contestantId, (byStation = new Map()));
      const list = byStation.get(e.stationId) ?? [];
      if (!list.includes(e.attempt)) byStation.set(e.stationId, [...list, e.attempt]);
      return e.contestantId;
    }
  }
}

/** Folds a whole log (any order; sorted by seq first). */
export function resolveLog(entries: readonly LogEntry[]): MarkBook {
  const book = emptyBook();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) applyEntry(book, e);
  return book;
}

/** A contestant's reruns from a book, as scoring wants them. */
export function rerunsOf(book: MarkBook, contestantId: number): Reruns {
  return book.reruns.get(contestantId) ?? new Map();
}

/**
 * The current mark of an owner's line (what a new write by that owner supersedes), or
 * undefined when the line holds none. On a one-judge sheet pass `owner` null: the line's
 * current mark whoever wrote it (a rules-1 log may hold several authors' lines there: the
 * latest of them).
 */
export function currentOf(
  book: MarkBook,
  contestantId: number,
  sheetId: string,
  attempt: number,
  owner: number | null,
): CurrentMark | undefined {
  const lines = book.lines.get(contestantId)?.get(sheetId);
  if (!lines) return undefined;
  if (owner !== null) {
    const line = lines.get(lineKey(attempt, owner));
    return line?.[line.length - 1];
  }
  let head: CurrentMark | undefined;
  for (const [k, line] of lines) {
    const top = line[line.length - 1];
    if (k.startsWith(`${attempt}:`) && top && (!head || top.seq > head.seq)) head = top;
  }
  return head;
}

/** Whether mark `seq` is the current mark of its line (a void or correction targets only those). */
export function isCurrent(book: MarkBook, seq: number): boolean {
  const at = book.bySeq.get(seq);
  const line = at && book.lines.get(at.contestantId)?.get(at.sheetId)?.get(at.line);
  return !!line && line[line.length - 1]?.seq === seq;
}

/** The mark a void of `seq` would make current again (rules 2), or null. */
export function restoredBy(book: MarkBook, seq: number): CurrentMark | null {
  const at = book.bySeq.get(seq);
  const line = at && book.lines.get(at.contestantId)?.get(at.sheetId)?.get(at.line);
  if (!line || line[line.length - 1]?.seq !== seq) return null;
  return line[line.length - 2] ?? null;
}

/** How a mark written now sits in the log: its owner, whether it measures, what it may hold. */
export type Authorship =
  | {
      ok: true;
      owner: number | null;
      measures: boolean;
      /** Criterion ids the mark may carry (a panel judge who is not the recorder: judgements only). */
      criteria: ReadonlySet<string>;
    }
  | {
      ok: false;
      error: 'mark/no_recorder' | 'mark/not_recorder';
      /** With `mark/not_recorder`: the measured criterion ids the write carried. */
      sent: string[];
      message: string;
    };

/**
 * The rules-2 authorship of a mark by `authorId` on `sheet` (docs/scheme.md, "Whose line a mark
 * is" and "Measurements on a panel"). A one-judge sheet: the line is the owner and the mark
 * carries everything. A panel sheet with measurements: the station's recorder's mark carries
 * them; another judge's mark holds only judgements (sending a measurement is refused, so
 * nothing he typed is silently dropped), and with no recorder named the panel cannot be marked.
 * @param recorderId the official recording the station's measurements, if any.
 * @param sentIds criterion ids the write carries.
 */
export function authorship(
  sheet: Pick<Sheet, 'judges' | 'criteria' | 'label'>,
  authorId: number,
  recorderId: number | undefined,
  sentIds: readonly string[] = [],
): Authorship {
  const all = new Set(sheet.criteria.map((c) => c.id));
  if (sheet.judges === 1) return { ok: true, owner: null, measures: true, criteria: all };
  const measured = sheet.criteria.filter((c) => c.kind !== 'judgement').map((c) => c.id);
  if (!measured.length || recorderId === authorId)
    return { ok: true, owner: authorId, measures: measured.length > 0, criteria: all };
  if (recorderId === undefined)
    return {
      ok: false,
      error: 'mark/no_recorder',
      sent: [],
      message: `${sheet.label.zh} 的测量项（扣分、计时等）尚未指定记录裁判，请联系组委会在分工中指定`,
    };
  const sent = sentIds.filter((id) => measured.includes(id));
  if (sent.length)
    return {
      ok: false,
      error: 'mark/not_recorder',
      sent,
      message: `${sheet.label.zh} 的测量项由记录裁判填写，您只需评判分（多余的项：${sent.join('、')}）`,
    };
  return {
    ok: true,
    owner: authorId,
    measures: false,
    criteria: new Set(sheet.criteria.filter((c) => c.kind === 'judgement').map((c) => c.id)),
  };
}
