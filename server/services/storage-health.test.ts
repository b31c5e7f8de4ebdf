import { describe, expect, it } from 'vitest';
import { StorageHealth } from './storage-health.ts';

/** A ping whose answers the test decides, counting the calls. */
function fakeDatabase() {
  const db = {
    calls: 0,
    answer: 'ok' as 'ok' | 'refuse' | 'hang',
    /** Ends the pings that hang (as a query timeout or a cut connection would). */
    settle: () => {},
    ping: async () => {
      db.calls++;
      if (db.answer === 'refuse') throw new Error('ECONNREFUSED');
      if (db.answer === 'hang') await new Promise<void>((resolve) => (db.settle = resolve));
    },
  };
  return db;
}

describe('StorageHealth (/healthz)', () => {
  it('asks the database at most once per maxAgeMs, however many requests come', async () => {
    const db = fakeDatabase();
    let now = 0;
    const health = new StorageHealth(db.ping, { maxAgeMs: 1000, timeoutMs: 50 }, () => now);
    const answers = await Promise.all(Array.from({ length: 100 }, () => health.available()));
    expect(answers.every(Boolean)).toBe(true);
    expect(db.calls).toBe(1);
    now = 999;
    await health.available();
    expect(db.calls).toBe(1);
    now = 1000;
    await health.available();
    expect(db.calls).toBe(2);
  });

  it('says unavailable when the database refuses or does not answer in time, and ok once it is back', async () => {
    const db = fakeDatabase();
    let now = 0;
    const health = new StorageHealth(db.ping, { maxAgeMs: 1000, timeoutMs: 20 }, () => now);
    db.answer = 'refuse';
    expect(await health.available()).toBe(false);
    now += 1000;
    db.answer = 'hang';
    expect(await health.available()).toBe(false);
    now += 1000;
    db.answer = 'ok';
    // The hung ping still holds its connection: no new one is sent until it settles.
    expect(await health.available()).toBe(false);
    db.settle();
    await new Promise((r) => setTimeout(r, 0));
    now += 1000;
    expect(await health.available()).toBe(true);
  });

  it('never stacks a second ping on one that hangs: each would hold a pooled connection', async () => {
    const db = fakeDatabase();
    let now = 0;
    const health = new StorageHealth(db.ping, { maxAgeMs: 1000, timeoutMs: 10 }, () => now);
    db.answer = 'hang';
    for (let i = 0; i < 10; i++) {
      expect(await health.available()).toBe(false);
      now += 1000;
    }
    expect(db.calls).toBe(1);
  });
});
