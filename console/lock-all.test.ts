import { describe, expect, it } from 'vitest';
import { Api, type ApiResult } from './api.ts';
import type { CourseAction, CourseAnswer } from '#protocol';
import { lockAll, lockAllForecast } from './lock-all.ts';
import type { StationCounts } from './progress.ts';

const t = { network: '无法连接服务器', notAvailable: '不支持' };
const api = new Api('token', 'gaoxin-2024');
const summary = (revision: number) => ({ revision }) as unknown as CourseAnswer['competition'];

const refusal = (stationId: string, error: string, reasonRequired: boolean) => ({
  ok: false as const,
  status: 409,
  error,
  message: `${stationId} 还有评分未完成`,
  body: { error, stationId, reasonRequired, count: 3, contestants: 2, lines: [] },
});

describe('lock every complete station', () => {
  it('locks in order without a reason, skipping and naming what the server refuses', async () => {
    const sent: CourseAction[] = [];
    let revision = 10;
    const answers: Record<string, () => ApiResult<CourseAnswer>> = {
      a: () => ({
        ok: true,
        status: 200,
        data: { competition: summary(++revision), lockedStations: [] },
      }),
      b: () => refusal('b', 'course/open_lines', true),
      c: () => refusal('c', 'course/flagged_lines', false),
      d: () => ({ ok: false, status: 0, error: 'network', message: '', body: null }),
      e: () => ({
        ok: true,
        status: 200,
        data: { competition: summary(++revision), lockedStations: [] },
      }),
    };
    const report = await lockAll(api, ['a', 'b', 'c', 'd', 'e'], t, async (_api, action) => {
      sent.push(action);
      return answers[(action as { stationId: string }).stationId]!();
    });
    // Never a reason: nothing incomplete is locked on the console's word.
    expect(sent).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((stationId) => ({ action: 'station.lock', stationId })),
    );
    expect(report.locked).toEqual(['a', 'e']);
    expect(report.competition?.revision).toBe(12);
    expect(report.skipped).toEqual([
      { stationId: 'b', reason: 'open', lines: 3, contestants: 2, message: 'b 还有评分未完成' },
      { stationId: 'c', reason: 'flagged', lines: 3, contestants: 2, message: 'c 还有评分未完成' },
      { stationId: 'd', reason: 'other', lines: 0, contestants: 0, message: '无法连接服务器' },
    ]);
  });

  it('locks nothing when there is nothing to lock', async () => {
    const report = await lockAll(api, [], t, () => Promise.reject(new Error('no request')));
    expect(report).toEqual({ locked: [], skipped: [], competition: null });
  });

  it('forecasts from the live counts which stations look complete', () => {
    const c = (open: number) => ({ open }) as StationCounts;
    expect(lockAllForecast(['a', 'b', 'c'], { a: c(0), b: c(2), c: c(0) })).toEqual({
      complete: ['a', 'c'],
      open: ['b'],
    });
  });
});
