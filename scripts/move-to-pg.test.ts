import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexScheme, type StandingRow } from '#engine';
import { startThrowawayCluster, type ThrowawayCluster } from '../db/pg/throwaway.ts';
import { plausibleValues } from '../fixtures/marks.ts';
import { connectJudge, startTestServer, submitMark, tokenOf } from '../server/test-support.ts';

const run = promisify(execFile);

/** `npm run move-to-pg` as a person runs it: a child process, its exit code and what it said. */
async function moveToPg(dataDir: string, databaseUrl: string) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/move-to-pg.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
      timeout: 60_000,
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** What a board shows of the standings: bib, total and rank of each row. */
const shown = (rows: StandingRow[]) => rows.map((r) => `${r.bib}:${r.total}:${r.rank}`);

describe('npm run move-to-pg', () => {
  let cluster: ThrowawayCluster;
  const database = async (name: string) => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return cluster.url.replace(/\/[^/]*$/, `/${name}`);
  };
  beforeAll(async () => {
    cluster = await startThrowawayCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('moves a venue’s contest, marks and logins into PostgreSQL, where an instance with the venue’s secret serves them alike', async () => {
    // A venue on SQLite: the default contest and a mark.
    const venue = await startTestServer();
    const judge = await connectJudge(venue.ws, tokenOf(venue.fixture, 'J01'));
    const c = judge.welcome.contestants[0]!;
    const sheet = indexScheme(judge.welcome.scheme).sheets.get('theory-exam')!;
    const ack = await submitMark(judge, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: plausibleValues(sheet, 1, ''),
      seen: null,
    });
    expect(ack.type).toBe('mark.ack');
    judge.close();
    const url = `/api/competitions/${venue.fixture.competition.slug}/standings`;
    const atVenue = (await (await fetch(venue.url + url)).json()) as {
      revision: number;
      rows: StandingRow[];
    };
    await venue.close(false);

    const festivalUrl = await database('festival');
    const moved = await moveToPg(venue.dataDir, festivalUrl);
    expect(moved.code, moved.out).toBe(0);
    expect(moved.out).toMatch(/marks\s+1\b/);
    expect(moved.out).toContain('server-secret.key');

    // An instance on PostgreSQL with a copy of the venue's secret.
    const dir = mkdtempSync(join(tmpdir(), 'jx-moved-'));
    copyFileSync(join(venue.dataDir, 'server-secret.key'), join(dir, 'server-secret.key'));
    const instance = await startTestServer(dir, undefined, { databaseUrl: festivalUrl });
    try {
      const there = (await (await fetch(instance.url + url)).json()) as typeof atVenue;
      expect(there.revision).toBe(atVenue.revision);
      expect(shown(there.rows)).toEqual(shown(atVenue.rows));
      // The venue's logins work there, and a new mark follows the moved ones.
      const again = await connectJudge(instance.ws, tokenOf(venue.fixture, 'J01'));
      const next = await submitMark(again, {
        contestantId: judge.welcome.contestants[1]!.id,
        sheetId: 'theory-exam',
        values: plausibleValues(sheet, 2, ''),
        seen: null,
      });
      expect(next).toMatchObject({ type: 'mark.ack', revision: atVenue.revision + 1 });
      again.close();
    } finally {
      await instance.close();
    }

    // Twice: PostgreSQL already holds the contest, and nothing is copied.
    const twice = await moveToPg(venue.dataDir, festivalUrl);
    expect(twice.code).toBe(1);
    expect(twice.out).toContain('已经有比赛');
  });

  it('moves a folder restored without its secret: the instances accept the secret it has now', async () => {
    const venue = await startTestServer();
    await venue.close(false);
    // The backup holds no secret: the folder got a new one (the venue would have made it).
    const secret = join(venue.dataDir, 'server-secret.key');
    writeFileSync(secret, randomBytes(32), { mode: 0o600 });
    const url = await database('restored');
    const moved = await moveToPg(venue.dataDir, url);
    expect(moved.code, moved.out).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'jx-moved-'));
    copyFileSync(secret, join(dir, 'server-secret.key'));
    const instance = await startTestServer(dir, undefined, { databaseUrl: url });
    try {
      // Logins by token still work (found by their hash); cards print after rotating.
      const judge = await connectJudge(instance.ws, tokenOf(venue.fixture, 'J01'));
      expect(judge.welcome.type).toBe('judge.welcome');
      judge.close();
    } finally {
      await instance.close();
    }
  });

  it('refuses while a server uses the data folder, and a folder without a database', async () => {
    const venue = await startTestServer();
    await venue.close(false);
    // A running server holds the folder's lock with its pid: this test process stands for it.
    writeFileSync(join(venue.dataDir, 'jiangxing.lock'), String(process.pid));
    const busy = await moveToPg(venue.dataDir, await database('busy'));
    expect(busy.code).toBe(1);
    expect(busy.out).toContain('正被另一个匠星服务器使用');
    const empty = await moveToPg(mkdtempSync(join(tmpdir(), 'jx-empty-')), cluster.url);
    expect(empty.code).toBe(1);
    expect(empty.out).toContain('没有数据库');
  });
});
