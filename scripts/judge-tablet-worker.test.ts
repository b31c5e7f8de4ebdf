import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iconPng, webManifest } from './judge-tablet-worker.ts';

describe('the judge tablet’s web manifest', () => {
  it('installs the tablet page alone, full screen, with PNG icons of the sizes browsers ask', () => {
    const m = webManifest();
    expect(m).toMatchObject({
      start_url: '/judge-tablet/',
      scope: '/judge-tablet/',
      display: 'standalone',
      lang: 'zh-CN',
    });
    expect(m.icons.map((i) => [i.src, i.sizes, i.type])).toEqual([
      ['/judge-tablet/icon-192.png', '192x192', 'image/png'],
      ['/judge-tablet/icon-512.png', '512x512', 'image/png'],
    ]);
  });

  it('draws its icon as a valid PNG: signature, IHDR of the size, rows that inflate to RGB', () => {
    const png = iconPng(192);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([
      192, 192, 8, 2,
    ]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(192 * (1 + 192 * 3));
    // The corner is the brand's dark blue, the centre the gold star.
    expect([...raw.subarray(1, 4)]).toEqual([0x0a, 0x2a, 0x5c]);
    const mid = 96 * (1 + 192 * 3) + 1 + 96 * 3;
    expect([...raw.subarray(mid, mid + 3)]).toEqual([0xf5, 0xb4, 0x00]);
    expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND');
  });
});
