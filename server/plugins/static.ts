import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the SPAs. */
export const DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../dist');

/** The pages a person opens, each a built SPA under dist/. */
export const PAGES = ['scoreboard', 'judge-tablet', 'console', 'setup'] as const;

/** Files served `no-cache`: every page's document, the worker, the web manifest. */
const NO_CACHE = /(\/index\.html|\/sw\.js|\.webmanifest)$/;

/**
 * Serves the built SPAs (`/scoreboard/`, `/judge-tablet/`) from dist/ and sends `/` to the
 * scoreboard. When dist/ is missing, pages answer 503 with the command that builds them.
 */
export default fp(
  async (app, opts: { root?: string }) => {
    const root = opts.root ?? DIST_DIR;
    app.get('/', async (_req, reply) => reply.redirect('/scoreboard/'));
    if (!existsSync(join(root, 'scoreboard', 'index.html'))) {
      for (const page of PAGES)
        app.get(`/${page}/*`, async (_req, reply) =>
          reply
            .code(503)
            .type('text/plain; charset=utf-8')
            .send('页面尚未构建：请运行 npm run build（npm start 会自动构建）'),
        );
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      redirect: true,
      wildcard: true,
      index: ['index.html'],
      // Pages and the judge tablet's service worker are checked with the server at every load
      // (a new build is seen at once; a worker's update check must reach the server); the
      // hashed files under assets/ never change under their name.
      setHeaders: (reply, path) => {
        if (NO_CACHE.test(path)) reply.header('cache-control', 'no-cache');
      },
    });
  },
  { name: 'static' },
);
