import { describe, expect, it } from 'vitest';
import { isLoopback } from './loopback.ts';
import { qrPath } from './qr.ts';

describe('isLoopback', () => {
  it('knows the addresses a phone cannot reach', () => {
    expect(isLoopback('http://localhost:3000/scoreboard/')).toBe(true);
    expect(isLoopback('http://127.0.0.1:41234/scoreboard/')).toBe(true);
    expect(isLoopback('http://[::1]:3000/')).toBe(true);
    expect(isLoopback('http://192.168.1.10:3000/scoreboard/')).toBe(false);
    expect(isLoopback('not a url')).toBe(false);
  });
});

describe('qrPath', () => {
  it('draws one unit square per dark module, with the finder patterns in place', () => {
    const { size, d } = qrPath('http://192.168.1.10:3000/scoreboard/?competition=gaoxin-2024');
    // 61 bytes at level M need version 4: 33 modules a side.
    expect(size).toBe(33);
    const squares = [...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`);
    expect(squares.join('')).not.toBe('');
    expect(d).toBe(squares.map((s) => `M${s.replace(',', ' ')}h1v1h-1z`).join(''));
    const dark = new Set(squares);
    // Top-left finder pattern: a 7×7 ring with a 3×3 core.
    for (let i = 0; i < 7; i++) {
      expect(dark.has(`${i},0`) && dark.has(`${i},6`) && dark.has(`0,${i}`)).toBe(true);
    }
    expect(dark.has('1,1')).toBe(false);
    expect(dark.has('3,3')).toBe(true);
  });
  it('holds non-ASCII text as UTF-8', () => {
    expect(qrPath('匠星').size).toBe(21);
  });
});
