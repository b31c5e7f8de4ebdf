/**
 * Vite plugin: the judge tablet as an offline app (issue 20, point 4). After the pages are
 * written it builds `judge-tablet/sw.ts` on its own into `dist/judge-tablet/sw.js` (one IIFE
 * file, classic worker: every browser that has service workers runs it), with the list of
 * files to precache taken from Vite's build manifest (`dist/.vite/judge-tablet.json`, which
 * vite.config.ts asks for), and emits the web manifest (`/judge-tablet/manifest.webmanifest`) and
 * its icons for "add to home screen".
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';
import { precacheUrls, SW_SCOPE, type BuildManifest } from '../judge-tablet/sw-core.ts';

const ENTRY = 'judge-tablet/index.html';
/** The tablet build's manifest, beside the other pages' (vite.config.ts builds it alone). */
export const TABLET_MANIFEST = '.vite/judge-tablet.json';
const BRAND_DARK = '#0a2a5c';
const BRAND_GOLD = '#f5b400';

/** The plugin; `root` is the project folder (where judge-tablet/ is). */
export function judgeTabletWorker(root: string): Plugin {
  let outDir = 'dist';
  return {
    name: 'jiangxing:judge-tablet-worker',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'judge-tablet/manifest.webmanifest',
        source: JSON.stringify(webManifest(), null, 2),
      });
      for (const size of [192, 512])
        this.emitFile({
          type: 'asset',
          fileName: `judge-tablet/icon-${size}.png`,
          source: iconPng(size),
        });
    },
    async writeBundle(_options, bundle) {
      const asset = bundle[TABLET_MANIFEST] as Rolldown.OutputAsset | undefined;
      if (!asset) throw new Error(`judge-tablet worker: build.manifest must be ${TABLET_MANIFEST}`);
      const manifest = JSON.parse(String(asset.source)) as BuildManifest;
      const list = [
        ...precacheUrls(manifest, ENTRY),
        `${SW_SCOPE}manifest.webmanifest`,
        `${SW_SCOPE}icon-192.png`,
      ];
      // The document's name has no hash: the build id makes sw.js differ when it changes.
      const page = readFileSync(join(outDir, ENTRY));
      const buildId = createHash('sha256').update(page).digest('hex').slice(0, 12);
      const out = await build({
        configFile: false,
        root,
        logLevel: 'warn',
        define: {
          __JX_PRECACHE__: JSON.stringify(list),
          __JX_BUILD__: JSON.stringify(buildId),
        },
        build: {
          write: false,
          minify: true,
          target: 'es2020',
          copyPublicDir: false,
          rollupOptions: {
            input: join(root, 'judge-tablet/sw.ts'),
            output: { format: 'iife', entryFileNames: 'sw.js' },
          },
        },
      });
      const outputs = (Array.isArray(out) ? out : [out]) as { output: { code?: string }[] }[];
      const code = outputs[0]?.output[0]?.code;
      if (!code) throw new Error('judge-tablet worker: the worker build gave no code');
      writeFileSync(join(outDir, 'judge-tablet', 'sw.js'), code);
    },
  };
}

/** The web manifest: the tablet opens full screen on its own page, in the brand's colours. */
export function webManifest() {
  return {
    name: '匠星 · 裁判评分',
    short_name: '匠星裁判',
    description: '匠星 Jiangxing 现场技能比赛裁判评分',
    lang: 'zh-CN',
    id: SW_SCOPE,
    start_url: SW_SCOPE,
    scope: SW_SCOPE,
    display: 'standalone',
    orientation: 'any',
    background_color: BRAND_DARK,
    theme_color: BRAND_DARK,
    icons: [192, 512].map((size) => ({
      src: `${SW_SCOPE}icon-${size}.png`,
      sizes: `${size}x${size}`,
      type: 'image/png',
      purpose: 'any maskable',
    })),
  };
}

/**
 * The app icon as a PNG, drawn here (no image tools): a five-pointed gold star (匠星, "craft
 * star") on the brand's dark blue, inside the maskable safe zone.
 */
export function iconPng(size: number): Buffer {
  const [br, bg, bb] = hex(BRAND_DARK);
  const [gr, gg, gb] = hex(BRAND_GOLD);
  const star: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const r = (i % 2 === 0 ? 0.3 : 0.12) * size;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    star.push([size / 2 + r * Math.cos(a), size * 0.52 + r * Math.sin(a)]);
  }
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      // 4 samples per pixel: smooth enough edges at 192 px.
      let hits = 0;
      for (const [dx, dy] of [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.25, 0.75],
        [0.75, 0.75],
      ] as const)
        if (inside(star, x + dx, y + dy)) hits++;
      const k = hits / 4;
      row[1 + x * 3] = Math.round(br + (gr - br) * k);
      row[2 + x * 3] = Math.round(bg + (gg - bg) * k);
      row[3 + x * 3] = Math.round(bb + (gb - bb) * k);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const hex = (c: string): [number, number, number] => [
  parseInt(c.slice(1, 3), 16),
  parseInt(c.slice(3, 5), 16),
  parseInt(c.slice(5, 7), 16),
];

/** Even-odd rule. */
function inside(poly: [number, number][], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  let crc = 0xffffffff;
  for (const b of body) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return Buffer.concat([len, body, tail]);
}
