import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { checkTextRows, checkXlsxBounds } from '../../services/upload-bounds.ts';
import { eq, sql } from 'drizzle-orm';
import { randomInt } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { auditLog, competitions, contestants, marks } from '../../../db/schema.ts';
import { CloseCode } from '../../protocol/constants.ts';
import {
  csvCells,
  drawOrder,
  validateContestants,
  xlsxCells,
} from '../../services/contestant-import.ts';
import type { LiveCompetition } from '../../services/live-competition.ts';
import { competitionNotFound } from '../../plugins/errors.ts';
import { Slug } from '../../protocol/fixture.ts';

const SlugParams = z.object({ slug: Slug });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Largest contestant file accepted (100,000 rows of CSV fit). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Set-up by the organiser (Bearer token):
 * - `POST /api/competitions/:slug/contestants/import[?dryRun=1]` — a contestant list as CSV
 *   (UTF-8 with or without BOM, or GBK/GB18030 from Excel; `,` or `;`) or XLSX; the dry run
 *   answers the rows as they would be stored, or refuses exactly as the import would (422 with
 *   every bad line, by the file's own line; 409 once marking has begun); nothing is written
 *   until confirmed and error-free;
 * - `POST /api/competitions/:slug/draw` `{seed?}` — the draw order (抽签) from a recorded seed;
 * - `GET /api/backup` — a consistent copy of the whole database (SQLite online backup) while
 *   marking goes on. Restore: stop the server, put the file at `DATA_DIR/jiangxing.db`, start.
 */
const routes: FastifyPluginAsync = async (app) => {
  const organiser = app.requireOfficial(['organiser']);
  app.addContentTypeParser(
    ['text/csv', 'text/plain', XLSX, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
    (_req, body, done) => done(null, body),
  );

  const competitionOf = (
    params: unknown,
    officialCompetition: number,
  ): LiveCompetition | undefined => {
    const p = SlugParams.safeParse(params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    return live && live.id === officialCompetition ? live : undefined;
  };
  const hasMarks = (id: number) =>
    (app.db
      .select({ n: sql<number>`count(*)` })
      .from(marks)
      .where(eq(marks.competitionId, id))
      .get()?.n ?? 0) > 0;

  app.post(
    '/api/competitions/:slug/contestants/import',
    { onRequest: organiser, bodyLimit: MAX_FILE_BYTES },
    async (req, reply) => {
      const live = competitionOf(req.params, req.official!.competitionId);
      if (!live) throw competitionNotFound();
      if (!Buffer.isBuffer(req.body))
        return reply
          .code(415)
          .send({ error: 'import/bad_type', message: '请上传 CSV 或 XLSX 文件' });
      const bytes = new Uint8Array(req.body);
      const isXlsx =
        req.headers['content-type']?.startsWith(XLSX) || (bytes[0] === 0x50 && bytes[1] === 0x4b);
      // Bounded before parsing: a zip bomb or a million rows is refused in milliseconds.
      const bounded = isXlsx
        ? await checkXlsxBounds(bytes)
        : checkTextRows(Buffer.from(bytes).toString('latin1'));
      if (!bounded.ok)
        return reply.code(413).send({ error: 'import/too_large', message: bounded.message });
      let read: ReturnType<typeof csvCells>;
      try {
        read = isXlsx ? { ok: true, records: await xlsxCells(bytes) } : csvCells(bytes);
      } catch (err) {
        return reply
          .code(400)
          .send({ error: 'import/unreadable', message: `无法读取文件：${(err as Error).message}` });
      }
      if (!read.ok) return reply.code(422).send({ rows: [], errors: [read.error], imported: 0 });
      // The dry run and the import give the same answer up to the write: the same checks, in
      // the same order.
      const preview = validateContestants(read.records);
      if ([...live.contestants.values()].some((c) => c.advancedFromId != null))
        return reply.code(409).send({
          error: 'import/advanced_field',
          message: '本轮选手由上一轮晋级产生（含带入成绩），不能用名单替换',
        });
      if (preview.errors.length) return reply.code(422).send({ ...preview, imported: 0 });
      // Marks queued in this turn count too: commit them before asking.
      app.live.writer.flush();
      if (hasMarks(live.id))
        return reply
          .code(409)
          .send({ error: 'import/marks_exist', message: '已开始评分，不能再替换选手名单' });
      if ((req.query as { dryRun?: string }).dryRun === '1') return { ...preview, imported: 0 };
      app.db.transaction((tx) => {
        tx.delete(contestants).where(eq(contestants.competitionId, live.id)).run();
        tx.insert(contestants)
          .values(
            preview.rows.map((r) => ({
              competitionId: live.id,
              bib: r.bib,
              name: r.name,
              organisation: r.organisation,
              drawOrder: r.drawOrder,
            })),
          )
          .run();
        audit(tx as never, live, req.official!.officialId, 'contestants.import', {
          count: preview.rows.length,
        });
      });
      reloadEveryone(app, live.slug);
      return { ...preview, imported: preview.rows.length };
    },
  );

  app.post('/api/competitions/:slug/draw', { onRequest: organiser }, async (req, reply) => {
    const live = competitionOf(req.params, req.official!.competitionId);
    if (!live) throw competitionNotFound();
    const body = z
      .object({
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
      })
      .safeParse(req.body ?? {});
    if (!body.success)
      return reply.code(400).send({ error: 'request/invalid', message: 'seed 须为非负整数' });
    if (hasMarks(live.id))
      return reply
        .code(409)
        .send({ error: 'draw/marks_exist', message: '已开始评分，不能重新抽签' });
    const seed = body.data.seed ?? randomInt(2 ** 31 - 1);
    const order = drawOrder(
      [...live.contestants.values()].map((c) => c.bib),
      seed,
    );
    app.live.writer.flush();
    app.db.transaction((tx) => {
      // Two passes keep (competition, draw order) free of clashes while it is rewritten.
      order.forEach((bib, i) =>
        tx
          .update(contestants)
          .set({ drawOrder: -(i + 1) })
          .where(sql`${contestants.competitionId} = ${live.id} and ${contestants.bib} = ${bib}`)
          .run(),
      );
      tx.update(contestants)
        .set({ drawOrder: sql`-${contestants.drawOrder}` })
        .where(eq(contestants.competitionId, live.id))
        .run();
      audit(tx as never, live, req.official!.officialId, 'contestants.draw', { seed });
    });
    reloadEveryone(app, live.slug);
    return { seed, order: order.map((bib, i) => ({ bib, drawOrder: i + 1 })) };
  });

  app.get('/api/backup', { onRequest: organiser }, async (_req, reply) => {
    const dir = mkdtempSync(join(tmpdir(), 'jx-backup-'));
    const file = join(dir, 'jiangxing.db');
    // SQLite's online backup: a consistent snapshot while writers go on.
    await app.db.$client.backup(file);
    const stream = createReadStream(file);
    stream.on('close', () => rmSync(dir, { recursive: true, force: true }));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .type('application/vnd.sqlite3')
      .header('content-disposition', `attachment; filename="jiangxing-${stamp}.db"`)
      .send(stream);
  });
};

/** Appends to the audit log and bumps the revision, so boards that resume get a fresh snapshot. */
function audit(
  tx: FastifyInstance['db'],
  live: LiveCompetition,
  officialId: number,
  action: string,
  detail: object,
): void {
  const { revision } = tx
    .update(competitions)
    .set({ revision: sql`${competitions.revision} + 1` })
    .where(eq(competitions.id, live.id))
    .returning({ revision: competitions.revision })
    .get()!;
  tx.insert(auditLog)
    .values({
      competitionId: live.id,
      officialId,
      action,
      detailJson: JSON.stringify(detail),
      revision,
      createdAt: new Date().toISOString(),
    })
    .run();
}

/**
 * After the field itself changed, rebuilds the competition's live state and asks every board
 * and tablet to reconnect (close 4009), so each gets the new list in a fresh snapshot/welcome.
 */
export function reloadEveryone(app: FastifyInstance, slug: string): void {
  const fresh = app.live.load(slug)!;
  for (const ws of app.live.boards.get(fresh.id)?.keys() ?? [])
    ws.close(CloseCode.serverShutdown, 'contestants changed');
  for (const ws of app.live.judges.get(fresh.id)?.keys() ?? [])
    ws.close(CloseCode.serverShutdown, 'contestants changed');
}

export default routes;
