import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FESTIVAL_FILE } from '../fixtures/festival-2025/make-festival.ts';
import { until } from '../e2e/support/wait.ts';
import { startTestServer } from '../server/test-support.ts';

const run = promisify(execFile);
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Summary {
  festival: string;
  competitions: {
    competition: string;
    contestants: number;
    marksSent?: number;
    acked?: number;
    reconnects?: number;
    scoredContestants?: number;
    rejected?: number;
    advanced?: { next: string; count: number };
    top3?: string[];
    ok?: boolean;
  }[];
}

/** `npm run simulate` as a person runs it: a child process against a real server. */
async function simulate(args: string[]): Promise<Summary> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/simulate.ts', '--url', server!.url, '--rate', '1000', ...args],
    { timeout: 90_000 },
  );
  return JSON.parse(stdout) as Summary;
}

describe('npm run simulate', () => {
  it('plays the default contest unchanged: one event, one round, 35 riders scored', async () => {
    server = await startTestServer();
    const s = await simulate([]);
    expect(s.festival).toBe('gaoxin-2024');
    expect(s.competitions).toHaveLength(1);
    expect(s.competitions[0]).toMatchObject({
      competition: 'gaoxin-2024',
      contestants: 35,
      scoredContestants: 35,
      rejected: 0,
      ok: true,
    });
  }, 120_000);

  it('reconnects every dropped tablet and resends: all marks acked once, every rider scored', async () => {
    server = await startTestServer();
    // Slow enough to be cut mid-way: about 5 s for the default contest's marks.
    const playing = run(
      process.execPath,
      ['--import', 'tsx', 'scripts/simulate.ts', '--url', server.url, '--rate', '60'],
      { timeout: 90_000 },
    );
    const live = server.app.live.get('gaoxin-2024')!;
    await until(() => live.revision >= 30);
    // Every judge socket cut at once, as when the server's Wi-Fi drops.
    const cut = [...server.app.websocketServer.clients];
    for (const ws of cut) ws.terminate();
    expect(cut.length).toBeGreaterThan(0);
    const s = JSON.parse((await playing).stdout) as Summary;
    const c = s.competitions[0]!;
    expect(c.reconnects).toBeGreaterThanOrEqual(cut.length);
    expect(c).toMatchObject({ scoredContestants: 35, rejected: 0, ok: true });
    expect(c.acked).toBe(c.marksSent);
    // Each mark stored once: the revision moved once per mark sent (resends were duplicates).
    expect(live.revision).toBe(c.marksSent);
  }, 120_000);

  it('plays the two-trade festival end to end: both groups, the preliminary, advancement and the final', async () => {
    server = await startTestServer(undefined, FESTIVAL_FILE);
    const s = await simulate(['--fixture', FESTIVAL_FILE]);
    const by = new Map(s.competitions.map((c) => [c.competition, c]));
    expect([...by.keys()]).toEqual([
      'rider-youth-2025',
      'rider-senior-2025',
      'courier-prelim-2025',
      'courier-final-2025',
    ]);
    expect(by.get('rider-youth-2025')).toMatchObject({
      contestants: 20,
      scoredContestants: 20,
      ok: true,
    });
    expect(by.get('rider-senior-2025')).toMatchObject({
      contestants: 15,
      scoredContestants: 15,
      ok: true,
    });
    expect(by.get('courier-prelim-2025')).toMatchObject({
      contestants: 2000,
      scoredContestants: 2000,
      advanced: { next: 'courier-final-2025', count: 38 },
      ok: true,
    });
    expect(by.get('courier-final-2025')).toMatchObject({
      contestants: 38,
      scoredContestants: 38,
      ok: true,
    });
    // The final's winner holds the first prize.
    expect(by.get('courier-final-2025')!.top3![0]).toMatch(/^1\. .*一等奖/);
  }, 120_000);
});
