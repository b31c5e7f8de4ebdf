import { svelte } from '@sveltejs/vite-plugin-svelte';
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
      input: {
        scoreboard: here('./scoreboard/index.html'),
        'judge-tablet': here('./judge-tablet/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
