import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL twin of drizzle.config.ts: `npm run db:generate` writes both. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema.ts',
  out: './db/pg/migrations',
});
