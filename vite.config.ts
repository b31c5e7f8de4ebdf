import { svelte } from '@sveltejs/vite-plugin-svelte';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin, type UserConfig } from 'vite';
import { judgeTabletWorker, TABLET_MANIFEST } from './scripts/judge-tablet-worker.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Pages built together (they share chunks); the judge tablet is built on its own. */
const SHARED_PAGES = ['scoreboard', 'console', 'setup'];

/**
 * The build of some pages: each page is an entry (`<page>/index.html`) and lands in
 * dist/<page>/, its scripts and styles in dist/assets/. Nothing is loaded from the internet:
 * fonts are the system's, assets are bundled.
 */
function pagesConfig(
  pages: string[],
  opts: { outDir: string; emptyOutDir: boolean; manifest: string | boolean },
): UserConfig {
  return {
    resolve: {
      alias: {
        '#engine': here('./server/engine/index.ts'),
        '#protocol': here('./server/protocol/index.ts'),
      },
    },
    build: {
      outDir: opts.outDir,
      emptyOutDir: opts.emptyOutDir,
      manifest: opts.manifest,
      // Chromium on a cheap Android tablet supports ES2022 (private fields), which keeps them unrewritten.
      target: 'es2022',
      rollupOptions: {
        // Every page folder with an index.html is an entry.
        input: Object.fromEntries(
          pages
            .filter((page) => existsSync(here(`./${page}/index.html`)))
            .map((page) => [page, here(`./${page}/index.html`)]),
        ),
      },
    },
  };
}

/**
 * The judge tablet in a build of its own, into the same dist/ after the other pages: a chunk
 * shared with the console would carry the parts of Svelte's runtime only the console uses
 * (tree-shaking keeps what any page of a build needs), about 5 kB gzip more on every tablet's
 * first load. Its own build manifest (dist/.vite/judge-tablet.json) lists what its service
 * worker precaches.
 */
function judgeTabletBuild(): Plugin {
  let outDir = 'dist';
  let logLevel: UserConfig['logLevel'];
  return {
    name: 'jiangxing:judge-tablet-build',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
      logLevel = config.logLevel;
    },
    async closeBundle() {
      if (!existsSync(here('./judge-tablet/index.html'))) return;
      const config = pagesConfig(['judge-tablet'], {
        outDir,
        emptyOutDir: false,
        manifest: TABLET_MANIFEST,
      });
      // The browsers a tablet runs (Chromium, Safari 17+) preload modules themselves; an older
      // one only skips a preload, nothing breaks: no polyfill in the first load (issue 20).
      config.build = { ...config.build, modulePreload: { polyfill: false } };
      await build({
        ...config,
        configFile: false,
        root: here('.'),
        logLevel,
        plugins: [
          // Scoped classes named `s<hash>` rather than `svelte-<hash>` (the same hash): they are
          // on most elements and in every scoped rule of the first load.
          svelte({
            compilerOptions: {
              cssHash: ({ css, filename, hash }) =>
                `s${hash(filename === '(unknown)' ? css : (filename ?? css))}`,
            },
          }),
          judgeTabletWorker(here('.')),
        ],
      });
    },
  };
}

export default defineConfig({
  ...pagesConfig(SHARED_PAGES, { outDir: 'dist', emptyOutDir: true, manifest: false }),
  plugins: [svelte(), judgeTabletBuild()],
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
