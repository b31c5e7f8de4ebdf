import {
  advancers,
  carryMilli,
  rankOnRunningTotal,
  runningTotalMilli,
  teamStandings,
  type RoundPart,
  type StandingRow,
  type TeamRow,
} from '#engine';
import type {
  AdvancementPreview,
  CompetitionSummary,
  ErrorParams,
  FestivalSummary,
  TeamsResponse,
} from '#protocol';
import type { Store } from '../../db/store.ts';
import { appendAudit } from '../../db/repositories/audit.ts';
import type { FestivalRow } from '../../db/repositories/competitions.ts';
import { changeCompetition } from './course.ts';
import { insertContestants } from '../../db/repositories/contestants.ts';
import { errorText } from '../protocol/messages.ts';
import type { LiveCompetition } from './live-competition.ts';

/**
 * The festival layer: how competitions group into events, groups and rounds, the projector
 * rotation, advancement from one round to the next and the team ranking. Pure engine calls
 * (engine/rounds.ts, engine/teams.ts) wrapped in the database shell.
 */

/**
 * A festival's competitions in reading order: events in the order they were created, groups
 * likewise within an event, rounds by `order`.
 */
export function festivalCompetitions(all: readonly LiveCompetition[], festivalId: number) {
  const mine = all.filter((l) => l.festivalId === festivalId);
  const firstOf = new Map<string, number>();
  for (const l of [...mine].sort((a, b) => a.id - b.id)) {
    const r = l.row;
    if (!firstOf.has(`e:${r.eventId}`)) firstOf.set(`e:${r.eventId}`, l.id);
    if (!firstOf.has(`g:${r.eventId}/${r.groupId}`))
      firstOf.set(`g:${r.eventId}/${r.groupId}`, l.id);
  }
  return mine.sort(
    (a, b) =>
      firstOf.get(`e:${a.row.eventId}`)! - firstOf.get(`e:${b.row.eventId}`)! ||
      firstOf.get(`g:${a.row.eventId}/${a.row.groupId}`)! -
        firstOf.get(`g:${b.row.eventId}/${b.row.groupId}`)! ||
      a.row.roundOrder - b.row.roundOrder,
  );
}

/** The festival as `GET /api/festivals/:slug` gives it. */
export function festivalSummary(
  festival: FestivalRow,
  members: readonly LiveCompetition[],
): FestivalSummary {
  const board = JSON.parse(festival.boardJson) as { show?: string[]; seconds?: number };
  const slugs = new Set(members.map((m) => m.slug));
  return {
    slug: festival.slug,
    title: { zh: festival.titleZh, en: festival.titleEn },
    venue: festival.venue,
    date: festival.date,
    board: {
      show: (board.show ?? []).filter((s) => slugs.has(s)),
      seconds: board.seconds ?? 20,
    },
    // Public: a frozen competition shows the revision of its freeze (no activity behind it).
    competitions: members.map((m) => m.publicSummary),
  };
}

/** The next round of the same event and group (the smallest later `order`), if any. */
export function nextRound(
  all: readonly LiveCompetition[],
  live: LiveCompetition,
): LiveCompetition | undefined {
  const r = live.row;
  return all
    .filter(
      (l) =>
        l.festivalId === live.festivalId &&
        l.row.eventId === r.eventId &&
        l.row.groupId === r.groupId &&
        l.row.roundOrder > r.roundOrder,
    )
    .sort((a, b) => a.row.roundOrder - b.row.roundOrder)[0];
}

const byId = new WeakMap<readonly StandingRow[], Map<number, StandingRow>>();

/** Standings rows by contestant id, kept per standings array (the live ranking is cached). */
function rowsById(rows: readonly StandingRow[]): Map<number, StandingRow> {
  let m = byId.get(rows);
  if (!m) byId.set(rows, (m = new Map(rows.map((r) => [r.contestantId, r]))));
  return m;
}

/**
 * A contestant's own total (without carry) in each round of their group they came through:
 * this round, then back along `advancedFromId` (round id → its part, weight 1). Staff
 * standings, so hidden stations count (as in the official totals).
 */
export function ownRoundTotals(
  all: readonly LiveCompetition[],
  live: LiveCompetition,
  contestantId: number,
): Map<string, RoundPart> {
  const group = all.filter(
    (l) =>
      l.festivalId === live.festivalId &&
      l.row.eventId === live.row.eventId &&
      l.row.groupId === live.row.groupId,
  );
  const out = new Map<string, RoundPart>();
  let at: LiveCompetition | undefined = live;
  let id: number | null | undefined = contestantId;
  while (at && id != null && !out.has(at.row.roundId)) {
    const decimals = at.index.scheme.decimals;
    const row = rowsById(at.standings()).get(id);
    const carried = at.contestants.get(id)?.carriedMilli ?? 0;
    if (row)
      out.set(at.row.roundId, {
        totalUnits: row.totalUnits - carried / 10 ** (3 - decimals),
        decimals,
        weight: 1,
      });
    id = at.contestants.get(id)?.advancedFromId;
    const from: number | null | undefined = id;
    at = from == null ? undefined : group.find((l) => l.contestants.has(from));
  }
  return out;
}

/**
 * Running totals of a round's contestants over named rounds (advancement `on`, scheme
 * version 2): Σ of each contestant's own totals in those rounds, rounded once to this round's
 * decimals in its rounding mode; a round the contestant did not take part in counts 0.
 * @returns contestant id → units of 10^-decimals points.
 */
export function runningTotals(
  all: readonly LiveCompetition[],
  live: LiveCompetition,
  rounds: readonly { round: string; weight: number }[],
): Map<number, number> {
  const { decimals } = live.index.scheme;
  const mode = live.index.rules.rounding.mode;
  const out = new Map<number, number>();
  for (const id of live.contestants.keys()) {
    const own = ownRoundTotals(all, live, id);
    const parts = rounds.flatMap((r) => {
      const p = own.get(r.round);
      return p ? [{ ...p, weight: r.weight }] : [];
    });
    out.set(id, runningTotalMilli(parts, decimals, mode) / 10 ** (3 - decimals));
  }
  return out;
}

/**
 * Who would go on, on the live standings (staff view), and whether advancement may run:
 * only from a round published as official (state final) into a next round with no
 * contestants yet, so the carried totals are official and nothing is carried twice.
 */
export function previewAdvancement(
  all: readonly LiveCompetition[],
  live: LiveCompetition,
): AdvancementPreview {
  const rule = live.index.scheme.advancement ?? null;
  const next = nextRound(all, live);
  const done =
    !!next &&
    [...next.contestants.values()].some((c) => live.contestants.has(c.advancedFromId ?? -1));
  const { decimals } = live.index.scheme;
  // A cut on a running total ranks the rows on it first (issue 19: cut on prelim + semifinal).
  const ranked = rule?.on
    ? rankOnRunningTotal(
        live.standings(),
        runningTotals(
          all,
          live,
          rule.on.rounds.map((round) => ({ round, weight: 1 })),
        ),
        decimals,
      )
    : live.standings();
  const result = rule
    ? advancers(ranked, rule, decimals)
    : { advanced: [], outAtCut: [], extraAtCut: 0 };
  const notReady: ErrorParams['advance/not_ready'] | null = !rule
    ? { why: 'no_rule' }
    : !next
      ? { why: 'no_next' }
      : done
        ? { why: 'advanced', round: next.summary.placement.round.label }
        : next.contestants.size > 0
          ? { why: 'next_has_field', round: next.summary.placement.round.label }
          : live.row.state !== 'final'
            ? { why: 'not_final' }
            : null;
  const blocked = notReady && errorText('advance/not_ready', notReady, 'zh');
  return {
    competition: live.summary,
    rule,
    next: next?.summary ?? null,
    carry: next?.columns.carry ?? null,
    ready: blocked === null,
    blocked,
    notReady,
    done,
    ...result,
  };
}

/**
 * Runs advancement: the advancing contestants become the next round's field, in one
 * transaction with an audit entry in both competitions. Draw order in the next round is the
 * reverse of this round's standings (the leader goes last), and each carries
 * `carryMilli(total, weight)` when the next scheme carries, or with `carry.rounds` (version 2)
 * the named rounds' own totals × their weights, rounded once. Refuses unless the preview is ready.
 * @returns the next competition and the number advanced, or the refusal `advance/not_ready`.
 */
export async function runAdvancement(
  s: Store,
  all: readonly LiveCompetition[],
  live: LiveCompetition,
  officialId: number,
): Promise<
  | { ok: true; next: LiveCompetition; count: number }
  | { ok: false; code: 'advance/not_ready'; params: ErrorParams['advance/not_ready'] }
> {
  const preview = previewAdvancement(all, live);
  const next = nextRound(all, live);
  if (!preview.ready || !next)
    return { ok: false, code: 'advance/not_ready', params: preview.notReady! };
  const carry = next.index.scheme.carry;
  const fromDecimals = live.index.scheme.decimals;
  const toDecimals = next.index.scheme.decimals;
  const rows: StandingRow[] = preview.advanced;
  const mode = next.index.rules.rounding.mode;
  /** What a row carries: the previous total × weight, or named rounds' own totals × weights. */
  const carried = (r: StandingRow): number | null => {
    if (!carry) return null;
    if ('weight' in carry) {
      // The ranked total, not a running total the cut may have ranked on.
      const own = rowsById(live.standings()).get(r.contestantId)!;
      return carryMilli(own.totalUnits, fromDecimals, carry.weight, toDecimals, mode);
    }
    const own = ownRoundTotals(all, live, r.contestantId);
    const parts = carry.rounds.flatMap((c) => {
      const p = own.get(c.round);
      return p ? [{ ...p, weight: c.weight }] : [];
    });
    return runningTotalMilli(parts, toDecimals, mode);
  };
  const when = new Date().toISOString();
  await s.transaction(async (tx) => {
    await insertContestants(
      tx,
      rows.map((r, i) => ({
        competitionId: next.id,
        bib: r.bib,
        name: r.name,
        organisation: r.organisation,
        drawOrder: rows.length - i,
        carriedMilli: carried(r),
        advancedFromId: r.contestantId,
      })),
    );
    for (const [c, action, detail] of [
      [live, 'round.advance', { to: next.slug, count: rows.length }],
      [next, 'round.advanced_in', { from: live.slug, count: rows.length }],
    ] as const) {
      await appendAudit(tx, {
        competitionId: c.id,
        officialId: c === live ? officialId : null,
        action,
        detail,
        // The next revision of each copy, or a retryable refusal when one is out of date.
        revision: (await changeCompetition(tx, c, {})).revision,
        createdAt: when,
      });
    }
  });
  return { ok: true, next, count: rows.length };
}

/**
 * The team ranking of a competition on the rows a viewer may see (engine/teams.ts), or null
 * when the scheme has no teams.
 */
export function teamsOf(live: LiveCompetition, rows: readonly StandingRow[]): TeamRow[] | null {
  const rule = live.index.scheme.teams;
  return rule ? teamStandings(rows, rule.best, live.index.scheme.decimals) : null;
}

/** `GET /api/competitions/:slug/teams` body. */
export function teamsResponse(
  live: LiveCompetition,
  summary: CompetitionSummary,
  rows: readonly StandingRow[],
): TeamsResponse | null {
  const teams = teamsOf(live, rows);
  if (!teams) return null;
  return {
    competition: summary,
    best: live.index.scheme.teams?.best ?? null,
    provisional: rows.some((r) => r.provisional),
    teams,
  };
}
