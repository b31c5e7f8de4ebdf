import { describe, expect, it } from 'vitest';
import { zonedTime } from './clock.ts';

describe('zonedTime: an instant on the venue clock, zone named', () => {
  it('reads Shanghai eight hours ahead of UTC, across midnight', () => {
    const t = zonedTime('2024-10-26T06:03:07.412Z', 'Asia/Shanghai');
    expect(t.text).toBe('2024-10-26 14:03:07 Asia/Shanghai (UTC+08:00)');
    expect([t.date, t.time, t.zoneLabel, t.offsetMinutes]).toEqual([
      '2024-10-26',
      '14:03:07',
      'Asia/Shanghai (UTC+08:00)',
      480,
    ]);
    expect(zonedTime('2024-10-26T16:30:00Z', 'Asia/Shanghai').wallClock).toBe(
      '2024-10-27 00:30:00',
    );
  });

  it('follows Berlin into and out of summer time (last Sunday of March and of October)', () => {
    // 31 March 2024: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    expect(zonedTime('2024-03-31T00:59:59Z', 'Europe/Berlin').text).toBe(
      '2024-03-31 01:59:59 Europe/Berlin (UTC+01:00)',
    );
    expect(zonedTime('2024-03-31T01:00:00Z', 'Europe/Berlin').text).toBe(
      '2024-03-31 03:00:00 Europe/Berlin (UTC+02:00)',
    );
    // 27 October 2024: 03:00 CEST falls back to 02:00 CET at 01:00 UTC, so 02:30 happens
    // twice; the offset tells the two apart.
    const first = zonedTime('2024-10-27T00:30:00Z', 'Europe/Berlin');
    const second = zonedTime('2024-10-27T01:30:00Z', 'Europe/Berlin');
    expect(first.wallClock).toBe('2024-10-27 02:30:00');
    expect(second.wallClock).toBe('2024-10-27 02:30:00');
    expect(first.zoneLabel).toBe('Europe/Berlin (UTC+02:00)');
    expect(second.zoneLabel).toBe('Europe/Berlin (UTC+01:00)');
    expect([first.offsetMinutes, second.offsetMinutes]).toEqual([120, 60]);
  });

  it('keeps half-hour and negative offsets whole', () => {
    expect(zonedTime('2024-10-26T06:03:07Z', 'Asia/Kolkata').text).toBe(
      '2024-10-26 11:33:07 Asia/Kolkata (UTC+05:30)',
    );
    expect(zonedTime('2024-10-26T06:03:07Z', 'America/St_Johns').zoneLabel).toBe(
      'America/St_Johns (UTC-02:30)',
    );
    expect(zonedTime('2024-01-15T12:00:00Z', 'America/New_York')).toMatchObject({
      wallClock: '2024-01-15 07:00:00',
      offsetMinutes: -300,
    });
    expect(zonedTime('2024-06-01T12:00:00Z', 'UTC').zoneLabel).toBe('UTC (UTC+00:00)');
  });

  it('gives the wall clock as a zoneless epoch for spreadsheets, milliseconds kept', () => {
    const t = zonedTime('2024-10-26T06:03:07.412Z', 'Asia/Kolkata');
    expect(new Date(t.wallClockMs).toISOString()).toBe('2024-10-26T11:33:07.412Z');
    // An instant given with its own offset, or as a Date, is the same instant.
    expect(zonedTime('2024-10-26T14:03:07+08:00', 'Asia/Shanghai').wallClock).toBe(
      '2024-10-26 14:03:07',
    );
    expect(zonedTime(new Date(Date.UTC(2024, 9, 26, 6, 3, 7)), 'Asia/Shanghai').time).toBe(
      '14:03:07',
    );
  });

  it('says UTC rather than failing for an unknown zone, and refuses a non-instant', () => {
    expect(zonedTime('2024-10-26T06:03:07Z', 'Mars/Olympus').text).toBe(
      '2024-10-26 06:03:07 UTC (UTC+00:00)',
    );
    expect(() => zonedTime('yesterday', 'Asia/Shanghai')).toThrow(RangeError);
  });
});
