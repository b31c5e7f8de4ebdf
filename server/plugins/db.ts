import fp from 'fastify-plugin';
import { openDatabase, type Db } from '../../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the SQLite database (WAL, migrations) and closes it after everything else. */
export default fp(
  async (app, opts: { file: string }) => {
    const db = openDatabase(opts.file);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
