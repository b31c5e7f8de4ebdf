import { describe, expect, it } from 'vitest';
import {
  cachePolicy,
  cacheVersion,
  countDrafts,
  firstLoadUrls,
  mayTakeOver,
  ON_DEMAND,
  precacheUrls,
  type BuildManifest,
} from './sw-core.ts';

/** The shape Vite 8 writes (dist/.vite/manifest.json) for this project's four pages. */
const manifest: BuildManifest = {
  '_svelte-A1.js': { file: 'assets/svelte-A1.js', css: ['assets/svelte-B2.css'] },
  '_engine-C3.js': { file: 'assets/engine-C3.js', imports: ['_svelte-A1.js'] },
  '_scheme-D4.js': { file: 'assets/scheme-D4.js', imports: ['_engine-C3.js'] },
  '_qrcode-E5.js': { file: 'assets/qrcode-E5.js' },
  '_jsQR-F6.js': { file: 'assets/jsQR-F6.js' },
  'judge-tablet/components/Scanner.svelte': {
    file: 'assets/Scanner-G7.js',
    imports: ['judge-tablet/index.html'],
    dynamicImports: ['_jsQR-F6.js'],
    css: ['assets/Scanner-G8.css'],
  },
  // Parts loaded on demand that a tablet reloaded offline still needs.
  'judge-tablet/components/HistoryList.svelte': {
    file: 'assets/HistoryList-M4.js',
    imports: ['judge-tablet/index.html', '_words-N5.js'],
    css: ['assets/HistoryList-M5.css'],
  },
  '_words-N5.js': { file: 'assets/words-N5.js' },
  'judge-tablet/i18n-en.ts': {
    file: 'assets/i18n-en-P6.js',
    dynamicImports: ['judge-tablet/components/HistoryList.svelte'],
  },
  'judge-tablet/index.html': {
    file: 'assets/judge-tablet-H9.js',
    isEntry: true,
    imports: ['_svelte-A1.js', '_engine-C3.js', '_scheme-D4.js'],
    dynamicImports: [
      'judge-tablet/components/Scanner.svelte',
      'judge-tablet/components/HistoryList.svelte',
      'judge-tablet/i18n-en.ts',
    ],
    css: ['assets/judge-tablet-I0.css'],
    assets: ['assets/beep-J1.mp3'],
  },
  'console/index.html': {
    file: 'assets/console-K2.js',
    isEntry: true,
    imports: ['_svelte-A1.js', '_qrcode-E5.js'],
    css: ['assets/console-L3.css'],
  },
};

const FIRST_LOAD = [
  '/judge-tablet/',
  '/judge-tablet/index.html',
  '/assets/judge-tablet-H9.js',
  '/assets/judge-tablet-I0.css',
  '/assets/beep-J1.mp3',
  '/assets/svelte-A1.js',
  '/assets/svelte-B2.css',
  '/assets/engine-C3.js',
  '/assets/scheme-D4.js',
];

describe('firstLoadUrls', () => {
  it('takes the page, its entry and every static import with their CSS and assets, each once', () => {
    expect(firstLoadUrls(manifest, 'judge-tablet/index.html')).toEqual(FIRST_LOAD);
  });
  it('leaves out other pages and every chunk loaded with import()', () => {
    const urls = firstLoadUrls(manifest, 'judge-tablet/index.html');
    for (const other of ['console', 'qrcode', 'Scanner', 'jsQR', 'HistoryList', 'words', 'i18n-en'])
      expect(urls.some((u) => u.includes(other))).toBe(false);
  });
  it('refuses a manifest without the page or with a dangling import', () => {
    expect(() => firstLoadUrls(manifest, 'setup/index.html')).toThrow(/no entry/);
    const broken = { 'judge-tablet/index.html': { file: 'a.js', imports: ['_gone.js'] } };
    expect(() => firstLoadUrls(broken, 'judge-tablet/index.html')).toThrow(/no chunk _gone/);
  });
});

describe('precacheUrls', () => {
  it('takes the first load, then the lazy parts with their CSS and imports, each once', () => {
    expect(precacheUrls(manifest, 'judge-tablet/index.html')).toEqual([
      ...FIRST_LOAD,
      '/assets/HistoryList-M4.js',
      '/assets/HistoryList-M5.css',
      '/assets/words-N5.js',
      '/assets/i18n-en-P6.js',
    ]);
  });
  it('leaves out other pages and the camera: its view and the decoder only it loads', () => {
    expect(ON_DEMAND).toContain('judge-tablet/components/Scanner.svelte');
    const urls = precacheUrls(manifest, 'judge-tablet/index.html');
    for (const other of ['console', 'qrcode', 'Scanner', 'jsQR'])
      expect(urls.some((u) => u.includes(other))).toBe(false);
    // Without the exception the camera is precached like any lazy part.
    expect(precacheUrls(manifest, 'judge-tablet/index.html', '/', [])).toEqual(
      expect.arrayContaining([
        '/assets/Scanner-G7.js',
        '/assets/Scanner-G8.css',
        '/assets/jsQR-F6.js',
      ]),
    );
  });
  it('refuses a manifest without the page or with a dangling import, lazy ones too', () => {
    expect(() => precacheUrls(manifest, 'setup/index.html')).toThrow(/no entry/);
    const broken = { 'judge-tablet/index.html': { file: 'a.js', dynamicImports: ['_gone.js'] } };
    expect(() => precacheUrls(broken, 'judge-tablet/index.html')).toThrow(/no chunk _gone/);
  });
});

describe('cacheVersion', () => {
  it('changes with any file and with the build id, and only then', () => {
    const urls = precacheUrls(manifest, 'judge-tablet/index.html');
    expect(cacheVersion(urls, 'b1')).toBe(cacheVersion([...urls], 'b1'));
    expect(cacheVersion(urls, 'b1')).not.toBe(cacheVersion(urls, 'b2'));
    expect(cacheVersion(urls, 'b1')).not.toBe(
      cacheVersion([...urls.slice(0, -1), '/assets/scheme-D5.js'], 'b1'),
    );
  });
});

describe('cachePolicy', () => {
  const origin = 'https://192.168.1.5:3443';
  const precached = new Set(precacheUrls(manifest, 'judge-tablet/index.html'));
  const policy = (url: string, method = 'GET', mode = 'no-cors') =>
    cachePolicy({ url: new URL(url, origin).href, method, mode }, origin, precached);

  it('answers a navigation inside the scope with the page, whatever its query', () => {
    expect(policy('/judge-tablet/', 'GET', 'navigate')).toBe('page');
    expect(policy('/judge-tablet/?lang=en', 'GET', 'navigate')).toBe('page');
    expect(policy('/judge-tablet/index.html', 'GET', 'navigate')).toBe('page');
    expect(policy('/judge-tablet', 'GET', 'navigate')).toBe('page');
  });
  it('serves the page’s files from the precache and keeps other built files', () => {
    expect(policy('/assets/judge-tablet-H9.js')).toBe('precache');
    expect(policy('/assets/svelte-B2.css')).toBe('precache');
    expect(policy('/assets/scanner-G7.js')).toBe('runtime');
  });
  it('never caches the API, non-GET requests, sockets, the worker itself or other origins', () => {
    expect(policy('/api/competitions')).toBe('never');
    expect(policy('/api/venue')).toBe('never');
    expect(policy('/api')).toBe('never');
    expect(policy('/ws/judge')).toBe('never');
    expect(policy('/healthz')).toBe('never');
    expect(policy('/judge-tablet/sw.js')).toBe('never');
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD'])
      expect(policy('/assets/judge-tablet-H9.js', method)).toBe('never');
    expect(policy('http://192.168.1.5:3000/assets/judge-tablet-H9.js')).toBe('never');
    expect(policy('https://cdn.example.com/x.js')).toBe('never');
    expect(cachePolicy({ url: 'not a url', method: 'GET' }, origin, precached)).toBe('never');
  });
  it('leaves navigations to other pages and the CA downloads to the network', () => {
    expect(policy('/console/', 'GET', 'navigate')).toBe('never');
    expect(policy('/setup/', 'GET', 'navigate')).toBe('never');
    expect(policy('/setup/jiangxing-ca.crt', 'GET', 'navigate')).toBe('never');
    expect(policy('/judge-tablet/other', 'GET', 'navigate')).toBe('never');
  });
});

describe('mayTakeOver (the takeover guard)', () => {
  it('lets a new worker take over only with no outbox entry and no draft on the device', () => {
    expect(mayTakeOver({ outbox: 0, drafts: 0 })).toBe(true);
    expect(mayTakeOver({ outbox: 1, drafts: 0 })).toBe(false);
    expect(mayTakeOver({ outbox: 0, drafts: 2 })).toBe(false);
  });
  it('lets it after a protocol mismatch, when only the newer page can send the outbox', () => {
    expect(mayTakeOver({ outbox: 3, drafts: 1 }, { protocolMismatch: true })).toBe(true);
  });
});

describe('countDrafts', () => {
  it('counts every judge’s drafts and nothing else of the tablet’s keys', () => {
    const keys = [
      'jx.judge.token',
      'jx.judge.draft.0a1b2c3d.12:riding:1',
      'jx.judge.draft.0a1b2c3d.13:riding:1',
      'jx.judge.draft.99999999.4:pack:2',
      'jx.judge.draftv.0a1b2c3d',
      'jx.judge.draftopen.0a1b2c3d',
      'jx.judge.welcome.0a1b2c3d',
    ];
    expect(countDrafts({ length: keys.length, key: (i) => keys[i] ?? null })).toBe(3);
  });
});
