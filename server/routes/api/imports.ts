import type { FastifyPluginAsync } from 'fastify';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { validateImportedResults, formatMilli, type ImportError } from '#engine';

const Params = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
  criterionId: z.string().max(64),
});
const Query = z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() });

/** Largest import file accepted, bytes (5,000 rows of bib,score fit many times over). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

/**
 * `POST /api/competitions/:slug/imports/:criterionId` — imports an exam system's CSV (`bib,score`
 * per line, optional header, UTF-8 with or without BOM) into an imported criterion, as the
 * organiser or head judge (Bearer token). With `?dryRun=1` it only validates. Every score goes
 * through the same write path as a judge's mark. A score equal to the current one is left
 * alone, so importing the same file twice stores nothing new; a changed score supersedes the
 * old one with the reason "重新导入". Nothing is written when any row has an error.
 */
const routes: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES },
    (_req, body, done) => done(null, body),
  );
  app.post(
    '/api/competitions/:slug/imports/:criterionId',
    {
      preHandler: app.requireOfficial(['organiser', 'head-judge']),
      bodyLimit: MAX_IMPORT_BYTES,
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const p = Params.safeParse(req.params);
      const q = Query.safeParse(req.query);
      const live = p.success ? app.live.get(p.data.slug) : undefined;
      if (!p.success || !q.success || !live)
        return reply.code(404).send({ error: 'competition/not_found', message: '没有这场比赛' });
      const who = req.official!;
      if (who.competitionId !== live.id)
        return reply
          .code(403)
          .send({ error: 'auth/forbidden', message: '您不是本场比赛的工作人员' });
      if (live.row.state === 'final')
        return reply.code(409).send({
          error: 'mark/competition_closed',
          message: '比赛成绩已正式公布，不能再导入成绩',
        });
      const sheetId = live.index.criterionSheet.get(p.data.criterionId);
      const sheet = sheetId ? live.index.sheets.get(sheetId) : undefined;
      const criterion = sheet?.criteria.find((c) => c.id === p.data.criterionId);
      if (!sheet || criterion?.kind !== 'imported' || sheet.criteria.length !== 1)
        return reply.code(400).send({
          error: 'import/bad_criterion',
          message: `“${p.data.criterionId}” 不是可导入的成绩项`,
        });
      if (typeof req.body !== 'string')
        return reply
          .code(415)
          .send({ error: 'import/bad_type', message: '请上传 CSV 文本（text/csv）' });
      let rows: string[][];
      try {
        rows = parse(req.body.replace(/^\uFEFF/, ''), {
          relax_column_count: true,
          skip_empty_lines: true,
          trim: true,
        });
      } catch (err) {
        return reply
          .code(400)
          .send({ error: 'import/bad_csv', message: `CSV 格式错误：${(err as Error).message}` });
      }
      const byBib = new Map([...live.contestants.values()].map((c) => [c.bib, c]));
      const { results, errors } = validateImportedResults(rows, criterion, new Set(byBib.keys()));
      if (!results.length && !errors.length)
        errors.push({ line: 0, message: '文件中没有成绩（每行：号码,成绩）' });
      const dryRun = q.data.dryRun === '1' || q.data.dryRun === 'true';
      if (errors.length || dryRun)
        return reply
          .code(errors.length ? 422 : 200)
          .send({ dryRun, rows: results.length, errors, imported: 0, unchanged: 0 });
      const importer = { ...who, sheets: new Set([sheet.id]) };
      let imported = 0;
      let unchanged = 0;
      const failures: ImportError[] = [];
      const outcomes = await Promise.all(
        results.map((r) => {
          const c = byBib.get(r.bib)!;
          // The import is authoritative: it supersedes whatever the line holds, by name (`seen`).
          const existing = live.lineHead(c.id, sheet, 1, who.officialId);
          if (existing?.values[criterion.id] === r.milli) return { r, o: null };
          // Content plus what it replaces: a resend of this request is harmless, a later
          // change back to an earlier score is a new entry.
          const clientId =
            'imp-' +
            createHash('sha256')
              .update(`${live.slug}:${criterion.id}:${r.bib}:${r.milli}:${existing?.markId ?? 0}`)
              .digest('hex')
              .slice(0, 40);
          return app.live.writer
            .submit(importer, live, {
              type: 'mark.submit',
              clientId,
              contestantId: c.id,
              sheetId: sheet.id,
              attempt: 1,
              values: { [criterion.id]: formatMilli(r.milli) },
              seen: existing?.markId ?? null,
              reason: existing ? '重新导入' : undefined,
            })
            .then((o) => ({ r, o }));
        }),
      );
      for (const { r, o } of outcomes) {
        if (!o || (o.type === 'mark.ack' && o.duplicate)) unchanged++;
        else if (o.type === 'mark.reject')
          failures.push({ line: r.line, message: `第 ${r.line} 行（${r.bib}号）：${o.message}` });
        else imported++;
      }
      return reply
        .code(failures.length ? 207 : 200)
        .send({ dryRun: false, rows: results.length, imported, unchanged, errors: failures });
    },
  );
};
export default routes;
