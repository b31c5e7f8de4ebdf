import type { MarkAck, MarkReject, MarkSubmit } from '#protocol';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, sqliteStore } from '../../db/client.ts';
import { bumpRevision, listCompetitions } from '../../db/repositories/competitions.ts';
import { listMarks } from '../../db/repositories/marks.ts';
import { listOfficials } from '../../db/repositories/officials.ts';
import { seedIfEmpty } from '../plugins/seed.ts';
import { openCustody } from './custody.ts';
import { LiveCompetition } from './live-competition.ts';
import { identityOf, MarkWriter } from './mark-writer.ts';

/** The default contest in a fresh SQLite file. */
async function seeded() {
  const dir = mkdtempSync(join(tmpdir(), 'jx-writer-'));
  const db = sqliteStore(openDatabase(join(dir, 'jiangxing.db')));
  await seedIfEmpty(db, openCustody(dir).custody);
  const row = async () => (await listCompetitions(db))[0]!;
  const j02 = (await listOfficials(db, (await row()).id)).find((o) => o.code === 'J02')!;
  return { db, row, j02 };
}

const sBend = (contestantId: number, cones: number): MarkSubmit => ({
  type: 'mark.submit',
  clientId: randomUUID(),
  contestantId,
  sheetId: 's-bend',
  attempt: 1,
  values: { 's-bend-faults': { 'cone-touched': cones } },
  seen: null,
});

describe('MarkWriter on SQLite', () => {
  it.each([
    ['the old copy first', true],
    ['the new copy first', false],
  ])(
    'two copies of a competition in one batch (%s): the out-of-date one is refused as retryable, the current one commits, and the writer keeps working',
    async (_, oldFirst) => {
      const { db, row, j02 } = await seeded();
      const { slug } = await row();
      // A tablet still on the copy from before a reload (an advancement, a contestant import)
      // and another on the copy the registry holds now.
      const old = (await LiveCompetition.load(db, slug))!;
      await bumpRevision(db, old.id);
      await bumpRevision(db, old.id);
      const fresh = (await LiveCompetition.load(db, slug))!;
      const published: number[] = [];
      const writer = new MarkWriter(db.markLog, (_l, d) => published.push(d.revision));
      const judge = identityOf(j02)!;
      const [a, b] = [...fresh.contestants.keys()];
      const onOld = () => writer.submit(judge, old, sBend(a!, 1));
      const onFresh = () => writer.submit(judge, fresh, sBend(b!, 2));
      // Both in one turn: one batch.
      const [first, second] = oldFirst ? [onOld(), onFresh()] : [onFresh(), onOld()];
      const outcomes = await Promise.all([first, second]);
      const [fromOld, fromFresh] = (oldFirst ? outcomes : [...outcomes].reverse()) as [
        MarkReject,
        MarkAck,
      ];
      expect(fromOld).toMatchObject({ type: 'mark.reject', code: 'server/commit_failed' });
      expect(fromFresh).toMatchObject({ type: 'mark.ack', revision: (await row()).revision });
      expect(fresh.revision).toBe((await row()).revision);
      expect((await listMarks(db, fresh.id)).map((m) => m.contestantId)).toEqual([b]);
      await new Promise((r) => setImmediate(r));
      expect(published).toEqual([fromFresh.revision]);
      // The next batch on the current copy commits as usual.
      const next = (await writer.submit(judge, fresh, sBend(a!, 0))) as MarkAck;
      expect(next).toMatchObject({ type: 'mark.ack', revision: fromFresh.revision + 1 });
      await db.close();
    },
  );
});
