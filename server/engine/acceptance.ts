import type { LogWrite, MarkSubmit, MarkVoid, AttemptRerun } from '../protocol/judge.ts';
import { authorship, ownerKey } from './log.ts';
import { refuse, type Refusal } from './refusal.ts';
import type { SchemeIndex, Sheet } from './scheme-index.ts';
import type { ContestantInfo } from './standings.ts';
import { parseSheetValues, type SheetValues, type ValueRefusal } from './values.ts';

/** A competition's course state (SPEC: draft → live → frozen → final). */
export type CompetitionState = 'draft' | 'live' | 'frozen' | 'final';

/** Who sends a write: an authenticated official of some competition. */
export interface Writer {
  officialId: number;
  competitionId: number;
  role: 'judge' | 'head-judge' | 'organiser';
  /** The sheets the official is assigned (a judge marks only these). */
  sheets: ReadonlySet<string>;
}

/** The current mark of a line: what a correction supersedes (engine/log.ts `currentOf`). */
export interface LineHead {
  markId: number;
  /** Its author. */
  officialId: number;
  values: SheetValues;
}

/**
 * What the write rules read of a competition: its committed state, in memory (the live
 * competition implements it; a test builds one by hand). Every read is O(1) or O(log n): the
 * rules add no database read to a mark.
 */
export interface WriteView {
  readonly id: number;
  readonly state: CompetitionState;
  readonly index: SchemeIndex;
  readonly contestants: ReadonlyMap<number, Pick<ContestantInfo, 'id' | 'bib' | 'name' | 'status'>>;
  /** Whether the head judge has locked (signed off) the station. */
  isLocked(stationId: string): boolean;
  /** Attempts of a station the contestant may use: the scheme's count plus re-runs granted. */
  allowedAttempts(contestantId: number, stationId: string): number;
  /** The official recording a panel station's measurements (officials.records), if named. */
  recorderOf(stationId: string): number | undefined;
  /** The current mark a write by `officialId` on this line would supersede. */
  lineHead(
    contestantId: number,
    sheet: Sheet,
    attempt: number,
    officialId: number,
  ): LineHead | undefined;
  /** Where a mark of this competition lives, if it is one. */
  markInfo(markId: number): { contestantId: number; sheetId: string; attempt: number } | undefined;
  /** Whether the mark is the current mark of its line. */
  isCurrent(markId: number): boolean;
}

/** An entry the rules accepted, as it goes into the log (the shell adds ids, author, time). */
export type AcceptedWrite =
  | {
      kind: 'mark';
      contestantId: number;
      sheetId: string;
      attempt: number;
      values: SheetValues;
      /** Whose line (engine/log.ts `ownerOf`): the panel judge, or null for a one-judge sheet. */
      ownerId: number | null;
      /** Whether the mark carries the sheet's measurements. */
      measures: boolean;
      /** The line's current mark this one corrects, or null for a first mark. */
      supersedesId: number | null;
      /** The correction's reason; null for a first mark. */
      reason: string | null;
    }
  | {
      kind: 'void';
      contestantId: number;
      sheetId: string;
      attempt: number;
      targetMarkId: number;
      reason: string;
    }
  | { kind: 'rerun'; contestantId: number; stationId: string; attempt: number; reason: string };

/** The codes a write's rules refuse with (each with its `ErrorParams`). */
export type WriteRefusalCode =
  | 'mark/client_id_reused'
  | 'mark/not_assigned'
  | 'mark/competition_closed'
  | 'mark/unknown_contestant'
  | 'mark/contestant_inactive'
  | 'mark/unknown_sheet'
  | 'mark/station_locked'
  | 'mark/no_such_attempt'
  | 'mark/no_recorder'
  | 'mark/not_recorder'
  | ValueRefusal['code']
  | 'mark/reason_required'
  | 'auth/forbidden'
  | 'mark/unknown_mark'
  | 'mark/not_current'
  | 'mark/no_attempts';

/**
 * Why a write is refused, with what the refusal's text needs; `mark/stale` also carries the
 * line's current mark (null: it was voided) for the tablet to show.
 */
export type WriteRefusal =
  | Exclude<{ [C in WriteRefusalCode]: Refusal<C> }[WriteRefusalCode], Refusal<'mark/stale'>>
  | (Refusal<'mark/stale'> & { current: { markId: number; values: SheetValues } | null });

/** The rules' answer to a write: the entry to append, or why not. */
export type WriteDecision = { ok: true; entry: AcceptedWrite } | WriteRefusal;

/**
 * Whether `official` may import a score file (bib and score per line) into the competition
 * `view`: only its own staff (the route admits the organiser and the head judge), and only while
 * it takes marks: live or frozen, like a tablet's write ({@link acceptWrite}); a draft has not
 * started and final results are closed. Each line of the file is then a mark the rules of
 * {@link acceptWrite} accept or refuse.
 *
 * Pure. @returns null when the import may go ahead, else the refusal.
 */
export function acceptImport(
  view: { id: number; state: CompetitionState },
  official: { competitionId: number },
): Refusal<'auth/forbidden'> | Refusal<'mark/competition_closed'> | null {
  if (official.competitionId !== view.id) return refuse('auth/forbidden', { why: 'not_staff' });
  if (view.state === 'final' || view.state === 'draft')
    return refuse('mark/competition_closed', { state: view.state, import: true });
  return null;
}

/**
 * Key of the line a mark may supersede: its owner's line (engine/log.ts `ownerOf`). The group
 * commit keeps the lines written earlier in a batch under this key (see {@link acceptWrite}).
 */
export function lineKeyOf(
  contestantId: number,
  sheetId: string,
  attempt: number,
  owner: number | null,
): string {
  return `${contestantId}:${sheetId}:${attempt}:${ownerKey(owner)}`;
}

/**
 * A write whose client id is already in the log (docs/protocol.md, "Idempotent writes"): a
 * resend of the same author's write in the same competition is a duplicate, answered with the
 * original ack whatever changed since; anyone else reusing the id is refused.
 * @param earlier the logged entry with that client id.
 */
export function checkResend(
  earlier: { officialId: number; competitionId: number },
  writer: Pick<Writer, 'officialId'>,
  competitionId: number,
): { ok: true } | Refusal<'mark/client_id_reused'> {
  return earlier.officialId !== writer.officialId || earlier.competitionId !== competitionId
    ? refuse('mark/client_id_reused', {})
    : { ok: true };
}

/**
 * Every rule a new write must pass (docs/protocol.md, "Rejections"; SPEC: locks, attempts,
 * corrections with a reason, the head judge's voids and re-runs), in the order the judge
 * should hear of them: the writer belongs to the competition, the competition takes marks
 * (live or frozen), then the write's own rules.
 *
 * A mark: the contestant exists and is active; the sheet exists and is assigned to the
 * writer; its station is not locked; the attempt is within the scheme's count plus re-runs;
 * the writer may carry what he sent (a panel's measurements only from its recorder); the
 * values parse on the scheme's scales; the line has not moved on since the tablet saw it
 * (`seen`, or without it another official's mark on the line); a correction carries a reason.
 * A void (head judge only): the mark exists, is current, and its station is not locked.
 * A re-run (head judge only): the contestant and station exist, the station runs in attempts,
 * the attempt exists, the station is not locked.
 *
 * Pure: reads `view` and `ahead` only.
 * @param ahead lines written by earlier entries of the same commit batch, by
 *   {@link lineKeyOf}: they are not in `view` yet but a later entry must see them.
 * @returns the entry to append, or the first rule that refuses it.
 */
export function acceptWrite(
  view: WriteView,
  writer: Writer,
  write: LogWrite,
  ahead?: ReadonlyMap<string, LineHead>,
): WriteDecision {
  if (writer.competitionId !== view.id) return refuse('mark/not_assigned', {});
  const { state } = view;
  if (state === 'final' || state === 'draft') return refuse('mark/competition_closed', { state });
  switch (write.type) {
    case 'mark.submit':
      return acceptMark(view, writer, write, ahead);
    case 'mark.void':
      return acceptVoid(view, writer, write);
    case 'attempt.rerun':
      return acceptRerun(view, writer, write);
  }
}

function acceptMark(
  view: WriteView,
  writer: Writer,
  msg: MarkSubmit,
  ahead: ReadonlyMap<string, LineHead> | undefined,
): WriteDecision {
  const contestant = view.contestants.get(msg.contestantId);
  if (!contestant) return refuse('mark/unknown_contestant', { id: msg.contestantId });
  if (contestant.status !== 'active')
    return refuse('mark/contestant_inactive', {
      bib: contestant.bib,
      name: contestant.name,
      status: contestant.status,
    });
  const sheet = view.index.sheets.get(msg.sheetId);
  if (!sheet) return refuse('mark/unknown_sheet', { sheet: msg.sheetId });
  if (!writer.sheets.has(sheet.id)) return refuse('mark/not_assigned', { sheet: sheet.label });
  if (view.isLocked(sheet.stationId))
    return refuse('mark/station_locked', { station: sheet.label });
  const allowed = view.allowedAttempts(contestant.id, sheet.stationId);
  if (msg.attempt > allowed) return refuse('mark/no_such_attempt', { sheet: sheet.label, allowed });
  // Whose line this is, and what it may carry (engine/log.ts: owner, recorder).
  const who = authorship(
    sheet,
    writer.officialId,
    view.recorderOf(sheet.stationId),
    Object.keys(msg.values),
  );
  if (!who.ok)
    return who.error === 'mark/no_recorder'
      ? refuse(who.error, { sheet: sheet.label })
      : refuse(who.error, {
          sheet: sheet.label,
          extra: sheet.criteria.filter((c) => who.sent.includes(c.id)).map((c) => c.label),
        });
  const parsed = parseSheetValues(
    { ...sheet, criteria: sheet.criteria.filter((c) => who.criteria.has(c.id)) },
    msg.values,
  );
  if (!parsed.ok) return parsed.refusal;
  // The line a write may overwrite: the owner's (the judge's own on a panel; the line itself
  // on a sheet one judge fills: two tablets on one S-bend must not overwrite each other).
  const head =
    ahead?.get(lineKeyOf(contestant.id, sheet.id, msg.attempt, who.owner)) ??
    view.lineHead(contestant.id, sheet, msg.attempt, writer.officialId);
  // Stale: the line moved on since the tablet saw it; without `seen` (an older tablet), a
  // mark of another official on the line is never silently overwritten.
  const stale =
    msg.seen !== undefined
      ? (head?.markId ?? null) !== msg.seen
      : head !== undefined && head.officialId !== writer.officialId;
  if (stale)
    return {
      ...refuse('mark/stale', {
        bib: contestant.bib,
        sheet: sheet.label,
        ...(head ? { by: head.officialId === writer.officialId ? 'you' : 'other' } : {}),
      }),
      current: head ? { markId: head.markId, values: head.values } : null,
    };
  const previous = head?.markId;
  if (previous !== undefined && !msg.reason)
    return refuse('mark/reason_required', { bib: contestant.bib, sheet: sheet.label });
  return {
    ok: true,
    entry: {
      kind: 'mark',
      contestantId: contestant.id,
      sheetId: sheet.id,
      attempt: msg.attempt,
      values: parsed.values,
      ownerId: who.owner,
      measures: who.measures,
      supersedesId: previous ?? null,
      reason: previous !== undefined ? msg.reason! : null,
    },
  };
}

function acceptVoid(view: WriteView, writer: Writer, msg: MarkVoid): WriteDecision {
  if (writer.role !== 'head-judge') return refuse('auth/forbidden', { why: 'head_judge_void' });
  const target = view.markInfo(msg.markId);
  if (!target) return refuse('mark/unknown_mark', { id: msg.markId });
  if (!view.isCurrent(msg.markId)) return refuse('mark/not_current', {});
  const stationId = view.index.sheets.get(target.sheetId)!.stationId;
  if (view.isLocked(stationId)) return refuse('mark/station_locked', { reopen: true });
  return {
    ok: true,
    entry: {
      kind: 'void',
      contestantId: target.contestantId,
      sheetId: target.sheetId,
      attempt: target.attempt,
      targetMarkId: msg.markId,
      reason: msg.reason,
    },
  };
}

function acceptRerun(view: WriteView, writer: Writer, msg: AttemptRerun): WriteDecision {
  if (writer.role !== 'head-judge') return refuse('auth/forbidden', { why: 'head_judge_rerun' });
  const contestant = view.contestants.get(msg.contestantId);
  if (!contestant) return refuse('mark/unknown_contestant', { id: msg.contestantId });
  const station = view.index.stations.get(msg.stationId)?.station;
  if (!station) return refuse('mark/unknown_sheet', { station: msg.stationId });
  // A re-run voids a run and grants another: a station without attempts has no run to void
  // (it used to be accepted and ignored by scoring). A mistaken mark there is voided instead.
  if (!station.attempts) return refuse('mark/no_attempts', { station: station.label });
  if (msg.attempt > view.allowedAttempts(contestant.id, station.id))
    return refuse('mark/no_such_attempt', { station: station.label, attempt: msg.attempt });
  if (view.isLocked(station.id)) return refuse('mark/station_locked', { reopen: true });
  return {
    ok: true,
    entry: {
      kind: 'rerun',
      contestantId: contestant.id,
      stationId: station.id,
      attempt: msg.attempt,
      reason: msg.reason,
    },
  };
}

/**
 * The head judge's request that the judges of a sheet score a contestant again
 * (docs/officiating.md): the contestant and the sheet exist, and the sheet's station is not
 * locked (re-open it first: a locked station takes no marks). Who may ask (the head judge) is
 * the route's login check.
 * @returns the contestant and the sheet, or the refusal.
 */
export function acceptRescore(
  view: Pick<WriteView, 'contestants' | 'index' | 'isLocked'>,
  contestantId: number,
  sheetId: string,
):
  | {
      ok: true;
      contestant: Pick<ContestantInfo, 'id' | 'bib' | 'name' | 'status'>;
      sheet: Sheet;
    }
  | Refusal<'rescore/not_found'>
  | Refusal<'mark/station_locked'> {
  const contestant = view.contestants.get(contestantId);
  const sheet = view.index.sheets.get(sheetId);
  if (!contestant || !sheet) return refuse('rescore/not_found', {});
  if (view.isLocked(sheet.stationId))
    return refuse('mark/station_locked', { station: sheet.label, reopen: true });
  return { ok: true, contestant, sheet };
}
