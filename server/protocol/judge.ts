import { z } from 'zod';
import type { MarkingScheme } from './scheme.ts';
import type { CompetitionSummary } from './http.ts';
import type { ErrorCode, ErrorParams, RejectCode } from './errors.ts';

/** Text a person typed: trimmed, without control characters (they break logs, CSV and screens). */
export const SafeText = z
  .string()
  .trim()
  .refine((s) => !/\p{Cc}/u.test(s), '不能含控制字符（如换行、制表符）');

/** A client-made id: makes a resend after a dropped connection harmless. */
export const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '须为 8–64 个字母、数字、_ 或 -');

// ── client → server ────────────────────────────────────────────────────────

export const JudgeHello = z.object({
  type: z.literal('judge.hello'),
  protocol: z.number().int(),
  token: z.string().min(1).max(200),
});

/** Raw criterion values; parsed against the sheet by the shared engine (`parseSheetValues`). */
const RawValue = z.union([
  z.boolean(),
  z.number(),
  z.string().max(32),
  z.null(),
  z.record(z.string().max(64), z.number()),
]);

export const MarkSubmit = z.object({
  type: z.literal('mark.submit'),
  clientId: ClientId,
  contestantId: z.number().int().positive(),
  sheetId: z.string().max(64),
  values: z
    .record(z.string().max(64), RawValue)
    .refine((v) => Object.keys(v).length <= 64, '评分项过多（最多 64 项）'),
  /**
   * The mark id of this line the tablet last saw (null: it saw none). When given, a write is
   * refused as stale if the line has moved on since; see docs/protocol.md.
   */
  seen: z.number().int().positive().nullable().optional(),
  /** Attempt (run) number for stations with several attempts; 1 otherwise. */
  attempt: z.number().int().min(1).max(20).default(1),
  /** Required when this judge already has a mark on the line: why it is corrected. */
  reason: SafeText.max(200).optional(),
});
export type MarkSubmit = z.infer<typeof MarkSubmit>;

const Reason = SafeText.min(2, 'a reason of at least 2 characters is required').max(200);

/** Head judge: drop a mark out of the scoring (it stays in the log). */
export const MarkVoid = z.object({
  type: z.literal('mark.void'),
  clientId: ClientId,
  markId: z.number().int().positive(),
  reason: Reason,
});
export type MarkVoid = z.infer<typeof MarkVoid>;

/** Head judge: void an attempt of a station (e.g. someone else caused the fault) and grant a re-run. */
export const AttemptRerun = z.object({
  type: z.literal('attempt.rerun'),
  clientId: ClientId,
  contestantId: z.number().int().positive(),
  stationId: z.string().max(64),
  attempt: z.number().int().min(1).max(20),
  reason: Reason,
});
export type AttemptRerun = z.infer<typeof AttemptRerun>;

/** Every write a judge or head judge sends; each is answered by mark.ack or mark.reject. */
export type LogWrite = MarkSubmit | MarkVoid | AttemptRerun;

export const Ping = z.object({ type: z.literal('ping'), t: z.number().optional() });

export const JudgeClientMessage = z.discriminatedUnion('type', [
  JudgeHello,
  MarkSubmit,
  MarkVoid,
  AttemptRerun,
  Ping,
]);
export type JudgeClientMessage = z.infer<typeof JudgeClientMessage>;

// ── server → client ────────────────────────────────────────────────────────

export interface JudgeContestant {
  id: number;
  bib: string;
  drawOrder: number;
  name: string;
  organisation: string;
  status: 'active' | 'withdrawn' | 'disqualified';
}

/** The judge's own current mark on a line (contestant × sheet). */
export interface OwnMark {
  markId: number;
  clientId: string;
  contestantId: number;
  sheetId: string;
  attempt: number;
  values: Record<string, unknown>;
  /** Server time the mark was committed (ISO 8601), for the judge's history. */
  createdAt: string;
  /** Who wrote it: this judge, or another official on a line this judge owns. */
  authorId: number;
  author: OfficialName;
}

/** An official as a person reads him: code and name. */
export interface OfficialName {
  code: string;
  name: string;
}

/**
 * A panel's measurements (faults, veto, checks, times) as the station's recorder last
 * committed them: the panel's other judges see them read-only (docs/scheme.md).
 */
export interface PanelMeasurement {
  contestantId: number;
  sheetId: string;
  attempt: number;
  /** The recorder's mark they come from. */
  markId: number;
  /** Only the measurement criteria's values. */
  values: Record<string, unknown>;
  recorder: OfficialName;
}

/** The head judge voided one of this judge's marks: what was voided, why, and what is current now. */
export interface VoidNotice {
  markId: number;
  contestantId: number;
  bib: string;
  sheetId: string;
  attempt: number;
  reason: string;
  by: OfficialName;
  /** Server time of the void (ISO 8601). */
  at: string;
  /** The mark the void made current again (the one the voided mark replaced), or null: none. */
  restored: { markId: number; values: Record<string, unknown> } | null;
}

/** A re-score request still open for this judge: mark the contestant's sheet again. */
export interface RescoreRequest {
  id: number;
  contestantId: number;
  bib: string;
  name: string;
  sheetId: string;
  reason: string;
  by: OfficialName;
  /** Server time of the request (ISO 8601). */
  at: string;
}

export interface JudgeWelcome {
  type: 'judge.welcome';
  protocol: number;
  judge: {
    id: number;
    code: string;
    name: string;
    role: string;
    sheets: string[];
    /** Stations whose panel measurements this judge records. */
    records: string[];
  };
  competition: CompetitionSummary;
  scheme: MarkingScheme;
  contestants: JudgeContestant[];
  marks: OwnMark[];
  lockedStations: string[];
  /** Station id → who records its panel measurements (panels with measurements only). */
  recorders: Record<string, OfficialName>;
  /** The recorders' current measurements on the panels this judge sits on but does not record. */
  measurements: PanelMeasurement[];
  /** Voids of this judge's marks (newest last). */
  voided: VoidNotice[];
  /** Re-score requests this judge has not answered yet. */
  rescores: RescoreRequest[];
}

export interface MarkAck {
  type: 'mark.ack';
  clientId: string;
  markId: number;
  revision: number;
  /** True when this clientId was already committed: nothing new was stored. */
  duplicate: boolean;
  /** The station score after this entry, published decimals. */
  stationScore: string;
}

/**
 * A refused write. `params` are what the code's text needs (`ErrorParams`, worded by
 * `messages.ts` in the tablet's language; absent from servers before they were sent);
 * `message` is that text in Chinese, which a page shows for a code it does not know.
 */
export interface MarkReject {
  type: 'mark.reject';
  clientId: string | null;
  code: RejectCode;
  params?: ErrorParams[RejectCode];
  message: string;
  /** With `mark/stale`: the line's current mark (null when it was voided). */
  current?: { markId: number; values: Record<string, unknown> } | null;
}

/**
 * A frame or login the socket refused: a code, its parameters and their Chinese text (see
 * {@link MarkReject}).
 */
export interface ProtocolError {
  type: 'error';
  code: ErrorCode;
  params?: ErrorParams[ErrorCode];
  message: string;
}

/** Pushed to every judge of the competition when its course changes or a station is locked or re-opened. */
export interface JudgeUpdate {
  type: 'judge.update';
  competition: CompetitionSummary;
  lockedStations: string[];
}

/** Pushed to the judges of a sheet when the head judge asks for a contestant to be scored again. */
export interface JudgeRescore extends RescoreRequest {
  type: 'judge.rescore';
}

/** Pushed to a judge when the head judge voids one of his marks. */
export interface JudgeVoided {
  type: 'judge.voided';
  notice: VoidNotice;
}

/**
 * Pushed to every device of an official when one logs in or leaves with the same login:
 * how many are logged in now (more than 1: the judge is told).
 */
export interface JudgeSessions {
  type: 'judge.sessions';
  count: number;
}

/** Pushed to a panel's other judges when its recorder commits measurements. */
export interface JudgeMeasurements {
  type: 'judge.measurements';
  items: PanelMeasurement[];
  /** When given, `items` are all the current measurements of this contestant × sheet. */
  scope?: { contestantId: number; sheetId: string };
}

export type JudgeServerMessage =
  | JudgeWelcome
  | MarkAck
  | MarkReject
  | ProtocolError
  | JudgeUpdate
  | JudgeRescore
  | JudgeVoided
  | JudgeMeasurements
  | JudgeSessions
  | { type: 'pong'; t?: number };
