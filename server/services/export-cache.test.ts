import { describe, expect, it } from 'vitest';
import { ExportCache, exportKey } from './export-cache.ts';

describe('ExportCache', () => {
  it('builds once for requests that arrive together, and again when the key changes', async () => {
    const cache = new ExportCache<string>();
    let builds = 0;
    // The first build is still running when the other 29 requests arrive: it ends only when
    // the test lets it.
    let finish = () => {};
    const running = new Promise<void>((resolve) => (finish = resolve));
    const make = async () => {
      builds++;
      await running;
      return `export ${builds}`;
    };
    const together = Array.from({ length: 30 }, () => cache.get('a', make));
    finish();
    const first = await Promise.all(together);
    expect(new Set(first)).toEqual(new Set(['export 1']));
    expect(builds).toBe(1);
    expect(await cache.get('b', make)).toBe('export 2');
  });

  it('keeps no failed build, and forgets the least recently used beyond its capacity', async () => {
    const cache = new ExportCache<number>(2);
    await expect(cache.get('x', () => Promise.reject(new Error('disk full')))).rejects.toThrow();
    expect(await cache.get('x', () => 1)).toBe(1);
    await cache.get('y', () => 2);
    await cache.get('x', () => -1); // x used again: y is now the oldest
    await cache.get('z', () => 3);
    expect(await cache.get('x', () => -1)).toBe(1);
    expect(await cache.get('y', () => 20)).toBe(20);
  });

  it('keys on the view and on every competition summary in the export', () => {
    const s = { slug: 'a', revision: 4, state: 'live' };
    expect(exportKey('csv', false, [s])).not.toBe(exportKey('csv', true, [s]));
    expect(exportKey('csv', false, [s])).not.toBe(exportKey('csv', false, [{ ...s, revision: 5 }]));
  });
});
