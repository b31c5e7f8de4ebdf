import {
  buildRow,
  formatMilli,
  formatScaled,
  indexScheme,
  rankRows,
  scoreContestant,
  toMilli,
  type ContestantInfo,
  type CurrentMark,
  type SchemeIndex,
  type SheetValues,
  type StandingRow,
} from '#engine';
import {
  MarkingScheme,
  type BoardDelta,
  type BoardEvent,
  type BoardSnapshot,
  type CompetitionSummary,
  type StandingsColumns,
} from '#protocol';
import type { Db } from '../../db/client.ts';
import { listContestants, type CompetitionRow } from '../../db/repositories/competitions.ts';
import { listMarks, listStationLocks, type MarkRow } from '../../db/repositories/marks.ts';

/** How many recent deltas a competition keeps so a reconnecting board can catch up. */
export const DELTA_HISTORY = 2000;

/** Key of one judge's line: contestant × sheet × judge. */
const lineKey = (contestantId: number, sheetId: string, officialId: number) =>
  `${contestantId}:${sheetId}:${officialId}`;

/**
 * The in-memory state of one competition, rebuilt from SQLite at boot and advanced by
 * committed marks only. It holds each judge's current mark per line, each contestant's
 * standings row, and the recent deltas by revision. Everything it computes comes from the
 * pure engine; it never writes to the database.
 */
export class LiveCompetition {
  readonly id: number;
  readonly slug: string;
  readonly index: SchemeIndex;
  readonly columns: StandingsColumns;
  #row: CompetitionRow;
  #revision: number;
  readonly contestants = new Map<number, ContestantInfo>();
  /** contestantId → sheetId → current marks (one per judge). */
  readonly #marks = new Map<number, Map<string, CurrentMark[]>>();
  /** Current mark per judge line, to name what a correction supersedes. */
  readonly #lines = new Map<string, { markId: number; clientId: string; values: SheetValues }>();
  readonly #locked = new Set<string>();
  readonly #rows = new Map<number, StandingRow>();
  #ranked: StandingRow[] | null = null;
  readonly #deltas: BoardDelta[] = [];

  private constructor(row: CompetitionRow) {
    this.#row = row;
    this.id = row.id;
    this.slug = row.slug;
    this.#revision = row.revision;
    this.index = indexScheme(MarkingScheme.parse(JSON.parse(row.schemeJson)));
    this.columns = {
      modules: this.index.scheme.modules.map((m) => ({
        id: m.id,
        label: m.label,
        weight: m.weight,
      })),
      stations: this.index.scheme.modules.flatMap((m) =>
        m.stations.map((s) => ({
          id: s.id,
          moduleId: m.id,
          label: s.label,
          points: formatMilli(toMilli(s.points)),
        })),
      ),
    };
  }

  /** Loads a competition and replays its marks log. O(marks + contestants). */
  static load(db: Db, row: CompetitionRow): LiveCompetition {
    const live = new LiveCompetition(row);
    for (const c of listContestants(db, row.id)) live.contestants.set(c.id, c);
    for (const l of listStationLocks(db, row.id)) {
      if (l.action === 'lock') live.#locked.add(l.stationId);
      else live.#locked.delete(l.stationId);
    }
    for (const m of listMarks(db, row.id)) live.#applyToState(m);
    for (const c of live.contestants.values()) live.#rescore(c.id);
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
    };
  }

  isLocked(stationId: string): boolean {
    return this.#locked.has(stationId);
  }

  get lockedStations(): string[] {
    return [...this.#locked];
  }

  /** The judge's current mark on a line, if any. */
  currentLine(contestantId: number, sheetId: string, officialId: number) {
    return this.#lines.get(lineKey(contestantId, sheetId, officialId));
  }

  /** Every current mark of one judge (for the tablet's queue after a reload). */
  linesOf(officialId: number) {
    const out: {
      markId: number;
      clientId: string;
      contestantId: number;
      sheetId: string;
      values: SheetValues;
    }[] = [];
    for (const [key, v] of this.#lines) {
      const [c, sheet, o] = key.split(':');
      if (Number(o) === officialId) out.push({ ...v, contestantId: Number(c), sheetId: sheet! });
    }
    return out;
  }

  /** Ranked standings (the one standings function's result), cached until the next mark. */
  standings(): StandingRow[] {
    this.#ranked ??= rankRows([...this.#rows.values()]);
    return this.#ranked;
  }

  snapshot(): BoardSnapshot {
    return {
      type: 'board.snapshot',
      revision: this.#revision,
      competition: this.summary,
      columns: this.columns,
      rows: this.standings(),
    };
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

  /** The station score (published) of a contestant, for the judge's ack. */
  stationScore(contestantId: number, sheetId: string): string {
    const stationId = this.index.sheets.get(sheetId)?.stationId ?? '';
    return (
      this.#rows.get(contestantId)?.stations[stationId]?.score ??
      formatScaled(0, this.index.scheme.decimals)
    );
  }

  /**
   * Applies a mark that has just been committed: updates the line, rescores the contestant
   * and records the board delta for its revision. Must be called in revision order.
   */
  applyCommitted(m: MarkRow): BoardDelta {
    this.#applyToState(m);
    this.#rescore(m.contestantId);
    this.#revision = m.revision;
    // The row as ranked by the one standings function; boards re-rank the others themselves.
    const row = this.standings().find((r) => r.contestantId === m.contestantId)!;
    const delta: BoardDelta = {
      type: 'board.delta',
      revision: m.revision,
      rows: [row],
      event: this.#describe(m, row),
    };
    this.#deltas.push(delta);
    if (this.#deltas.length > DELTA_HISTORY)
      this.#deltas.splice(0, this.#deltas.length - DELTA_HISTORY);
    return delta;
  }

  #applyToState(m: MarkRow): void {
    const values = JSON.parse(m.valuesJson) as SheetValues;
    this.#lines.set(lineKey(m.contestantId, m.sheetId, m.officialId), {
      markId: m.id,
      clientId: m.clientId,
      values,
    });
    let bySheet = this.#marks.get(m.contestantId);
    if (!bySheet) this.#marks.set(m.contestantId, (bySheet = new Map()));
    // The same judge's later mark on a line replaces the earlier one: a panel of three stays three.
    const panel = (bySheet.get(m.sheetId) ?? []).filter((x) => x.judgeId !== m.officialId);
    panel.push({ seq: m.id, judgeId: m.officialId, values });
    bySheet.set(m.sheetId, panel);
    this.#revision = Math.max(this.#revision, m.revision);
  }

  #rescore(contestantId: number): StandingRow {
    const c = this.contestants.get(contestantId)!;
    const score = scoreContestant(
      this.index,
      this.#marks.get(contestantId) ?? new Map(),
      this.#locked,
    );
    const row = buildRow(this.index, c, score);
    this.#rows.set(contestantId, row);
    this.#ranked = null;
    return row;
  }

  /** A line of words for the ticker: "单边桥 · 掉桥 · 单脚着地×1 −3". */
  #describe(m: MarkRow, row: StandingRow): BoardEvent {
    const sheet = this.index.sheets.get(m.sheetId)!;
    const values = JSON.parse(m.valuesJson) as SheetValues;
    const parts: string[] = [];
    for (const c of sheet.criteria) {
      const v = values[c.id];
      if (c.kind === 'faults' && v && typeof v === 'object')
        for (const f of c.faults) {
          const n = (v as Record<string, number>)[f.id];
          if (n) parts.push(`${f.label.zh}×${n} −${formatMilli(n * toMilli(f.deduction))}`);
        }
      if (c.kind === 'veto' && v === true) parts.push(c.label.zh);
      if (c.kind === 'judgement' && typeof v === 'number')
        parts.push(`${c.label.zh} ${formatMilli(v)}`);
      if (c.kind === 'imported' && typeof v === 'number') parts.push(`${formatMilli(v)}`);
    }
    const contestant = this.contestants.get(m.contestantId)!;
    return {
      bib: contestant.bib,
      name: contestant.name,
      sheet: sheet.label,
      detail:
        parts.join(' · ') || (sheet.criteria.some((c) => c.kind === 'faults') ? '无失误' : ''),
      score: row.stations[sheet.stationId]?.score ?? '',
    };
  }
}
