import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../plugins/errors.ts';

/**
 * `GET /api/backup` (organiser) — a consistent copy of the whole database (SQLite online
 * backup) while marking goes on. Restore: stop the server, put the file at
 * `DATA_DIR/jiangxing.db`, start. A file: no response schema. On PostgreSQL the answer is
 * `server/backup_elsewhere`: pg_dump backs it up (docs/deployment.md).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/backup', { onRequest: app.requireOfficial(['organiser']) }, async (_req, reply) => {
    const { store } = app;
    if (store.engine !== 'sqlite') throw new DomainError('server/backup_elsewhere', {});
    const dir = mkdtempSync(join(tmpdir(), 'jx-backup-'));
    const file = join(dir, 'jiangxing.db');
    // SQLite's online backup: a consistent snapshot while writers go on.
    await store.db.$client.backup(file);
    const stream = createReadStream(file);
    stream.on('close', () => rmSync(dir, { recursive: true, force: true }));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .type('application/vnd.sqlite3')
      .header('content-disposition', `attachment; filename="jiangxing-${stamp}.db"`)
      .send(stream);
  });
};
export default routes;
