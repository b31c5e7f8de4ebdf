import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { transaction, type Db } from '../../db/client.ts';
import { deletePasswordSessions } from '../../db/repositories/sessions.ts';
import { deleteSetting, getSetting, putSetting } from '../../db/repositories/settings.ts';

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
  if (getSetting(db, KEY) !== undefined) return null;
  const password = randomBytes(9).toString('base64url');
  store(db, password);
  return password;
}

/**
 * Forgets a password {@link ensureOrganiserPassword} generated at a start that then failed
 * before its banner (a port in use, a host that does not resolve): it was never shown, so the
 * next start must generate one and show it, not say it was shown at the first.
 */
export function forgetUnshownPassword(db: Db): void {
  deleteSetting(db, KEY);
}

/**
 * Sets the organiser password to `wanted` (ORGANISER_PASSWORD given at a start): `set` when
 * none was stored, `replaced` when it differs from the stored one — the old one is refused
 * from now on and the sessions it opened end — or `unchanged` (nothing is written, so a start
 * script that always passes the same password logs nobody out).
 */
export function setOrganiserPassword(db: Db, wanted: string): 'set' | 'replaced' | 'unchanged' {
  const had = getSetting(db, KEY) !== undefined;
  if (had && verifyOrganiserPassword(db, wanted)) return 'unchanged';
  transaction(db, (tx) => {
    store(tx, wanted);
    // Password sessions are the unbound ones (a short-code session holds a token hash).
    if (had) deletePasswordSessions(tx);
  });
  return had ? 'replaced' : 'set';
}

function store(db: Db, password: string): void {
  const salt = randomBytes(16);
  const value: Stored = { salt: salt.toString('hex'), hash: hash(password, salt).toString('hex') };
  putSetting(db, KEY, JSON.stringify(value));
}

/** Checks a password against the stored scrypt hash, in constant time. */
export function verifyOrganiserPassword(db: Db, password: string): boolean {
  const json = getSetting(db, KEY);
  if (json === undefined) return false;
  const stored = JSON.parse(json) as Stored;
  const expected = Buffer.from(stored.hash, 'hex');
  return timingSafeEqual(hash(password, Buffer.from(stored.salt, 'hex')), expected);
}
