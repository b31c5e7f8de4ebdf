import { eq, isNull } from 'drizzle-orm';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { sessions, settings } from '../../db/schema.ts';

const KEY = 'organiserPassword';
/** scrypt cost (N=2^15, r=8, p=1): about 50 ms on the venue laptop; memory 32 MiB. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

interface Stored {
  salt: string;
  hash: string;
}

function hash(password: string, salt: Buffer): Buffer {
  return scryptSync(password.normalize('NFKC'), salt, 32, SCRYPT);
}

/**
 * Makes sure the organiser password exists. `wanted` (ORGANISER_PASSWORD) always wins: see
 * {@link setOrganiserPassword}; without it, a password is generated when none is stored.
 * Stored as a scrypt hash only.
 * @returns the password to print once when it was just generated, else null.
 */
export function ensureOrganiserPassword(db: Db, wanted?: string): string | null {
  if (wanted !== undefined) {
    setOrganiserPassword(db, wanted);
    return null;
  }
  if (db.select().from(settings).where(eq(settings.key, KEY)).get()) return null;
  const password = randomBytes(9).toString('base64url');
  store(db, password);
  return password;
}

/**
 * Sets the organiser password to `wanted` (ORGANISER_PASSWORD given at a start): `set` when
 * none was stored, `replaced` when it differs from the stored one — the old one is refused
 * from now on and the sessions it opened end — or `unchanged` (nothing is written, so a start
 * script that always passes the same password logs nobody out).
 */
export function setOrganiserPassword(db: Db, wanted: string): 'set' | 'replaced' | 'unchanged' {
  const had = db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (had && verifyOrganiserPassword(db, wanted)) return 'unchanged';
  db.transaction((tx) => {
    store(tx as unknown as Db, wanted);
    // Password sessions are the unbound ones (a short-code session holds a token hash).
    if (had) tx.delete(sessions).where(isNull(sessions.credentialHash)).run();
  });
  return had ? 'replaced' : 'set';
}

function store(db: Db, password: string): void {
  const salt = randomBytes(16);
  const value: Stored = { salt: salt.toString('hex'), hash: hash(password, salt).toString('hex') };
  db.insert(settings)
    .values({ key: KEY, valueJson: JSON.stringify(value) })
    .onConflictDoUpdate({ target: settings.key, set: { valueJson: JSON.stringify(value) } })
    .run();
}

/** Checks a password against the stored scrypt hash, in constant time. */
export function verifyOrganiserPassword(db: Db, password: string): boolean {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (!row) return false;
  const stored = JSON.parse(row.valueJson) as Stored;
  const expected = Buffer.from(stored.hash, 'hex');
  return timingSafeEqual(hash(password, Buffer.from(stored.salt, 'hex')), expected);
}
