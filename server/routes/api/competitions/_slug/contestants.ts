import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomInt } from 'node:crypto';
import type { Store } from '../../../../../db/store.ts';
import { appendAudit } from '../../../../../db/repositories/audit.ts';
import { replaceContestants, setDrawOrder } from '../../../../../db/repositories/contestants.ts';
import { hasMarks } from '../../../../../db/repositories/marks.ts';
import { DomainError } from '../../../../plugins/errors.ts';
import { worded } from '../../../../protocol/line-problems.ts';
import {
  DrawAnswer,
  DrawRequest,
  DryRunQuery,
  ContestantImportAnswer,
  sentWithRefusals,
  SlugParams,
} from '../../../../protocol/api.ts';
import {
  csvCells,
  drawOrder,
  validateContestants,
  xlsxCells,
} from '../../../../services/contestant-import.ts';
import type { LiveCompetition } from '../../../../services/live-competition.ts';
import { changeCompetition } from '../../../../services/course.ts';
import { reloadEveryone } from '../../../../services/reload.ts';
import { checkTextRows, checkXlsxBounds } from '../../../../services/upload-bounds.ts';
import { competitionOf } from './scope.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Largest contestant file accepted (100,000 rows of CSV fit). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * The field, set up by the organiser (Bearer token, own competition):
 * - `POST /api/competitions/:slug/contestants/import[?dryRun=1]` — a contestant list as CSV
 *   (UTF-8 with or without BOM, or GBK/GB18030 from Excel; `,` or `;`) or XLSX; the dry run
 *   answers the rows as they would be stored, or refuses exactly as the import would (422 with
 *   every bad line, by the file's own line; 409 once marking has begun); nothing is written
 *   until confirmed and error-free;
 * - `POST /api/competitions/:slug/draw` `{seed?}` — the draw order (抽签) from a recorded seed.
 * Either write, its audit entry and the revision bump commit as one.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const organiser = app.requireOfficial(['organiser']);
  const own = { competition: { own: true } };
  app.addContentTypeParser(
    ['text/csv', 'text/plain', XLSX, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/contestants/import',
    {
      onRequest: organiser,
      bodyLimit: MAX_FILE_BYTES,
      config: own,
      // The body is the file itself (CSV or XLSX bytes).
      schema: {
        params: SlugParams,
        querystring: DryRunQuery,
        response: sentWithRefusals(ContestantImportAnswer),
      },
    },
    async (req, reply) => {
      const live = competitionOf(req);
      if (!Buffer.isBuffer(req.body)) throw new DomainError('import/bad_type', {});
      const bytes = new Uint8Array(req.body);
      const isXlsx =
        req.headers['content-type']?.startsWith(XLSX) || (bytes[0] === 0x50 && bytes[1] === 0x4b);
      // Bounded before parsing: a zip bomb or a million rows is refused in milliseconds.
      const bounded = isXlsx
        ? await checkXlsxBounds(bytes)
        : checkTextRows(Buffer.from(bytes).toString('latin1'));
      if (!bounded.ok) throw new DomainError('import/too_large', bounded.params);
      let read: ReturnType<typeof csvCells>;
      try {
        read = isXlsx ? { ok: true, records: await xlsxCells(bytes) } : csvCells(bytes);
      } catch (err) {
        throw new DomainError('import/unreadable', { detail: (err as Error).message });
      }
      if (!read.ok)
        return reply.code(422).send({ rows: [], errors: [worded(read.error)], imported: 0 });
      // The dry run and the import give the same answer up to the write: the same checks, in
      // the same order.
      const preview = validateContestants(read.records);
      if ([...live.contestants.values()].some((c) => c.advancedFromId != null))
        throw new DomainError('import/advanced_field', {});
      const errors = preview.errors.map(worded);
      if (errors.length) return reply.code(422).send({ ...preview, errors, imported: 0 });
      if (req.query.dryRun === '1') {
        if (await hasMarks(app.store, live.id)) throw new DomainError('import/marks_exist', {});
        return { ...preview, errors, imported: 0 };
      }
      // Marks queued before this request count too: they are committed first (exclusive), and
      // the check holds the competition's row, so no instance marks in between. The field is
      // replaced on the copy in place now (another change may have replaced it meanwhile), and
      // reloaded before the next change may start.
      await app.live.writer.exclusive(async () => {
        const current = app.live.get(live.slug) ?? live;
        if ([...current.contestants.values()].some((c) => c.advancedFromId != null))
          throw new DomainError('import/advanced_field', {});
        await app.store.transaction(async (tx) => {
          await audit(tx, current, req.official!.officialId, 'contestants.import', {
            count: preview.rows.length,
          });
          if (await hasMarks(tx, current.id)) throw new DomainError('import/marks_exist', {});
          await replaceContestants(
            tx,
            current.id,
            preview.rows.map((r) => ({
              competitionId: current.id,
              bib: r.bib,
              name: r.name,
              organisation: r.organisation,
              drawOrder: r.drawOrder,
            })),
          );
        });
        await reloadEveryone(app, live.slug);
      });
      return { ...preview, imported: preview.rows.length };
    },
  );

  app.post(
    '/draw',
    {
      onRequest: organiser,
      config: { ...own, invalid: { error: 'request/invalid', params: { missing: 'seed' } } },
      schema: { params: SlugParams, body: DrawRequest, response: { 200: DrawAnswer } },
    },
    async (req) => {
      const live = competitionOf(req);
      const seed = req.body?.seed ?? randomInt(2 ** 31 - 1);
      // Drawn from the field as it is when the draw's turn comes (exclusive), not as it was
      // when the request came: an import just before it may have replaced it.
      const order = await app.live.writer.exclusive(async () => {
        const current = app.live.get(live.slug) ?? live;
        const drawn = drawOrder(
          [...current.contestants.values()].map((c) => c.bib),
          seed,
        );
        await app.store.transaction(async (tx) => {
          await audit(tx, current, req.official!.officialId, 'contestants.draw', { seed });
          if (await hasMarks(tx, current.id)) throw new DomainError('draw/marks_exist', {});
          await setDrawOrder(tx, current.id, drawn);
        });
        await reloadEveryone(app, live.slug);
        return drawn;
      });
      return { seed, order: order.map((bib, i) => ({ bib, drawOrder: i + 1 })) };
    },
  );
};

/**
 * Appends to the audit log and bumps the revision, so boards that resume get a fresh snapshot.
 * First in its transaction: the bump holds the competition's row (on PostgreSQL, against every
 * instance) to the commit.
 */
async function audit(
  tx: Store,
  live: LiveCompetition,
  officialId: number,
  action: string,
  detail: object,
): Promise<void> {
  await appendAudit(tx, {
    competitionId: live.id,
    officialId,
    action,
    detail,
    // The next revision of the copy the change was decided on, or a retryable refusal.
    revision: (await changeCompetition(tx, live, {})).revision,
  });
}

export default routes;
