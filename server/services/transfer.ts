import { randomBytes } from 'node:crypto';
import type { Store } from '../../db/store.ts';
import {
  credentialsOf,
  insertCompetitionRow,
  insertFestivalOfOne,
  listContestants,
  setCompetitionColumns,
  shortCodeOf,
} from '../../db/repositories/competitions.ts';
import { insertContestant } from '../../db/repositories/contestants.ts';
import {
  insertMarkRow,
  insertStationLock,
  listMarks,
  listStationLocks,
} from '../../db/repositories/marks.ts';
import { insertOfficialRow, officialsById } from '../../db/repositories/officials.ts';
import type { NewLogin } from '../protocol/api.ts';
import type { CompetitionExport } from '../protocol/export.ts';
import type { Custody } from './custody.ts';
import type { LiveCompetition } from './live-competition.ts';

/**
 * The full JSON export of a competition (the file format: protocol/export.ts
 * `CompetitionExport`), and its re-import into a fresh server.
 */

/** Builds the export of a competition from the database. */
export async function exportCompetition(
  s: Store,
  live: LiveCompetition,
): Promise<CompetitionExport> {
  const people = await officialsById(s, live.id);
  const field = await listContestants(s, live.id);
  const bibOf = new Map(field.map((c) => [c.id, c.bib]));
  const log = await listMarks(s, live.id);
  const locks = await listStationLocks(s, live.id);
  const position = new Map(log.map((m, i) => [m.id, i]));
  const r = live.row;
  return {
    format: 'jiangxing-competition',
    version: 1,
    competition: {
      slug: r.slug,
      title: { zh: r.titleZh, en: r.titleEn },
      venue: r.venue,
      date: r.date,
      timeZone: r.timeZone,
      locale: r.locale,
      state: r.state,
      nameDisplay: r.nameDisplay,
    },
    event: { id: r.eventId, label: { zh: r.eventZh, en: r.eventEn } },
    group: { id: r.groupId, label: { zh: r.groupZh, en: r.groupEn } },
    round: { id: r.roundId, label: { zh: r.roundZh, en: r.roundEn }, order: r.roundOrder },
    scheme: live.index.scheme,
    contestants: field.map((c) => ({
      carriedMilli: c.carriedMilli,
      bib: c.bib,
      drawOrder: c.drawOrder,
      name: c.name,
      organisation: c.organisation,
      status: c.status,
    })),
    officials: [...people.values()].map((o) => ({
      code: o.code,
      name: o.name,
      role: o.role,
      sheets: JSON.parse(o.sheetsJson) as string[],
      records: JSON.parse(o.recordsJson) as string[],
    })),
    log: log.map((m) => ({
      kind: m.kind,
      bib: bibOf.get(m.contestantId) ?? '',
      official: people.get(m.officialId)?.code ?? '',
      sheetId: m.sheetId,
      stationId: m.stationId,
      attempt: m.attempt,
      values: JSON.parse(m.valuesJson) as Record<string, unknown>,
      reason: m.reason,
      supersedes: m.supersedesId === null ? null : (position.get(m.supersedesId) ?? null),
      target: m.targetMarkId === null ? null : (position.get(m.targetMarkId) ?? null),
      createdAt: m.createdAt,
      rules: m.rules === 1 ? 1 : 2,
      owner: m.ownerId === null ? null : (people.get(m.ownerId)?.code ?? null),
      measures: m.measures,
    })),
    locks: locks.map((l) => ({
      stationId: l.stationId,
      action: l.action,
      official: people.get(l.officialId)?.code ?? '',
      reason: l.reason,
      createdAt: l.createdAt,
    })),
  };
}

/**
 * Creates a competition from an export (or a hand-made file with an empty log), in one
 * transaction: new login tokens for every official (returned once), the log replayed in order
 * with fresh revisions. Throws a readable Error when references in the file do not resolve.
 * @returns the new competition's slug and the officials' new tokens and short codes.
 */
export async function importCompetition(
  s: Store,
  custody: Custody,
  data: CompetitionExport,
  slug = data.competition.slug,
) {
  return s.transaction(async (tx) => {
    const c = data.competition;
    const festivalId = await insertFestivalOfOne(tx, { ...c, slug });
    const id = await insertCompetitionRow(tx, {
      festivalId,
      eventId: data.event?.id ?? 'main',
      eventZh: data.event?.label.zh ?? c.title.zh,
      eventEn: data.event?.label.en ?? c.title.en,
      ...(data.group && {
        groupId: data.group.id,
        groupZh: data.group.label.zh,
        groupEn: data.group.label.en,
      }),
      ...(data.round && {
        roundId: data.round.id,
        roundZh: data.round.label.zh,
        roundEn: data.round.label.en,
        roundOrder: data.round.order,
      }),
      slug,
      titleZh: c.title.zh,
      titleEn: c.title.en,
      venue: c.venue,
      date: c.date,
      timeZone: c.timeZone,
      locale: c.locale,
      state: c.state === 'frozen' ? 'live' : c.state,
      nameDisplay: c.nameDisplay,
      schemeJson: JSON.stringify(data.scheme),
    });
    const contestantIds = new Map<string, number>();
    for (const x of data.contestants) {
      contestantIds.set(x.bib, await insertContestant(tx, { ...x, competitionId: id }));
    }
    const logins: NewLogin[] = [];
    const officialIds = new Map<string, number>();
    for (const o of data.officials) {
      const token = randomBytes(16).toString('hex');
      const officialId = await insertOfficialRow(tx, {
        competitionId: id,
        code: o.code,
        name: o.name,
        role: o.role,
        ...credentialsOf(custody, token),
        sheetsJson: JSON.stringify(o.sheets),
        recordsJson: JSON.stringify(o.records),
      });
      officialIds.set(o.code, officialId);
      logins.push({
        code: o.code,
        name: o.name,
        role: o.role,
        token,
        shortCode: shortCodeOf(token),
      });
    }
    const need = <T>(map: Map<string, T>, key: string, what: string, i: number): T => {
      const v = map.get(key);
      if (v === undefined) throw new Error(`log.${i}: unknown ${what} "${key}"`);
      return v;
    };
    const newIds: number[] = [];
    let revision = 0;
    for (const [i, e] of data.log.entries()) {
      revision++;
      const markId = await insertMarkRow(tx, {
        clientId: `import-${randomBytes(12).toString('hex')}`,
        kind: e.kind,
        competitionId: id,
        contestantId: need(contestantIds, e.bib, 'bib', i),
        sheetId: e.sheetId,
        stationId: e.stationId,
        attempt: e.attempt,
        officialId: need(officialIds, e.official, 'official', i),
        rules: e.rules,
        ownerId: e.owner === null ? null : need(officialIds, e.owner, 'official', i),
        measures: e.measures,
        valuesJson: JSON.stringify(e.values),
        supersedesId: e.supersedes === null ? null : (newIds[e.supersedes] ?? null),
        targetMarkId: e.target === null ? null : (newIds[e.target] ?? null),
        reason: e.reason,
        revision,
        createdAt: e.createdAt,
      });
      newIds.push(markId);
    }
    for (const [i, l] of data.locks.entries()) {
      revision++;
      await insertStationLock(tx, {
        competitionId: id,
        stationId: l.stationId,
        action: l.action,
        officialId: need(officialIds, l.official, 'official', i),
        reason: l.reason,
        revision,
        createdAt: l.createdAt,
      });
    }
    await setCompetitionColumns(tx, id, { revision });
    return { slug, logins };
  });
}
