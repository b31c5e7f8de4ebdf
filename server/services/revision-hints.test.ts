import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../e2e/support/wait.ts';
import { startThrowawayCluster, type ThrowawayCluster } from '../../db/pg/throwaway.ts';
import {
  competitionPayload,
  loginFailurePayload,
  officialPayload,
  parseHint,
} from '../../db/pg/revision-channel.ts';
import {
  parseRevisionHint,
  revisionNotify,
  RevisionHints,
  type RevisionHint,
} from './revision-hints.ts';

/** A client of the test's own, whose connection the restart below cuts on purpose. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

describe('revision hints', () => {
  it('reads only its own payloads', () => {
    expect(parseRevisionHint('12:345')).toEqual({ competitionId: 12, revision: 345 });
    for (const bad of [undefined, '', '12', '12:', 'a:1', '1:2:3', '-1:2', '1:2 '])
      expect(parseRevisionHint(bad)).toBeNull();
  });

  it('reads every kind of payload it writes back as it was, and nothing else', () => {
    const origin = '4f1c2a9e-0b7d-4c39-9b1e-2d1f5e8a7c60';
    expect(parseHint(officialPayload({ origin, competitionId: 3, officialId: 41 }))).toEqual({
      kind: 'official',
      origin,
      competitionId: 3,
      officialId: 41,
    });
    for (const address of ['203.0.113.9', '::ffff:10.0.0.7', '2001:db8::1'])
      expect(parseHint(loginFailurePayload({ origin, at: 1_765_000_000_000, address }))).toEqual({
        kind: 'login',
        origin,
        at: 1_765_000_000_000,
        address,
      });
    expect(parseHint(competitionPayload({ origin, slug: 'copy-1' }))).toEqual({
      kind: 'competition',
      origin,
      slug: 'copy-1',
    });
    expect(parseHint('12:345')).toEqual({ kind: 'revision', competitionId: 12, revision: 345 });
    for (const bad of ['official:x:1', 'login:x:1:not an address', 'competition:x:Bad Slug', 'x'])
      expect(parseHint(bad)).toBeNull();
  });

  describe('on a throwaway PostgreSQL cluster', () => {
    let cluster: ThrowawayCluster;
    let writer: pg.Client;
    const hints: RevisionHint[] = [];
    let resyncs = 0;
    let listener: RevisionHints;

    beforeAll(async () => {
      cluster = await startThrowawayCluster();
      writer = await connect(cluster.url);
      listener = new RevisionHints(cluster.url, {
        onHint: (h) => hints.push(h),
        onResync: () => resyncs++,
      });
      await listener.start();
    }, 120_000);

    afterAll(async () => {
      await listener?.stop();
      await writer?.end().catch(() => {});
      await cluster?.destroy();
    }, 60_000);

    it('resyncs once it first listens', () => {
      expect(resyncs).toBe(1);
      expect(listener.listening).toBe(true);
    });

    it('hears a committed revision, and never a rolled-back one', async () => {
      await writer.query('BEGIN');
      await writer.query(revisionNotify({ competitionId: 1, revision: 7 }));
      await writer.query('ROLLBACK');
      await writer.query('BEGIN');
      await writer.query(revisionNotify({ competitionId: 1, revision: 8 }));
      // Not delivered before the commit:
      const beforeCommit = hints.length;
      await writer.query('COMMIT');
      await until(() => hints.length > beforeCommit, 30_000);
      // Hints arrive in commit order, so the rolled-back one, sent first, would be here first.
      expect(hints).toEqual([{ competitionId: 1, revision: 8 }]);
    });

    it('after PostgreSQL restarts, listens again and asks its instance to catch up', async () => {
      const before = resyncs;
      await cluster.stop();
      await until(() => !listener.listening, 30_000);
      await cluster.start();
      await until(() => resyncs === before + 1, 30_000);
      await writer.end().catch(() => {});
      writer = await connect(cluster.url);
      const seen = hints.length;
      await writer.query(revisionNotify({ competitionId: 2, revision: 1 }));
      await until(() => hints.length > seen, 30_000);
      expect(hints.at(-1)).toEqual({ competitionId: 2, revision: 1 });
    }, 120_000);
  });
});
