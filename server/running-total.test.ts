import type { AdvancementPreview, StandingsResponse } from '#protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  importLockPublish,
  importedScoreScheme,
  roundOf,
  startTestServer,
  writeFestivalFile,
} from './test-support.ts';

/**
 * Cuts on a running total (issue 19, point 4) on a real server and SQLite file: the semifinal
 * cut ranks on preliminary + semifinal, and the final carries the semifinal only.
 */
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const token = (n: number) => n.toString(16).padStart(32, 'b');
const auth = (n: number) => ({ authorization: `Bearer ${token(n)}` });
/** A version 2 round of the swimming event scored by one imported value (0–100, step 0.01). */
const scheme = (id: string, extra: object = {}) =>
  importedScoreScheme(id, { version: 2, step: 0.01 }, extra);
const round = (slug: string, order: number, s: object, n: number) =>
  roundOf({
    slug,
    order,
    event: { id: 'swim', label: { zh: '游泳', en: 'Swim' } },
    scheme: s,
    contestants: n,
    organiserToken: token(order),
  });
const swim = (competitions: object[]) =>
  writeFestivalFile({ slug: 'swim', title: { zh: '游泳', en: 'Swim' } }, competitions);

async function post(path: string, body: string | object, order: number, type = 'application/json') {
  return fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type, ...auth(order) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
/** Imports `bib,score` lines, locks the station and publishes the round. */
const scoreAndPublish = (slug: string, order: number, scores: Record<string, number>) =>
  importLockPublish(
    server!.url,
    slug,
    token(order),
    Object.entries(scores).map(([b, s]) => `${b},${s}`),
  );
const get = async <T>(path: string, order: number) =>
  (await (await fetch(`${server!.url}${path}`, { headers: auth(order) })).json()) as T;

describe('a cut on preliminary + semifinal, a final carrying the semifinal only', () => {
  it('advances on the running total, not on the semifinal alone, and carries only the semifinal', async () => {
    const file = swim([
      round(
        'prelim',
        1,
        scheme('prelim', { advancement: { by: 'top', count: 4, ties: 'tie-break' } }),
        6,
      ),
      round(
        'semi',
        2,
        scheme('semi', {
          advancement: {
            by: 'top',
            count: 2,
            ties: 'tie-break',
            on: { rounds: ['prelim', 'semi'] },
          },
        }),
        0,
      ),
      round('final', 3, scheme('final', { carry: { rounds: [{ round: 'semi', weight: 1 }] } }), 0),
    ]);
    server = await startTestServer(undefined, file);
    await scoreAndPublish('prelim', 1, { 1: 90, 2: 80, 3: 70, 4: 60, 5: 50, 6: 40 });
    expect((await (await post('/api/competitions/prelim/advance', {}, 1)).json()).count).toBe(4);
    // Semifinal alone: 4 (48) and 3 (45) lead; on prelim + semi: 3 (115) and 2 (110).
    await scoreAndPublish('semi', 2, { 1: 10, 2: 30, 3: 45, 4: 48 });
    const semi = await get<StandingsResponse>('/api/competitions/semi/standings', 2);
    expect(semi.rows.map((r) => `${r.rank} ${r.bib} ${r.total}`)).toEqual([
      '1 4 48.00',
      '2 3 45.00',
      '3 2 30.00',
      '4 1 10.00',
    ]);
    const preview = await get<AdvancementPreview>('/api/competitions/semi/advancement', 2);
    expect(preview.advanced.map((r) => `${r.rank} ${r.bib} ${r.total}`)).toEqual([
      '1 3 115.00',
      '2 2 110.00',
    ]);
    expect(preview.carry).toEqual({ weight: '1' });
    expect((await (await post('/api/competitions/semi/advance', {}, 2)).json()).count).toBe(2);

    await scoreAndPublish('final', 3, { 3: 20, 2: 40 });
    const final = await get<StandingsResponse>('/api/competitions/final/standings', 3);
    expect(final.columns.carry).toEqual({ weight: '1' });
    expect(
      final.rows.map((r) => `${r.rank} ${r.bib} ${r.roundTotal} + ${r.carried} = ${r.total}`),
    ).toEqual(['1 2 40.00 + 30.00 = 70.00', '2 3 20.00 + 45.00 = 65.00']);
  });

  it('refuses a cut or a carry naming a round the group does not have before it', async () => {
    const file = swim([
      round(
        'prelim',
        1,
        scheme('prelim', { advancement: { by: 'top', count: 4, ties: 'tie-break' } }),
        6,
      ),
      round('final', 2, scheme('final', { carry: { rounds: [{ round: 'final', weight: 1 }] } }), 0),
    ]);
    await expect(startTestServer(undefined, file)).rejects.toThrow(/更早的轮次 "final"/);
  });
});
