import { describe, expect, it } from 'vitest';
import { zonedTime } from '../../server/engine/clock.ts';
import { calendarDate, wallTime } from './clock.ts';

describe('wallTime', () => {
  it("reads an instant on the competition's clock, whatever the device's zone", () => {
    // 06:32:10 UTC is 14:32 in Chengdu (UTC+8), whatever zone the projector or tablet is set to.
    expect(wallTime('2024-10-26T06:32:10.000Z', 'Asia/Shanghai', { seconds: false })).toBe('14:32');
    expect(wallTime('2024-10-26T06:32:10.000Z', 'Europe/London', { seconds: false })).toBe('07:32');
    expect(wallTime(Date.UTC(2024, 9, 26, 6, 32, 10), 'Asia/Shanghai')).toBe('14:32:10');
  });

  it('does not read the device zone: a tablet in New York at a Shanghai venue says Shanghai time', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(wallTime(Date.UTC(2024, 9, 26, 6, 32, 10), 'Asia/Shanghai', { seconds: false })).toBe(
        '14:32',
      );
    } finally {
      process.env.TZ = before;
    }
  });

  it('is null when there is nothing to read', () => {
    expect(wallTime(null, 'Asia/Shanghai')).toBeNull();
    expect(wallTime('soon', 'Asia/Shanghai')).toBeNull();
  });

  it('reads an unknown zone as UTC, as the printed pages do, instead of failing', () => {
    expect(wallTime('2024-10-26T06:32:10.000Z', 'Mars/Olympus')).toBe('06:32:10');
  });
});

describe('one clock with the printed pages', () => {
  it('reads what engine/clock.ts zonedTime reads, across zones, offsets and midnight', () => {
    const zones = [
      'Asia/Shanghai',
      'Asia/Kolkata',
      'America/New_York',
      'Europe/Berlin',
      'UTC',
      'Mars/Olympus',
    ];
    const instants = [
      '2024-10-26T06:32:10.412Z',
      '2024-10-26T16:00:00.000Z', // midnight in Shanghai
      '2024-03-31T00:59:59.999Z', // summer time begins in Berlin
      '2024-11-03T06:30:00.000Z', // summer time ends in New York
    ];
    for (const z of zones)
      for (const i of instants) expect(wallTime(i, z)).toBe(zonedTime(i, z).time);
  });
});

describe('calendarDate', () => {
  it('says a date in words', () => {
    expect(calendarDate('2024-10-26', 'zh')).toBe('2024年10月26日');
    expect(calendarDate('2024-10-26', 'en')).toBe('26 October 2024');
    expect(calendarDate('soon', 'en')).toBe('soon');
  });
});
