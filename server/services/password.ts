import { eq } from 'drizzle-orm';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { settings } from '../../db/schema.ts';

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
 * Makes sure the organiser password exists. Uses `wanted` (ORGANISER_PASSWORD) when given,
 * otherwise generates one. Stored as a scrypt hash only.
 * @returns the password to print once when it was just generated, else null.
 */
export function ensureOrganiserPassword(db: Db, wanted?: string): string | null {
  if (db.select().from(settings).where(eq(settings.key, KEY)).get()) return null;
  const password = wanted ?? randomBytes(9).toString('base64url');
  const salt = randomBytes(16);
  const value: Stored = { salt: salt.toString('hex'), hash: hash(password, salt).toString('hex') };
  db.insert(settings)
    .values({ key: KEY, valueJson: JSON.stringify(value) })
    .run();
  return wanted ? null : password;
}

/** Checks a password against the stored scrypt hash, in constant time. */
export function verifyOrganiserPassword(db: Db, password: string): boolean {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (!row) return false;
  const stored = JSON.parse(row.valueJson) as Stored;
  const expected = Buffer.from(stored.hash, 'hex');
  return timingSafeEqual(hash(password, Buffer.from(stored.salt, 'hex')), expected);
}
