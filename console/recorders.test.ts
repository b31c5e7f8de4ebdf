import { describe, expect, it } from 'vitest';
import { indexScheme } from '#engine';
import type { MarkingScheme } from '#protocol';
import { readFixture } from '../server/plugins/seed.ts';
import {
  canRecord,
  keepRecords,
  missingRecorders,
  recorderStations,
  recordersByStation,
} from './recorders.ts';

/** The default contest with the emergency panel counting missed steps (server/owners.test.ts). */
function scheme(): MarkingScheme {
  const s = structuredClone(readFixture().scheme);
  for (const m of s.modules)
    for (const st of m.stations)
      if (st.id === 'emergency')
        st.criteria!.push({
          id: 'emergency-steps',
          kind: 'faults',
          label: { zh: '漏做步骤', en: 'Missed steps' },
          points: 5,
          floor: 0,
          faults: [
            {
              id: 'missed-step',
              label: { zh: '漏做一步', en: 'Missed a step' },
              deduction: 1,
              penaltyMs: 0,
            },
          ],
        });
  return s;
}

const panel = ['packaging', 'communication', 'emergency'];
const officials = [
  { code: 'J06', name: '秦晓梅', sheets: ['cleaning'], records: [], revoked: false },
  { code: 'J08', name: '程玉兰', sheets: panel, records: [] as string[], revoked: false },
  { code: 'J09', name: '薛永刚', sheets: panel, records: [], revoked: false },
];

describe('recorders', () => {
  it('offers only panel stations with measurements', () => {
    // Default contest: every panel judges only; one-judge stations measure but need no recorder.
    expect(recorderStations(indexScheme(readFixture().scheme), 'zh')).toEqual([]);
    expect(recorderStations(indexScheme(scheme()), 'en')).toEqual([
      { id: 'emergency', label: 'Emergency handling', sheetIds: ['emergency'] },
    ]);
  });

  it('lets a judge of the panel record it, and drops what he no longer sits on', () => {
    const [emergency] = recorderStations(indexScheme(scheme()), 'zh');
    expect(canRecord(emergency!, panel)).toBe(true);
    expect(canRecord(emergency!, ['cleaning'])).toBe(false);
    expect(keepRecords(['emergency'], [emergency!], panel)).toEqual(['emergency']);
    expect(keepRecords(['emergency'], [emergency!], ['packaging'])).toEqual([]);
  });

  it('names each station’s recorder and warns of a panel without one', () => {
    const stations = recorderStations(indexScheme(scheme()), 'zh');
    expect(missingRecorders(stations, officials).map((s) => s.id)).toEqual(['emergency']);
    const named = officials.map((o) => (o.code === 'J08' ? { ...o, records: ['emergency'] } : o));
    expect(recordersByStation(named).get('emergency')).toEqual({ code: 'J08', name: '程玉兰' });
    expect(missingRecorders(stations, named)).toEqual([]);
    // A revoked recorder records no more.
    const revoked = named.map((o) => (o.code === 'J08' ? { ...o, revoked: true } : o));
    expect(recordersByStation(revoked).size).toBe(0);
    expect(missingRecorders(stations, revoked).map((s) => s.id)).toEqual(['emergency']);
  });
});
