import type { CurrentMark, Reruns } from './scoring.ts';
import type { SheetValues } from './values.ts';

/**
 * The marks log (评分记录) as the engine sees it: an append-only sequence. A judge's later
 * mark on the same line (contestant × sheet × attempt) replaces the earlier one — three judges
 * stay three; a void drops a mark out; a re-run voids an attempt of a station and grants one
 * more. The order of `seq` is the order of commits; results never depend on wall clocks.
 */
export type LogEntry =
  | {
      kind: 'mark';
      seq: number;
      contestantId: number;
      sheetId: string;
      judgeId: number;
      attempt?: number;
      values: SheetValues;
    }
  | { kind: 'void'; seq: number; markSeq: number }
  | { kind: 'rerun'; seq: number; contestantId: number; stationId: string; attempt: number };

/** Current state folded from a log: what scoring reads. */
export interface MarkBook {
  /** contestantId → sheetId → current marks (one per judge and attempt). */
  marks: Map<number, Map<string, CurrentMark[]>>;
  /** contestantId → stationId → voided attempts. */
  reruns: Map<number, Map<string, number[]>>;
  /** mark seq → where it lives, for voids. */
  bySeq: Map<number, { contestantId: number; sheetId: string }>;
}

export function emptyBook(): MarkBook {
  return { marks: new Map(), reruns: new Map(), bySeq: new Map() };
}

/**
 * Folds one log entry into the book (mutates it, O(panel size)); returns the contestant whose
 * score may have changed, or null. Applying a log's entries in seq order with this function is
 * the definition of "current marks"; the live server and the full recompute both use it.
 */
export function applyEntry(book: MarkBook, e: LogEntry): number | null {
  switch (e.kind) {
    case 'mark': {
      let bySheet = book.marks.get(e.contestantId);
      if (!bySheet) book.marks.set(e.contestantId, (bySheet = new Map()));
      const attempt = e.attempt ?? 1;
      const panel = (bySheet.get(e.sheetId) ?? []).filter(
        (m) => !(m.judgeId === e.judgeId && (m.attempt ?? 1) === attempt),
      );
      panel.push({ seq: e.seq, judgeId: e.judgeId, values: e.values, attempt });
      bySheet.set(e.sheetId, panel);
      book.bySeq.set(e.seq, { contestantId: e.contestantId, sheetId: e.sheetId });
      return e.contestantId;
    }
    case 'void': {
      const at = book.bySeq.get(e.markSeq);
      if (!at) return null;
      const bySheet = book.marks.get(at.contestantId)!;
      bySheet.set(
        at.sheetId,
        (bySheet.get(at.sheetId) ?? []).filter((m) => m.seq !== e.markSeq),
      );
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
