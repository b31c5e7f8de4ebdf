import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import {
  planScoreImport,
  pointsText,
  scoreValues,
  type ImportLineMark,
  type ImportError,
  type ImportedCriterion,
  type PlannedLine,
  type ScoreImportChoices,
  type ScoreImportPlan,
  type Sheet,
} from '#engine';
import { formatIssues } from '#protocol';
import { markTimes } from '../../../../../db/repositories/marks.ts';
import { officialsById } from '../../../../../db/repositories/officials.ts';
import { COMPETITION_NOT_FOUND, DomainError, errorBody } from '../../../../plugins/errors.ts';
import { worded, type LineProblemParams } from '../../../../protocol/line-problems.ts';
import {
  ImportParams,
  ImportQuery,
  MAX_IMPORT_BYTES,
  ScoreImportAnswer,
  ScoreImportRequest,
  sentWithRefusals,
  type CurrentScore,
} from '../../../../protocol/api.ts';
import { decodeText } from '../../../../../web/decode-text.ts';
import { readCsv } from '../../../../services/csv-file.ts';
import type { LiveCompetition } from '../../../../services/live-competition.ts';
import { acceptImport } from '../../../../engine/acceptance.ts';
import { competitionOf } from './scope.ts';

/** Errors listed in an answer; a file with more says how many it left out. */
const MAX_LISTED = 1000;

/**
 * `POST /api/competitions/:slug/imports/:criterionId[?dryRun=1]` — an exam system's scores
 * (`bib,score` per line) into an imported criterion, by the organiser or head judge (Bearer).
 * The body is the CSV (`text/csv`, UTF-8 or GBK) or JSON {@link ScoreImportRequest}. The dry
 * run and the import run the same check (`planScoreImport`), so the dry run lists exactly the
 * values the import stores and refuses exactly what it refuses. The import is all or nothing: 422 with
 * every bad line, 409 with every line whose mark changed since the importer's dry run
 * (`seen`), else every write is committed in one transaction through the mark writer.
 * Answers: see docs/protocol.md (Imports).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES },
    (_req, body, done) => {
      const bytes = body as Buffer;
      // The route's own limit is larger (the JSON form); a CSV is held to this one.
      if (bytes.length > MAX_IMPORT_BYTES)
        return done(
          Object.assign(new Error('文件过大（最大 2 MB）'), { statusCode: 413 }),
          undefined,
        );
      done(null, decodeText(new Uint8Array(bytes)));
    },
  );
  app.post(
    '/imports/:criterionId',
    {
      onRequest: app.requireOfficial(['organiser', 'head-judge']),
      // The JSON form carries the file (at most MAX_IMPORT_BYTES, escaped) and its `seen` map.
      bodyLimit: 2 * MAX_IMPORT_BYTES,
      config: {
        rateLimit: { max: 30, timeWindow: '1 minute' },
        // A criterion id or query that cannot be one: as a competition that is not there.
        invalid: COMPETITION_NOT_FOUND,
      },
      // The body is a CSV (text) or JSON: read by readRequest below, which says which it is.
      schema: {
        params: ImportParams,
        querystring: ImportQuery,
        response: sentWithRefusals(ScoreImportAnswer),
      },
    },
    async (req, reply) => {
      const live = competitionOf(req);
      const { criterionId } = req.params;
      // Commit what others queued first, so the check sees the log as it is.
      await app.live.writer.flush();
      const who = req.official!;
      const refused = acceptImport({ id: live.id, state: live.row.state }, who);
      if (refused) throw DomainError.of(refused);
      const sheetId = live.index.criterionSheet.get(criterionId);
      const sheet = sheetId ? live.index.sheets.get(sheetId) : undefined;
      const criterion = sheet?.criteria.find((c) => c.id === criterionId);
      if (
        !sheet ||
        criterion?.kind !== 'imported' ||
        sheet.criteria.length !== 1 ||
        sheet.judges !== 1
      )
        throw new DomainError('import/bad_criterion', { criterion: criterionId });
      const request = readRequest(req.body);
      if (!request.ok) return reply.code(request.status).send(request.body);
      const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
      const csv = readCsv(request.csv);
      if (!csv.ok)
        return reply.code(422).send(await answer(app, live, dryRun, emptyPlan([csv.error])));
      const choices = choicesOf(request.json, dryRun);
      const plan = planScoreImport(
        csv.records,
        field(live, sheet, criterion, who.officialId),
        choices,
      );
      const named = [...(choices.keep ?? []), ...(choices.overwrite?.keys() ?? [])];
      const inFile = new Set(plan.lines.map((l) => l.bib));
      const stray = named.find((bib) => !inFile.has(bib));
      if (stray !== undefined && !plan.errors.length)
        return reply.code(400).send(errorBody('request/invalid', { strayBib: stray }));
      if (plan.errors.length) return reply.code(422).send(await answer(app, live, dryRun, plan));
      if (plan.conflicts.length)
        return reply.code(409).send({
          ...errorBody('import/conflict', {
            lines: plan.conflicts.length,
            previewed: request.json?.seen !== undefined,
          }),
          ...(await answer(app, live, dryRun, plan)),
        });
      if (dryRun) return await answer(app, live, true, plan);

      const importer = { ...who, sheets: new Set([sheet.id]) };
      const pending = plan.writes.map((w) =>
        app.live.writer.submit(importer, live, {
          type: 'mark.submit',
          clientId: `imp-${randomUUID()}`,
          contestantId: w.contestantId,
          sheetId: sheet.id,
          attempt: 1,
          values: scoreValues(criterion, w.milli),
          seen: w.supersedes,
          reason: w.reason ?? undefined,
        }),
      );
      // Commit in this same turn: nothing can change the competition between the check and
      // the writes, and all of them share one transaction.
      void app.live.writer.flush();
      const outcomes = await Promise.all(pending);
      const failures: ImportError[] = [];
      const writtenIds = new Map<PlannedLine, number>();
      outcomes.forEach((o, i) => {
        const w = plan.writes[i]!;
        if (o.type === 'mark.reject')
          failures.push({
            line: w.line,
            code: 'score/refused',
            // The writer's refusals carry their parameters (`?? {}` only types an older frame).
            params: { bib: w.bib, refusal: { code: o.code, params: o.params ?? {} } as Refusal },
          });
        else writtenIds.set(w, o.markId);
      });
      const body = await answer(app, live, false, plan, writtenIds);
      if (failures.length) {
        const none = failures.length === plan.writes.length;
        // Another instance changed these lines between the check and the commit: a conflict
        // to look at again, as one found by the check.
        if (none && outcomes.every((o) => o.type === 'mark.reject' && o.code === 'mark/stale'))
          return reply.code(409).send({
            ...body,
            ...errorBody('import/conflict', { lines: failures.length, previewed: false }),
            imported: 0,
            errors: failures.map(worded),
          });
        // The check above runs the writer's own rules on the same state; this is a fault.
        req.log.error({ failures }, 'import: the writer refused lines the check accepted');
        return reply.code(none ? 503 : 500).send({
          ...body,
          ...(none
            ? errorBody('import/not_written', {})
            : errorBody('import/partly_written', { lines: failures.length })),
          imported: plan.writes.length - failures.length,
          errors: failures.map(worded),
        });
      }
      return body;
    },
  );
};

/** A writer's refusal of one line, as a `score/refused` line problem carries it. */
type Refusal = LineProblemParams['score/refused']['refusal'];

/** The body as the file's text and, for JSON, the importer's choices; or a refusal. */
function readRequest(
  body: unknown,
):
  | { ok: true; csv: string; json: ScoreImportRequest | null }
  | { ok: false; status: number; body: ReturnType<typeof errorBody> } {
  if (typeof body === 'string') return { ok: true, csv: body, json: null };
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    const r = ScoreImportRequest.safeParse(body);
    if (r.success) return { ok: true, csv: r.data.csv, json: r.data };
    return {
      ok: false,
      status: 400,
      body: errorBody('request/invalid', {
        issues: formatIssues(r.error.issues, { root: '请求', separator: ' ', join: '；' }),
        request: true,
      }),
    };
  }
  return {
    ok: false,
    status: 415,
    body: errorBody('import/bad_type', { scores: true }),
  };
}

/**
 * What the importer saw: a dry run without `seen` sees the competition as it is; an import
 * without `seen` (a plain CSV upload) saw nothing, so it may only fill empty lines.
 */
function choicesOf(json: ScoreImportRequest | null, dryRun: boolean): ScoreImportChoices {
  const seen = json?.seen ? new Map(Object.entries(json.seen)) : dryRun ? undefined : new Map();
  return {
    seen,
    overwrite: json?.overwrite ? new Map(Object.entries(json.overwrite)) : undefined,
    keep: json?.keep ? new Set(json.keep) : undefined,
  };
}

function field(
  live: LiveCompetition,
  sheet: Sheet,
  criterion: ImportedCriterion,
  officialId: number,
) {
  const byBib = new Map([...live.contestants.values()].map((c) => [c.bib, c]));
  return {
    sheet,
    criterion,
    decimals: live.index.scheme.decimals,
    locked: live.isLocked(sheet.stationId),
    contestant: (bib: string) => byBib.get(bib),
    head: (contestantId: number) => live.lineHead(contestantId, sheet, 1, officialId),
  };
}

function emptyPlan(errors: ImportError[]): ScoreImportPlan {
  return { lines: [], writes: [], errors, conflicts: [] };
}

/** The answer of a dry run or an import: every line as stored (or to be), errors, conflicts. */
async function answer(
  app: FastifyInstance,
  live: LiveCompetition,
  dryRun: boolean,
  plan: ScoreImportPlan,
  written?: ReadonlyMap<PlannedLine, number>,
) {
  const current = await describeMarks(
    app,
    live,
    [...plan.lines, ...plan.conflicts].flatMap((l) => (l.current ? [l.current.markId] : [])),
  );
  const count = (c: PlannedLine['change']) => plan.lines.filter((l) => l.change === c).length;
  return {
    dryRun,
    rows: plan.lines.length,
    imported: written ? plan.writes.length : 0,
    unchanged: written ? count('unchanged') : 0,
    kept: written ? count('kept') : 0,
    lines: plan.lines.map((l) => ({
      line: l.line,
      bib: l.bib,
      name: l.name,
      text: l.text,
      value: l.value,
      change: l.change,
      supersedes: l.supersedes,
      current: current(l.current),
      ...(written?.has(l) ? { markId: written.get(l) } : {}),
    })),
    errors:
      plan.errors.length > MAX_LISTED
        ? [
            ...plan.errors.slice(0, MAX_LISTED).map(worded),
            worded({
              line: 0,
              code: 'import/more',
              params: { count: plan.errors.length - MAX_LISTED },
            }),
          ]
        : plan.errors.map(worded),
    conflicts: plan.conflicts.map((c) => ({
      line: c.line,
      bib: c.bib,
      name: c.name,
      value: c.value,
      seen: c.seen,
      current: current(c.current),
    })),
  };
}

/**
 * Names a current mark: its value as published, its author and commit time (read once for the
 * marks `ids`, the current marks of the answer's lines).
 */
async function describeMarks(app: FastifyInstance, live: LiveCompetition, ids: number[]) {
  const people = ids.length ? await officialsById(app.store, live.id) : new Map();
  const times = await markTimes(app.store, ids);
  return (m: ImportLineMark | null): CurrentScore | null => {
    if (!m) return null;
    const o = people.get(m.officialId);
    const at = times.get(m.markId);
    return {
      markId: m.markId,
      value: m.milli === null ? null : pointsText(m.milli, live.index.scheme.decimals),
      by: o ? { code: o.code, name: o.name } : null,
      at: at ?? null,
    };
  };
}

export default routes;
