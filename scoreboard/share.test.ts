import { describe, expect, it } from 'vitest';
import { qrPath } from './qr.ts';
import { isLoopback, shareUrl, withCompetition } from './share.ts';

describe('shareUrl', () => {
  const page = new URL(
    'http://192.168.1.10:3000/scoreboard/?competition=gaoxin-2024&page=2&rows=20&lang=both#x',
  );

  it("keeps what a phone needs (competition, language) and drops the projector's paging", () => {
    expect(shareUrl(page)).toBe(
      'http://192.168.1.10:3000/scoreboard/?competition=gaoxin-2024&lang=both',
    );
  });
  it('moves to another base (a LAN address), keeping the board path when the base has none', () => {
    const local = new URL('http://localhost:3000/scoreboard/?competition=gaoxin-2024');
    expect(shareUrl(local, 'http://10.0.0.5:3000')).toBe(
      'http://10.0.0.5:3000/scoreboard/?competition=gaoxin-2024',
    );
    expect(shareUrl(local, 'https://board.example/live/')).toBe(
      'https://board.example/live/?competition=gaoxin-2024',
    );
  });
  it('keeps the festival and its list, not the rotation seconds', () => {
    const festival = new URL(
      'http://10.0.0.5:3000/scoreboard/?festival=city-festival-2025&seconds=5&lang=en',
    );
    expect(shareUrl(festival)).toBe(
      'http://10.0.0.5:3000/scoreboard/?festival=city-festival-2025&lang=en',
    );
    expect(withCompetition(shareUrl(festival)!, 'couriers-final')).toBe(
      'http://10.0.0.5:3000/scoreboard/?festival=city-festival-2025&lang=en&competition=couriers-final',
    );
  });
  it('passes no junk on to the QR code (a 5,000-character value would not fit)', () => {
    const junk = new URL(`http://10.0.0.5:3000/scoreboard/?festival=${'x'.repeat(5000)}&lang=en`);
    expect(shareUrl(junk)).toBe('http://10.0.0.5:3000/scoreboard/?lang=en');
  });
  it('refuses a base that is not http(s)', () => {
    expect(shareUrl(page, 'javascript:alert(1)')).toBeNull();
    expect(shareUrl(page, 'http://[bad')).toBeNull();
  });
});

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
