import {
  applyEntry,
  assignAwards,
  assignRanks,
  viewChanges,
  currentOf,
  isCurrent,
  ownerOf,
  restoredBy,
  computeStandings,
  resolveLog,
  buildRow,
  emptyBook,
  carryWeightText,
  formatMilli,
  formatScaled,
  IncrementalStandings,
  indexScheme,
  rerunsOf,
  scoreContestant,
  toMilli,
  hasMeasurements,
  type ContestantInfo,
  type CurrentMark,
  type LogEntry,
  type MarkBook,
  type SchemeIndex,
  type Sheet,
  type SheetValues,
  type StandingRow,
} from '#engine';
import {
  MarkingScheme,
  type BoardDelta,
  type BoardEvent,
  type TickerItem,
  type BoardSnapshot,
  type CompetitionSummary,
  type OfficialName,
  type OwnMark,
  type PanelMeasurement,
  type RescoreRequest,
  type VoidNotice,
  type Placement,
  type StandingsColumns,
} from '#protocol';
import type { Store } from '../../db/store.ts';
import type { CompetitionRow, FestivalRow } from '../../db/repositories/competitions.ts';
import type { OfficialRow } from '../../db/repositories/officials.ts';
import type { MarkRow, RescoreRow } from '../../db/repositories/marks.ts';
import { readStoredCompetition, type StoredCompetition } from '../../db/repositories/stored.ts';
import type { CompetitionState, LineHead, WriteView } from '../engine/acceptance.ts';
import {
  lockedAt,
  publicColumns,
  publicEvent,
  publicRevision,
  publicRow,
  publicRows,
  showsRecent,
  type PublicPolicy,
} from '../engine/public-view.ts';

/**
 * The top rows of the public standings as a board with a view holds them: `rows` as sent
 * (ranked, names as the public sees them) and `held`, by contestant, the stored row each was
 * built from (engine/view.ts; `LiveCompetition.publicTop`).
 */
export interface PublicView {
  rows: StandingRow[];
  held: ReadonlyMap<number, StandingRow>;
}

/** Who wrote a mark and where it lives. */
export interface MarkInfo {
  contestantId: number;
  sheetId: string;
  attempt: number;
  /** The author. */
  officialId: number;
  /** The owner: the panel judge, or null for the line of a one-judge sheet. */
  ownerId: number | null;
  clientId: string;
  createdAt: string;
  /** The competition revision the mark produced. */
  revision: number;
}

export type { LineHead };

/** How many recent deltas a competition keeps so a reconnecting board can catch up. */
export const DELTA_HISTORY = 2000;

/** A log row as the engine's {@link LogEntry}. */
export function toLogEntry(m: MarkRow): LogEntry {
  if (m.kind === 'void') return { kind: 'void', seq: m.id, markSeq: m.targetMarkId! };
  if (m.kind === 'rerun')
    return {
      kind: 'rerun',
      seq: m.id,
      contestantId: m.contestantId,
      stationId: m.stationId!,
      attempt: m.attempt,
    };
  return {
    kind: 'mark',
    seq: m.id,
    contestantId: m.contestantId,
    sheetId: m.sheetId!,
    judgeId: m.officialId,
    attempt: m.attempt,
    values: JSON.parse(m.valuesJson) as SheetValues,
    rules: m.rules === 1 ? 1 : 2,
    owner: m.ownerId,
    measures: m.measures,
  };
}

/**
 * The in-memory state of one competition, rebuilt from SQLite at boot by folding the log with
 * the engine's `applyEntry`, and advanced by committed entries only. It holds the current
 * marks (a {@link MarkBook}), each contestant's standings row in an
 * {@link IncrementalStandings}, and the recent board deltas. It never writes to the database.
 */
export class LiveCompetition implements WriteView {
  readonly id: number;
  readonly slug: string;
  readonly index: SchemeIndex;
  readonly columns: StandingsColumns;
  #row: CompetitionRow;
  readonly #festival: Placement['festival'];
  #revision: number;
  readonly contestants = new Map<number, ContestantInfo>();
  readonly #book: MarkBook = emptyBook();
  /** Log rows of marks by id: who wrote what, for voids, notices and the tablet's list. */
  readonly #markRows = new Map<number, MarkInfo>();
  /** Station id → the official recording its panel's measurements. */
  #recorders = new Map<string, number>();
  /** Official id → code and name, for notices. */
  #officials = new Map<number, OfficialName>();
  /** Official id (not revoked) → the sheets assigned. */
  #assigned = new Map<number, ReadonlySet<string>>();
  /** Voids in log order, for the notices of the judges whose marks they voided. */
  readonly #voids: { voidSeq: number; authorId: number; notice: VoidNotice }[] = [];
  /** Re-score requests in order. */
  #rescores: RescoreRow[] = [];
  readonly #locked = new Set<string>();
  readonly #standings = new IncrementalStandings();
  readonly #deltas: BoardDelta[] = [];
  /** Stations whose scores the public never receives. */
  readonly #hidden = new Set<string>();
  /** The standings as they stood when the public board was frozen. */
  #frozenRows: StandingRow[] | null = null;
  /**
   * With hidden stations: the standings the public sees before the reveal, scored without
   * them (docs/scheme.md, "Hidden stations"), their rows at the freeze, and per revision the
   * contestants whose public row changed (a hidden mark changes none: no public news).
   */
  readonly #publicStandings = new IncrementalStandings();
  #frozenPublicRows: StandingRow[] | null = null;
  readonly #publicTouched = new Map<number, number[]>();
  readonly #hiddenSheets = new Set<string>();

  private constructor(row: CompetitionRow, festival: FestivalRow) {
    this.#row = row;
    this.#festival = { slug: festival.slug, title: { zh: festival.titleZh, en: festival.titleEn } };
    this.id = row.id;
    this.slug = row.slug;
    this.#revision = row.revision;
    this.index = indexScheme(MarkingScheme.parse(JSON.parse(row.schemeJson)));
    for (const m of this.index.scheme.modules)
      for (const st of m.stations) if (st.hidden) this.#hidden.add(st.id);
    for (const id of this.#hidden)
      for (const sheetId of this.index.stations.get(id)!.sheetIds) this.#hiddenSheets.add(sheetId);
    this.columns = {
      modules: this.index.scheme.modules.map((m) => ({
        id: m.id,
        label: m.label,
        weight: m.weight ?? null,
      })),
      stations: this.index.scheme.modules.flatMap((m) =>
        m.stations.map((s) => ({
          id: s.id,
          moduleId: m.id,
          label: s.label,
          points: formatMilli(toMilli(s.points)),
        })),
      ),
      awards: this.index.scheme.awards ?? null,
      carry: this.index.scheme.carry ? { weight: carryWeightText(this.index.scheme.carry) } : null,
    };
  }

  /** Loads a competition from the database and replays its log; null when no such slug. */
  static async load(s: Store, slug: string): Promise<LiveCompetition | null> {
    const stored = await readStoredCompetition(s, slug);
    return stored && LiveCompetition.fromStored(stored);
  }

  /**
   * Rebuilds a competition from its stored state, read from either engine, and replays its
   * log. O(log entries + contestants × scheme).
   */
  static fromStored(stored: StoredCompetition): LiveCompetition {
    const { row, festival, locks, log } = stored;
    const live = new LiveCompetition(row, festival);
    for (const c of stored.contestants) live.contestants.set(c.id, c);
    live.setOfficials(stored.officials);
    live.#rescores = stored.rescores;
    for (const stationId of lockedAt(locks)) live.#locked.add(stationId);
    for (const m of log) live.#fold(m);
    for (const c of live.contestants.values()) live.#rescore(c.id);
    if (row.state === 'frozen' && row.frozenRevision !== null) {
      // Rebuild what the public saw at the freeze: the log and locks up to that revision.
      const at = row.frozenRevision;
      // The same fold and the same standings function as live (re-runs included).
      const book = resolveLog(log.filter((m) => m.revision <= at).map(toLogEntry));
      const locked = lockedAt(locks, at);
      live.#frozenRows = computeStandings(live.index, [...live.contestants.values()], book, locked);
      if (live.#hidden.size)
        live.#frozenPublicRows = computeStandings(
          live.index,
          [...live.contestants.values()],
          { marks: live.#withoutHidden(book.marks), reruns: book.reruns },
          locked,
        );
    }
    return live;
  }

  get revision(): number {
    return this.#revision;
  }

  get summary(): CompetitionSummary {
    const r = this.#row;
    return {
      slug: r.slug,
      title: { zh: r.titleZh, en: r.titleEn },
      venue: r.venue,
      date: r.date,
      timeZone: r.timeZone,
      locale: r.locale,
      state: r.state,
      decimals: this.index.scheme.decimals,
      revision: this.#revision,
      nameDisplay: r.nameDisplay,
      frozenAt: r.state === 'frozen' ? r.frozenAt : null,
      revealed: r.state === 'frozen' ? r.revealed : null,
      placement: {
        festival: this.#festival,
        event: { id: r.eventId, label: { zh: r.eventZh, en: r.eventEn } },
        group: { id: r.groupId, label: { zh: r.groupZh, en: r.groupEn } },
        round: { id: r.roundId, label: { zh: r.roundZh, en: r.roundEn }, order: r.roundOrder },
      },
    };
  }

  /**
   * The summary as the public sees it: while frozen, the revision of the freeze, so a public
   * listing never shows that marking goes on behind the frozen board.
   */
  get publicSummary(): CompetitionSummary {
    const summary = this.summary;
    const revision = publicRevision(this.#row, this.#revision);
    return revision === this.#revision ? summary : { ...summary, revision };
  }

  /** The festival this competition belongs to. */
  get festivalId(): number {
    return this.#row.festivalId!;
  }

  /** The standings with the prize list applied (engine/awards.ts): what snapshots and exports show. */
  awarded(rows: readonly StandingRow[]): StandingRow[] {
    return assignAwards(rows, this.index.scheme.awards, this.index.scheme.decimals);
  }

  /** The competition row as last committed (state, settings). */
  get row(): CompetitionRow {
    return this.#row;
  }

  /** The course state as last committed (what the write rules read, engine/acceptance.ts). */
  get state(): CompetitionState {
    return this.#row.state;
  }

  isLocked(stationId: string): boolean {
    return this.#locked.has(stationId);
  }

  get lockedStations(): string[] {
    return [...this.#locked];
  }

  /** The official recording a station's panel measurements, if one is named. */
  recorderOf(stationId: string): number | undefined {
    return this.#recorders.get(stationId);
  }

  /**
   * Takes the competition's officials (at load, and after the organiser changed one): names
   * for notices, and who records each panel station's measurements (the first not revoked).
   */
  setOfficials(rows: Iterable<OfficialRow>): void {
    this.#officials = new Map();
    this.#recorders = new Map();
    this.#assigned = new Map();
    for (const o of [...rows].sort((a, b) => a.id - b.id)) {
      this.#officials.set(o.id, { code: o.code, name: o.name });
      if (!o.revoked) this.#assigned.set(o.id, new Set(JSON.parse(o.sheetsJson) as string[]));
      if (!o.revoked)
        for (const stationId of JSON.parse(o.recordsJson) as string[])
          if (!this.#recorders.has(stationId)) this.#recorders.set(stationId, o.id);
    }
  }

  /** Every official not revoked with his sheets and recorded stations (to check a change). */
  *recorderAssignments(): Generator<{ code: string; sheets: string[]; records: string[] }> {
    for (const [id, sheets] of this.#assigned)
      yield {
        code: this.officialName(id).code,
        sheets: [...sheets],
        records: [...this.#recorders].filter(([, o]) => o === id).map(([st]) => st),
      };
  }

  /** The sheets an official (not revoked) is assigned; empty for anyone else. */
  sheetsOf(officialId: number): ReadonlySet<string> {
    return this.#assigned.get(officialId) ?? new Set();
  }

  /** An official's code and name (a placeholder for one this competition does not know). */
  officialName(id: number): OfficialName {
    return this.#officials.get(id) ?? { code: '?', name: '' };
  }

  /** Station id → who records its panel measurements. */
  get recorders(): Record<string, OfficialName> {
    const out: Record<string, OfficialName> = {};
    for (const [stationId, id] of this.#recorders) out[stationId] = this.officialName(id);
    return out;
  }

  /**
   * The recorders' current measurements a judge sees read-only: on every panel sheet with
   * measurements among `sheets` whose station he does not record. Restricted to one
   * contestant when given (a push after a commit).
   */
  panelMeasurements(
    officialId: number,
    sheets: ReadonlySet<string>,
    contestantId?: number,
  ): PanelMeasurement[] {
    const out: PanelMeasurement[] = [];
    for (const sheetId of sheets) {
      const sheet = this.index.sheets.get(sheetId);
      if (!sheet || sheet.judges === 1 || !hasMeasurements(sheet)) continue;
      if (this.#recorders.get(sheet.stationId) === officialId) continue;
      const measured = new Set(
        sheet.criteria.filter((c) => c.kind !== 'judgement').map((c) => c.id),
      );
      const ids = contestantId === undefined ? this.#book.marks.keys() : [contestantId];
      for (const cid of ids) {
        const byAttempt = new Map<number, CurrentMark>();
        for (const m of this.#book.marks.get(cid)?.get(sheetId) ?? [])
          if (m.measures !== false) {
            const a = m.attempt ?? 1;
            if ((byAttempt.get(a)?.seq ?? -1) < m.seq) byAttempt.set(a, m);
          }
        for (const [attempt, m] of byAttempt)
          out.push({
            contestantId: cid,
            sheetId,
            attempt,
            markId: m.seq,
            values: Object.fromEntries(Object.entries(m.values).filter(([k]) => measured.has(k))),
            recorder: this.officialName(m.judgeId),
          });
      }
    }
    return out;
  }

  /** Voids of the marks an official wrote, oldest first. */
  voidsOf(officialId: number): VoidNotice[] {
    return this.#voids.filter((v) => v.authorId === officialId).map((v) => v.notice);
  }

  /** The void notice of a void entry just committed (for the push to the mark's author). */
  voidNotice(voidSeq: number): { authorId: number; notice: VoidNotice } | undefined {
    return this.#voids.find((v) => v.voidSeq === voidSeq);
  }

  /**
   * Re-score requests with each judge's answer: the judges of the sheet (assigned now or who
   * have marked it) and whether each has a mark on his line committed after the request.
   */
  rescoreRequests(): (RescoreRequest & { judges: { official: OfficialName; done: boolean }[] })[] {
    return this.#rescores.map((r) => {
      const sheet = this.index.sheets.get(r.sheetId)!;
      const judges =
        sheet.judges === 1
          ? [null]
          : [...this.#assigned].filter(([, sheets]) => sheets.has(r.sheetId)).map(([id]) => id);
      return {
        ...this.#requestOf(r),
        judges: judges.map((j) => ({
          official: j === null ? { code: '', name: '' } : this.officialName(j),
          done: this.#answered(r, j),
        })),
      };
    });
  }

  /** The re-score requests an official has not answered yet, on the sheets he marks. */
  pendingRescores(officialId: number, sheets: ReadonlySet<string>): RescoreRequest[] {
    return this.#rescores
      .filter((r) => sheets.has(r.sheetId))
      .filter((r) => {
        const sheet = this.index.sheets.get(r.sheetId)!;
        return !this.#answered(r, sheet.judges === 1 ? null : officialId);
      })
      .map((r) => this.#requestOf(r));
  }

  /** Records a request just committed; returns it as the judges see it. */
  addRescore(r: RescoreRow): RescoreRequest {
    this.#rescores.push(r);
    return this.#requestOf(r);
  }

  #requestOf(r: RescoreRow): RescoreRequest {
    const c = this.contestants.get(r.contestantId);
    return {
      id: r.id,
      contestantId: r.contestantId,
      bib: c?.bib ?? '',
      name: c?.name ?? '',
      sheetId: r.sheetId,
      reason: r.reason,
      by: this.officialName(r.officialId),
      at: r.createdAt,
    };
  }

  /** Whether the owner's line has a mark committed after the request. */
  #answered(r: RescoreRow, owner: number | null): boolean {
    for (const m of this.#book.marks.get(r.contestantId)?.get(r.sheetId) ?? [])
      if (
        (owner === null || m.owner === owner) &&
        (this.#markRows.get(m.seq)?.revision ?? 0) > r.revision
      )
        return true;
    return false;
  }

  /** Whether mark `markId` is the current mark of its line (what a void may target). */
  isCurrent(markId: number): boolean {
    return isCurrent(this.#book, markId);
  }

  /**
   * The current mark a new write by `officialId` on this line would supersede: the owner's
   * latest (engine/log.ts): the judge's own on a panel, the line's on a one-judge sheet.
   */
  lineHead(
    contestantId: number,
    sheet: Sheet,
    attempt: number,
    officialId: number,
  ): LineHead | undefined {
    const head = currentOf(this.#book, contestantId, sheet.id, attempt, ownerOf(sheet, officialId));
    return head && { markId: head.seq, officialId: head.judgeId, values: head.values };
  }

  /** The current marks of a contestant's sheet, one per line (engine/log.ts). */
  marksOf(contestantId: number, sheetId: string): readonly CurrentMark[] {
    return this.#book.marks.get(contestantId)?.get(sheetId) ?? [];
  }

  /** The runs of a station the head judge voided for a contestant (re-runs granted). */
  rerunsOf(contestantId: number, stationId: string): readonly number[] {
    return this.#book.reruns.get(contestantId)?.get(stationId) ?? [];
  }

  /** Who made a mark and where it lives, if it is a mark of this competition. */
  markInfo(markId: number): MarkInfo | undefined {
    return this.#markRows.get(markId);
  }

  /** The mark a void of `markId` would make current again, or null (engine/log.ts). */
  restoredBy(markId: number): number | null {
    return restoredBy(this.#book, markId)?.seq ?? null;
  }

  /**
   * The current marks of the lines an official owns (for the tablet's saved list): his own
   * lines on panels, and the lines of the one-judge sheets he is assigned, whoever wrote them.
   */
  linesOf(officialId: number, sheets: ReadonlySet<string> = new Set()): OwnMark[] {
    const out: OwnMark[] = [];
    for (const [contestantId, bySheet] of this.#book.marks)
      for (const [sheetId, marks] of bySheet)
        for (const m of marks) {
          const own = m.owner === null ? sheets.has(sheetId) : m.judgeId === officialId;
          const info = this.#markRows.get(m.seq);
          if (own && info)
            out.push({
              markId: m.seq,
              clientId: info.clientId,
              contestantId,
              sheetId,
              attempt: m.attempt ?? 1,
              values: m.values,
              createdAt: info.createdAt,
              authorId: m.judgeId,
              author: this.officialName(m.judgeId),
            });
        }
    return out.sort((a, b) => a.markId - b.markId);
  }

  /** Attempts of a station a contestant may use: the scheme's count plus re-runs granted. */
  allowedAttempts(contestantId: number, stationId: string): number {
    const station = this.index.stations.get(stationId)?.station;
    const reruns = this.#book.reruns.get(contestantId)?.get(stationId)?.length ?? 0;
    return (station?.attempts?.count ?? 1) + reruns;
  }

  /** Ranked standings: the one standings function, kept incrementally. */
  standings(): StandingRow[] {
    return this.#standings.ranked();
  }

  /** The staff view: everything, live, whatever the public sees. */
  snapshot(): BoardSnapshot {
    const rows = this.awarded(this.standings());
    return {
      type: 'board.snapshot',
      revision: this.#revision,
      competition: this.summary,
      columns: this.columns,
      rows,
      total: rows.length,
      recent: this.recentEvents(this.#revision),
    };
  }

  /**
   * What the public may see now (SPEC: the audience never sees a hidden round): live rows while
   * live; the standings as they stood at the freeze while frozen; during the reveal only the
   * revealed rows (the last `revealed` of the current order); everything once final. Names are
   * masked when the competition says so. Hidden data is never in the frame, not merely hidden.
   */
  publicSnapshot(): BoardSnapshot {
    const policy = this.#policy;
    const live = this.awarded(this.standings());
    const revision = publicRevision(this.#row, this.#revision);
    const rows = publicRows(
      policy,
      live,
      () => this.awarded(this.#publicStandings.ranked()),
      () =>
        this.awarded(
          (this.#hidden.size ? this.#frozenPublicRows : null) ?? this.#frozenRows ?? live,
        ),
    );
    return {
      type: 'board.snapshot',
      revision,
      competition: { ...this.publicSummary, revision },
      columns: this.publicColumns,
      rows: rows.map((r) => publicRow(r, policy)),
      total: live.length,
      recent: showsRecent(policy)
        ? this.recentEvents(revision)
            .map((e) => publicEvent(e, policy))
            .filter((e) => e !== null)
        : [],
    };
  }

  /** The standings the public ranks by: scored without hidden stations while there are any. */
  get #publicOrder(): IncrementalStandings {
    return this.#hidden.size ? this.#publicStandings : this.#standings;
  }

  /**
   * The top `n` rows of the public standings now: `rows` ranked (exact: a prefix ranks as the
   * whole) and as the public sees them, what a board with a view of `n` holds while live
   * (engine/view.ts); `held`, each contestant's row object as the standings store it, which
   * is replaced whenever his row changes, to tell later what changed since. O(n + blocks).
   */
  publicTop(n: number): PublicView {
    const policy = this.#policy;
    const top = this.#publicOrder.top(n);
    return {
      rows: assignRanks(top).map((r) => publicRow(r, policy)),
      held: new Map(top.map((r) => [r.contestantId, r])),
    };
  }

  /**
   * A public snapshot for a board with a view of `n` rows (only while live): `top`, the view's
   * rows as its last frame left them at `revision` (so the frames that follow apply to it),
   * with `total` the whole field and the recent events up to `revision`.
   */
  viewSnapshot(top: StandingRow[], revision: number, n: number): BoardSnapshot {
    const policy = this.#policy;
    return {
      type: 'board.snapshot',
      revision,
      competition: { ...this.publicSummary, revision },
      columns: this.publicColumns,
      rows: top,
      total: this.contestants.size,
      recent: this.recentEvents(revision)
        .map((e) => publicEvent(e, policy))
        .filter((e) => e !== null),
      view: n,
    };
  }

  /**
   * The frame a board with a view of `n` rows gets for `delta` (already as the public sees it,
   * {@link publicDelta}: its revision range, events and course), given the view its last frame
   * left it (`before`): the rows engine/view.ts `viewChanges` names, as they are now, where a
   * row "changed" when its stored row is no longer the one the view holds. That is compared
   * with the standings as they are, not with the delta's rows: the standings may already hold
   * revisions the delta does not (the writer publishes a batch's deltas a turn after applying
   * them), and a row that fell out in those must still be sent. Carries the newest `events` of
   * the delta's. Returns the new view too, for the next frame. O(n).
   */
  viewDelta(
    delta: BoardDelta,
    before: PublicView,
    n: number,
    events: number,
  ): { delta: BoardDelta; view: PublicView } {
    const view = this.publicTop(n);
    const order = this.#publicOrder;
    const changed = [...before.held].filter(([id, row]) => order.get(id) !== row).map(([id]) => id);
    const inTop = new Map(view.rows.map((r) => [r.contestantId, r]));
    const policy = this.#policy;
    const rows = viewChanges(changed, [...before.held.keys()], [...view.held.keys()]).map(
      (id) => inTop.get(id) ?? publicRow(order.rankedRow(id)!, policy),
    );
    return {
      delta: { ...delta, rows, ...(delta.events ? { events: delta.events.slice(0, events) } : {}) },
      view,
    };
  }

  /** What decides the public view now (engine/public-view.ts). */
  get #policy(): PublicPolicy {
    const { state, revealed, nameDisplay } = this.#row;
    return { state, revealed, nameDisplay, hidden: this.#hidden };
  }

  /** A row as the public sees it: the name masked (张*华) when the competition says so. */
  publicRow(row: StandingRow): StandingRow {
    return publicRow(row, this.#policy);
  }

  /** The columns the public sees: hidden stations left out. */
  get publicColumns(): StandingsColumns {
    return publicColumns(this.columns, this.#policy);
  }

  /**
   * A delta as the public sees it (only ever sent while live). With hidden stations its rows
   * are the public standings' rows of the contestants whose public row changed in its range:
   * a mark on a hidden station sends no row and no event, so nothing can be derived from it.
   */
  publicDelta(delta: BoardDelta): BoardDelta {
    if (this.#row.nameDisplay !== 'masked' && !this.#hidden.size) return delta;
    const policy = this.#policy;
    let rows = delta.rows;
    if (this.#hidden.size) {
      const touched = new Set<number>();
      for (let r = delta.from ?? delta.revision; r <= delta.revision; r++)
        for (const c of this.#publicTouched.get(r) ?? []) touched.add(c);
      rows = [...touched].map((c) => this.#publicStandings.rankedRow(c)!);
    }
    return {
      ...delta,
      rows: rows.map((r) => publicRow(r, policy)),
      event: delta.event && publicEvent(delta.event, policy),
      ...(delta.events
        ? { events: delta.events.map((e) => publicEvent(e, policy)).filter((e) => e !== null) }
        : {}),
    };
  }

  /**
   * Applies a committed change of the competition's course or settings (state, freeze,
   * reveal, name display, a station lock) and records its staff delta. A lock changes every
   * contestant's provisional flag, so its delta carries every row: the one delta whose size
   * grows with the field, and it happens a handful of times a day.
   */
  applyCourse(
    row: CompetitionRow,
    change: { lock?: { stationId: string; locked: boolean } },
    event: BoardEvent | null,
  ): BoardDelta {
    const wasFrozen = this.#row.state === 'frozen';
    this.#row = row;
    this.#revision = row.revision;
    let rows: StandingRow[] = [];
    if (change.lock) {
      if (change.lock.locked) this.#locked.add(change.lock.stationId);
      else this.#locked.delete(change.lock.stationId);
      const touched: number[] = [];
      for (const c of this.contestants.values()) if (this.#rescore(c.id)) touched.push(c.id);
      this.#publicTouched.set(row.revision, touched);
      rows = this.standings();
    }
    if (row.state === 'frozen' && !wasFrozen) {
      this.#frozenRows = this.standings();
      this.#frozenPublicRows = this.#hidden.size ? this.#publicStandings.ranked() : null;
    }
    if (row.state !== 'frozen') this.#frozenRows = this.#frozenPublicRows = null;
    const delta: BoardDelta = {
      type: 'board.delta',
      revision: row.revision,
      rows,
      event,
      competition: this.summary,
    };
    this.#remember(delta);
    return delta;
  }

  /**
   * Deltas after `since`, or null when they are no longer held (the board needs a snapshot).
   * Revisions are consecutive, so the range is found by offset.
   */
  deltasSince(since: number): BoardDelta[] | null {
    if (since > this.#revision) return null;
    if (since === this.#revision) return [];
    const first = this.#deltas[0];
    if (!first || first.revision > since + 1) return null;
    return this.#deltas.slice(since + 1 - first.revision);
  }

  /** The published score of a contestant's station. */
  stationScore(contestantId: number, stationId: string): string {
    return (
      this.#standings.get(contestantId)?.stations[stationId]?.score ??
      formatScaled(0, this.index.scheme.decimals)
    );
  }

  /**
   * Applies a log entry that has just been committed: folds it, rescores its contestant
   * (O(scheme) + O(log n) for the rank) and records the board delta for its revision. Must be
   * called in revision order.
   */
  applyCommitted(m: MarkRow): BoardDelta {
    this.#fold(m);
    const publicChanged = this.#rescore(m.contestantId);
    if (this.#hidden.size)
      this.#publicTouched.set(m.revision, publicChanged ? [m.contestantId] : []);
    this.#revision = m.revision;
    const row = this.#standings.rankedRow(m.contestantId)!;
    const delta: BoardDelta = {
      type: 'board.delta',
      revision: m.revision,
      rows: [row],
      event: this.#describe(m, row),
    };
    this.#remember(delta);
    return delta;
  }

  #remember(delta: BoardDelta): void {
    this.#deltas.push(delta);
    if (this.#deltas.length > DELTA_HISTORY) {
      for (const d of this.#deltas.splice(0, this.#deltas.length - DELTA_HISTORY))
        this.#publicTouched.delete(d.revision);
    }
  }

  #fold(m: MarkRow): void {
    applyEntry(this.#book, toLogEntry(m));
    if (m.kind === 'mark')
      this.#markRows.set(m.id, {
        contestantId: m.contestantId,
        sheetId: m.sheetId!,
        attempt: m.attempt,
        officialId: m.officialId,
        ownerId: m.rules === 1 ? m.officialId : m.ownerId,
        clientId: m.clientId,
        createdAt: m.createdAt,
        revision: m.revision,
      });
    else if (m.kind === 'void') {
      const target = this.#markRows.get(m.targetMarkId!);
      if (target) {
        const sheet = this.index.sheets.get(target.sheetId);
        const now =
          sheet &&
          this.lineHead(
            target.contestantId,
            sheet,
            target.attempt,
            target.ownerId ?? target.officialId,
          );
        this.#voids.push({
          voidSeq: m.id,
          authorId: target.officialId,
          notice: {
            markId: m.targetMarkId!,
            contestantId: target.contestantId,
            bib: this.contestants.get(target.contestantId)?.bib ?? '',
            sheetId: target.sheetId,
            attempt: target.attempt,
            reason: m.reason ?? '',
            by: this.officialName(m.officialId),
            at: m.createdAt,
            restored: now ? { markId: now.markId, values: now.values } : null,
          },
        });
      }
    }
    this.#revision = Math.max(this.#revision, m.revision);
  }

  /**
   * Rescores a contestant in the staff standings and, with hidden stations, in the public
   * ones (scored without them). @returns whether the public row changed.
   */
  #rescore(contestantId: number): boolean {
    const c = this.contestants.get(contestantId)!;
    const marks = this.#book.marks.get(contestantId) ?? new Map();
    const reruns = rerunsOf(this.#book, contestantId);
    this.#standings.upsert(
      buildRow(this.index, c, scoreContestant(this.index, marks, this.#locked, reruns)),
    );
    if (!this.#hidden.size) return true;
    const before = JSON.stringify(this.#publicStandings.get(contestantId) ?? null);
    const visible = this.#withoutHidden(new Map([[contestantId, marks]])).get(contestantId)!;
    const row = buildRow(this.index, c, scoreContestant(this.index, visible, this.#locked, reruns));
    this.#publicStandings.upsert(row);
    return JSON.stringify(row) !== before;
  }

  /** Current marks without the sheets of hidden stations (what the public standings score). */
  #withoutHidden<M>(
    marks: ReadonlyMap<number, ReadonlyMap<string, M>>,
  ): Map<number, Map<string, M>> {
    const out = new Map<number, Map<string, M>>();
    for (const [c, bySheet] of marks)
      out.set(c, new Map([...bySheet].filter(([sheetId]) => !this.#hiddenSheets.has(sheetId))));
    return out;
  }

  /**
   * What a committed mark explains, for the ticker: its faults, vetoes and values as data
   * (protocol/board.ts `BoardEvent`), which each page words ("单边桥 · 掉桥 · 单脚着地×1 −3").
   */
  #describe(m: MarkRow, row: StandingRow): BoardEvent {
    const contestant = this.contestants.get(m.contestantId)!;
    const base = { bib: contestant.bib, name: contestant.name };
    if (m.kind === 'rerun') {
      const station = this.index.stations.get(m.stationId!)!.station;
      return {
        ...base,
        stationId: station.id,
        sheet: station.label,
        kind: 'rerun',
        attempt: m.attempt,
        score: row.stations[station.id]?.score ?? '',
      };
    }
    const sheetId = m.kind === 'void' ? this.#markRows.get(m.targetMarkId!)?.sheetId : m.sheetId;
    const sheet = this.index.sheets.get(sheetId!)!;
    // A sub-station's mark: the score is the whole station's, so the event names the station.
    const station = sheet.isSubStation
      ? { station: this.index.stations.get(sheet.stationId)!.station.label }
      : {};
    if (m.kind === 'void')
      return {
        ...base,
        stationId: sheet.stationId,
        sheet: sheet.label,
        kind: 'void',
        score: row.stations[sheet.stationId]?.score ?? '',
        ...station,
      };
    const values = JSON.parse(m.valuesJson) as SheetValues;
    const items: TickerItem[] = [];
    for (const c of sheet.criteria) {
      const v = values[c.id];
      if (c.kind === 'faults' && v && typeof v === 'object')
        for (const f of c.faults) {
          const n = (v as Record<string, number>)[f.id];
          if (n)
            items.push({
              kind: 'fault',
              label: f.label,
              count: n,
              points: formatMilli(n * toMilli(f.deduction)),
            });
        }
      if (c.kind === 'veto' && v === true) items.push({ kind: 'veto', label: c.label });
      if ((c.kind === 'judgement' || c.kind === 'difficulty') && typeof v === 'number')
        items.push({ kind: 'value', label: c.label, value: formatMilli(v) });
      if (c.kind === 'imported' && typeof v === 'number')
        items.push({ kind: 'value', value: formatMilli(v) });
    }
    // A sheet that counts faults says so when there were none ("无失误").
    const clean = !items.length && sheet.criteria.some((c) => c.kind === 'faults');
    return {
      ...base,
      stationId: sheet.stationId,
      sheet: sheet.label,
      kind: 'mark',
      items,
      ...(clean ? { clean: true as const } : {}),
      score: row.stations[sheet.stationId]?.score ?? '',
      ...station,
    };
  }

  /** The latest ticker events up to a revision (newest first), for a board that just opened. */
  recentEvents(upTo: number, n = 8): (BoardEvent & { revision: number })[] {
    const out: (BoardEvent & { revision: number })[] = [];
    for (let i = this.#deltas.length - 1; i >= 0 && out.length < n; i--) {
      const d = this.#deltas[i]!;
      if (d.revision <= upTo && d.event) out.push({ ...d.event, revision: d.revision });
    }
    return out;
  }
}
