import { z } from 'zod';
import { Slug } from './fixture.ts';
import type { LocalText } from './scheme.ts';
import type { StandingRow } from './standings.ts';
import type { CompetitionSummary, StandingsColumns } from './http.ts';

/**
 * Query of the board socket: `/ws/board?competition=SLUG&protocol=VERSION&since=REVISION`.
 * It is the board's hello: the server speaks first on this socket (the snapshot, or the deltas
 * a `since` asks for), so the page's protocol version rides in the URL, where the server reads
 * it before it sends anything, as the judge's `judge.hello` carries it before the welcome.
 */
export const BoardQuery = z.object({
  competition: Slug,
  /**
   * The `PROTOCOL_VERSION` (constants.ts) the page was built for; any other (a malformed one
   * reads as -1) closes the socket with `CloseCode.protocolMismatch` before a frame is sent, and
   * the page asks to be reloaded. Absent: a reader that does not say (a script, a benchmark) is
   * served; the pages always say.
   */
  protocol: z.coerce.number().int().min(0).optional().catch(-1),
  /**
   * Last revision this board applied; the server sends only what came after it. A malformed
   * one is ignored: the board gets a snapshot, which is always a correct answer.
   */
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  /**
   * How many of the top rows the board shows (a phone: 20, more on request); absent: every row
   * (a projector pages through them all). The server serves the smallest of its view sizes that
   * holds them (engine/view.ts `viewSize`): while live, the board is sent that many top rows
   * and then only what changes among them. A malformed one is ignored: every row.
   */
  view: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

/** The full table at one revision. */
export interface BoardSnapshot {
  type: 'board.snapshot';
  revision: number;
  competition: CompetitionSummary;
  columns: StandingsColumns;
  /**
   * The rows this board may see. A public board: live rows while live; the rows as they stood
   * at the freeze while frozen; during the reveal only the rows revealed so far (the last
   * `competition.revealed` of the final order); all rows once final. Names masked when the
   * competition says so.
   */
  rows: StandingRow[];
  /** During the reveal: how many rows there are in all (the revealed ones are the last). */
  total: number;
  /** The latest ticker events this board may see, newest first, so a reloaded board is not blank. */
  recent: (BoardEvent & { revision: number })[];
  /** True on the snapshot a staff board gets after `board.hello`. */
  staff?: boolean;
  /**
   * Set when `rows` are only the top `view` rows of `total` (a board that asked for a view,
   * while live): the deltas that follow carry only the changes among them, and the board keeps
   * the top `view` of what it holds after each (engine/view.ts `keepView`). A board with a view
   * resumes with a snapshot, never with deltas (`since`).
   */
  view?: number;
}

/**
 * One thing a mark says, for the ticker; each page puts it into words (web/present/ticker.ts):
 * a fault counted (`count` times, `points` deducted in all, published decimals: "碰桩×1 −2"),
 * a veto criterion hit ("掉桥"), a judgement or difficulty value ("技术分 8.5"), or an imported
 * score (a value without a label).
 */
export type TickerItem =
  | { kind: 'fault'; label: LocalText; count: number; points: string }
  | { kind: 'veto'; label: LocalText }
  | { kind: 'value'; label?: LocalText; value: string };

/**
 * What one committed mark explains, for the ticker ("12号 单边桥 · 掉桥 · 安全骑行 18.00"): data,
 * not words, so each page says it in its own language. `kind`: a mark with its `items` (none on a
 * sheet that counts faults: `clean`, "无失误"), a head judge's void, or a re-run granted for
 * run `attempt`.
 */
export type BoardEvent = {
  bib: string;
  /** The station the mark belongs to. */
  stationId: string;
  name: string;
  sheet: LocalText;
  /** The published score of the whole station (`stationId`) after the mark. */
  score: string;
  /**
   * The station's label, set when the mark's sheet is one of its sub-stations (单边桥 within
   * 安全骑行): `score` is then the whole station's, not the sheet's, and the ticker names the
   * station beside it ("单边桥 · 掉桥 · 安全骑行 18.00"). Absent when the sheet is the station.
   */
  station?: LocalText;
} & (
  | { kind: 'mark'; items: TickerItem[]; clean?: true }
  | { kind: 'void' }
  | { kind: 'rerun'; attempt: number }
);

/**
 * What changed at one revision: only the rows that changed (one per mark). The board re-ranks
 * with the engine's `rankRows`, so a delta's size does not grow with the field.
 */
export interface BoardDelta {
  type: 'board.delta';
  revision: number;
  rows: StandingRow[];
  event: BoardEvent | null;
  /** Set when the competition's course or settings changed at this revision (e.g. a lock). */
  competition?: CompetitionSummary;
  /**
   * A frame that coalesces several revisions (`from`…`revision`, consecutive): `rows` holds
   * the latest row of each contestant that changed, `events` every event, newest first.
   * Absent on a single-revision delta (`from` = `revision`).
   */
  from?: number;
  events?: (BoardEvent & { revision: number })[];
}

/** A staff board (console) says who it is as its first frame, to see live data while frozen. */
export const BoardHello = z.object({ type: z.literal('board.hello'), token: z.string().max(200) });
export type BoardHello = z.infer<typeof BoardHello>;

/**
 * A public board changes how many of the top rows it shows ("more" on a phone); `rows` null:
 * every row. Answered with a fresh snapshot for that view (see {@link BoardQuery} `view`).
 */
export const BoardViewRequest = z.object({
  type: z.literal('board.view'),
  rows: z.number().int().min(1).max(100_000).nullable(),
});
export type BoardViewRequest = z.infer<typeof BoardViewRequest>;

/**
 * What a board may send: an app-level `ping` (answered `pong` with the same `t`), the staff
 * board's {@link BoardHello} and a public board's {@link BoardViewRequest}. Anything else is answered
 * `board/read_only`; nothing a board sends changes state.
 */
export const BoardClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number().optional() }),
  BoardHello,
  BoardViewRequest,
]);
export type BoardClientMessage = z.infer<typeof BoardClientMessage>;

export type BoardServerMessage = BoardSnapshot | BoardDelta | { type: 'pong'; t?: number };
