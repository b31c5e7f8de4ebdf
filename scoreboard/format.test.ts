import { describe, expect, it } from 'vitest';
import { clockTime, isoClock } from './format.ts';

describe('isoClock', () => {
  it("reads an instant in the competition's time zone, to the minute", () => {
    // 06:32:10 UTC is 14:32 in Chengdu (UTC+8), whatever zone the projector is set to.
    expect(isoClock('2024-10-26T06:32:10.000Z', 'Asia/Shanghai', 'zh')).toBe('14:32');
    expect(isoClock('2024-10-26T06:32:10.000Z', 'Europe/London', 'en')).toBe('07:32');
  });
  it('is null when there is nothing to read', () => {
    expect(isoClock(null, 'Asia/Shanghai', 'zh')).toBeNull();
    expect(isoClock('soon', 'Asia/Shanghai', 'zh')).toBeNull();
  });
  it('keeps seconds for the last-update time', () => {
    expect(clockTime(Date.UTC(2024, 9, 26, 6, 32, 10), 'Asia/Shanghai', 'zh')).toBe('14:32:10');
  });
  it('falls back to the local zone for an unknown one instead of failing', () => {
    expect(isoClock('2024-10-26T06:32:10.000Z', 'Mars/Olympus', 'zh')).toMatch(/^\d\d:\d\d$/);
  });
});
