import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

/** A dist/ with the files the cache headers are about (contents do not matter here). */
let dist: string;
let dataDir: string;
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'jx-dist-'));
  dataDir = mkdtempSync(join(tmpdir(), 'jx-static-'));
  for (const dir of ['scoreboard', 'judge-tablet', 'assets']) mkdirSync(join(dist, dir));
  writeFileSync(join(dist, 'scoreboard', 'index.html'), '<!doctype html>');
  writeFileSync(join(dist, 'judge-tablet', 'index.html'), '<!doctype html>');
  writeFileSync(join(dist, 'judge-tablet', 'sw.js'), 'self;');
  writeFileSync(join(dist, 'judge-tablet', 'manifest.webmanifest'), '{}');
  writeFileSync(join(dist, 'assets', 'judge-tablet-AbC123.js'), 'export {};');
  app = await buildApp({ dataDir, distDir: dist });
});
afterAll(async () => {
  await app?.close();
  rmSync(dist, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cache headers of the built pages (the judge tablet’s worker must see new builds)', () => {
  it('serves the tablet’s page, its worker and its web manifest no-cache', async () => {
    for (const url of [
      '/judge-tablet/',
      '/judge-tablet/index.html',
      '/judge-tablet/sw.js',
      '/judge-tablet/manifest.webmanifest',
      '/scoreboard/',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
    const sw = await app.inject({ url: '/judge-tablet/sw.js' });
    expect(sw.headers['content-type']).toMatch(/javascript/);
    const manifest = await app.inject({ url: '/judge-tablet/manifest.webmanifest' });
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
  });
  it('leaves the hashed assets to the default (revalidated by name, never no-cache)', async () => {
    const res = await app.inject({ url: '/assets/judge-tablet-AbC123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).not.toBe('no-cache');
  });
});
