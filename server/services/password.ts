import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../db/store.ts';
import { deletePasswordSessions } from '../../db/repositories/sessions.ts';
import {
  addSetting,
  deleteSettingIf,
  getSetting,
  putSetting,
} from '../../db/repositories/settings.ts';

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
 * Stored as a scrypt hash only. Two instances starting at once on an empty PostgreSQL
 * database: exactly one stores its password, and only that one prints it (the other's would
 * not open the console).
 * @returns the password to print once when this call stored it, else null.
 */
export async function ensureOrganiserPassword(s: Store, wanted?: string): Promise<string | null> {
  if (wanted !== undefined) {
    await setOrganiserPassword(s, wanted);
    return null;
  }
  if ((await getSetting(s, KEY)) !== undefined) return null;
  const password = randomBytes(9).toString('base64url');
  return (await addSetting(s, KEY, stored(password))) ? password : null;
}

/**
 * Forgets `password`, which {@link ensureOrganiserPassword} generated at a start that then
 * failed before its banner (a port in use, a host that does not resolve): it was never shown,
 * so the next start must generate one and show it, not say it was shown at the first. Only
 * when it is still the stored one: another instance may have stored and shown its own.
 */
export async function forgetUnshownPassword(s: Store, password: string): Promise<void> {
  const json = await getSetting(s, KEY);
  if (json !== undefined && matches(json, password)) await deleteSettingIf(s, KEY, json);
}

/**
 * Sets the organiser password to `wanted` (ORGANISER_PASSWORD given at a start): `set` when
 * none was stored, `replaced` when it differs from the stored one — the old one is refused
 * from now on and the sessions it opened end — or `unchanged` (nothing is written, so a start
 * script that always passes the same password logs nobody out).
 */
export async function setOrganiserPassword(
  s: Store,
  wanted: string,
): Promise<'set' | 'replaced' | 'unchanged'> {
  const had = (await getSetting(s, KEY)) !== undefined;
  if (had && (await verifyOrganiserPassword(s, wanted))) return 'unchanged';
  // The hash first: scrypt takes a while, and a transaction holds no lock while it runs.
  const value = stored(wanted);
  await s.transaction(async (tx) => {
    await putSetting(tx, KEY, value);
    // Password sessions are the unbound ones (a short-code session holds a token hash).
    if (had) await deletePasswordSessions(tx);
  });
  return had ? 'replaced' : 'set';
}

/** The setting's JSON for `password`: a fresh salt and the scrypt hash. */
function stored(password: string): string {
  const salt = randomBytes(16);
  const value: Stored = { salt: salt.toString('hex'), hash: hash(password, salt).toString('hex') };
  return JSON.stringify(value);
}

/** Checks a password against the stored scrypt hash, in constant time. */
export async function verifyOrganiserPassword(s: Store, password: string): Promise<boolean> {
  const json = await getSetting(s, KEY);
  return json !== undefined && matches(json, password);
}

/** Whether `password` is the one whose hash the setting's JSON holds (constant time). */
function matches(json: string, password: string): boolean {
  const stored = JSON.parse(json) as Stored;
  const expected = Buffer.from(stored.hash, 'hex');
  return timingSafeEqual(hash(password, Buffer.from(stored.salt, 'hex')), expected);
}
