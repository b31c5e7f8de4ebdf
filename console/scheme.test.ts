import { indexScheme } from '#engine';
import { MarkingScheme, type MarkingSchemeInput } from '#protocol';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  criteriaOf,
  formatValues,
  importTargetName,
  importTargets,
  rerunStations,
  sheetName,
  sheetOptions,
} from './scheme.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/gaoxin-2024/fixture.json', import.meta.url), 'utf8'),
) as { scheme: MarkingSchemeInput };
const scheme = MarkingScheme.parse(fixture.scheme);
const index = indexScheme(scheme);
const criteria = criteriaOf(index);
const zh = {
  yes: '是',
  no: '否',
  untimed: '未计时',
  noFaults: '无扣分',
};

describe('marking scheme readings', () => {
  it('names a station by its label and a sub-station as "station · sub-station"', () => {
    expect(sheetName(index, 'cleaning', 'zh')).toBe('准备与清洁消毒');
    expect(sheetName(index, 'bridge', 'zh')).toBe('安全骑行 · 单边桥');
    expect(sheetName(index, 'bridge', 'en')).toMatch(/ · /);
    expect(sheetName(index, 'no-such-sheet', 'zh')).toBeNull();
  });

  it('lists every imported criterion as an import target', () => {
    const targets = importTargets(index);
    expect(targets.map((c) => c.id)).toEqual(['theory-score']);
    expect(targets[0]!.points).toBe(100);
    expect(importTargetName(targets[0]!, 'zh')).toBe('理论考试 · 理论成绩（100题）');
    // A sheet named like its criterion is named once.
    expect(
      importTargetName(
        {
          id: 'x',
          label: { zh: '笔试', en: 'Exam' },
          sheet: { zh: '笔试', en: 'Exam' },
          points: 1,
        },
        'en',
      ),
    ).toBe('Exam');
  });

  it('offers re-runs only at stations that run attempts', () => {
    expect(rerunStations(index).size).toBe(0);
    const withAttempts = MarkingScheme.parse({
      ...fixture.scheme,
      modules: fixture.scheme.modules.map((m) => ({
        ...m,
        stations: m.stations.map((s) =>
          s.id === 'riding' ? { ...s, attempts: { count: 2, rule: 'best' as const } } : s,
        ),
      })),
    });
    expect([...rerunStations(indexScheme(withAttempts))]).toEqual(['riding']);
  });
});

describe('mark values in words', () => {
  it('uses criterion and fault labels, yes/no, seconds and points', () => {
    expect(
      formatValues(
        { 'bridge-faults': { 'foot-down': 1, 'both-feet': 0 }, 'bridge-fell': false },
        zh,
        criteria,
      ),
    ).toBe('单脚着地×1 · 掉桥 否');
    expect(formatValues({ 's-bend-faults': {} }, zh, criteria)).toBe('无扣分');
    expect(
      formatValues(
        { 'smoothness-faults': { 'water-spilled': 2 }, 'course-time': 63_240 },
        zh,
        criteria,
      ),
    ).toBe('洒水×2 · 全程用时 1分03.24秒');
    expect(formatValues({ 'course-time': null }, zh, criteria)).toBe('全程用时 未计时');
    expect(formatValues({ 'packaging-quality': 3000 }, zh, criteria)).toBe('打包质量 3');
    expect(formatValues({ 'theory-score': 87_500 }, zh, criteria)).toBe('理论成绩（100题） 87.5');
    expect(formatValues({ 'cleaning-hands': true }, zh, criteria)).toBe('洗手并消毒双手 是');
    expect(formatValues({ 'bridge-fell': true }, { ...zh, yes: 'yes' }, criteria, 'en')).toMatch(
      / yes$/,
    );
  });

  it('falls back to ids before the scheme has arrived', () => {
    expect(
      formatValues(
        {
          's-bend-faults': { 'cone-touched': 2, 'foot-down': 0 },
          'bridge-fell': true,
          'course-time': 63_200,
          'packaging-quality': 2000,
          'lights-time': null,
        },
        zh,
      ),
    ).toBe(
      's-bend-faults cone-touched×2 · bridge-fell 是 · course-time 1分03.2秒 · packaging-quality 2 · lights-time 未计时',
    );
    expect(formatValues({ 'x-faults': {} }, zh)).toBe('x-faults 0');
  });

  it('offers every sheet a judge can be given, sub-stations by "station · sub-station"', () => {
    const options = sheetOptions(scheme, 'zh');
    const ids = options.map((o) => o.id);
    expect(ids).toEqual([...index.sheets.keys()]);
    expect(ids).not.toContain('riding');
    expect(options.find((o) => o.id === 'bridge')).toEqual({
      id: 'bridge',
      label: '安全骑行 · 单边桥',
      stationId: 'riding',
    });
    expect(options.find((o) => o.id === 'cleaning')!.label).toBe('准备与清洁消毒');
    expect(sheetOptions(scheme, 'en').find((o) => o.id === 'bridge')!.label).toMatch(/ · /);
  });
});
