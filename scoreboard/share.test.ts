import { describe, expect, it } from 'vitest';
import { shareUrl, withCompetition } from './share.ts';

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
