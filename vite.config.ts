import { svelte } from '@sveltejs/vite-plugin-svelte';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * One build for every SPA: each page is an entry (`<page>/index.html`) and lands in
 * dist/<page>/. The server serves dist/ (server/plugins/static.ts). Nothing is loaded from
 * the internet: fonts are the system's, assets are bundled.
 */
export default defineConfig({
  plugins: [svelte()],
  resolve: {
    alias: {
      '#engine': here('./server/engine/index.ts'),
      '#protocol': here('./server/protocol/index.ts'),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Chromium on a cheap Android tablet supports ES2022 (private fields), which keeps them unrewritten.
    target: 'es2022',
    rollupOptions: {
      // Every page folder with an index.html is an entry.
      input: Object.fromEntries(
        ['scoreboard', 'judge-tablet', 'console', 'setup']
          .filter((page) => existsSync(here(`./${page}/index.html`)))
          .map((page) => [page, here(`./${page}/index.html`)]),
      ),
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
