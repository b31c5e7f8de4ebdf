import { describe, expect, it } from 'vitest';
import { durationText, secondsText } from './duration.ts';

describe('durationText', () => {
  it('says a recorded time exactly, in minutes and seconds', () => {
    expect(durationText(52_500, 'zh')).toBe('52.5秒');
    expect(durationText(65_342, 'zh')).toBe('1分05.342秒');
    expect(durationText(65_342, 'en')).toBe('1 min 05.342 s');
    expect(durationText(120_000, 'zh')).toBe('2分00秒');
    expect(durationText(0, 'en')).toBe('0 s');
  });

  it('reads a 65,360 ms run the same everywhere: no tenths cut, no rounding', () => {
    // The tablet's summary once read "01:05.3" (a stopwatch face), the console "65.36 秒".
    expect(durationText(65_360, 'zh')).toBe('1分05.36秒');
    expect(durationText(65_360, 'en')).toBe('1 min 05.36 s');
  });
});

describe('secondsText', () => {
  it('drops trailing zeros and keeps up to three places', () => {
    expect(secondsText(52_500)).toBe('52.5');
    expect(secondsText(60_000)).toBe('60');
    expect(secondsText(1_005)).toBe('1.005');
  });
});
