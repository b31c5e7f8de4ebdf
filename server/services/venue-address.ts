import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the LAN addresses of the last start are kept, beside the database. */
export const LAST_ADDRESSES_FILE = 'last-addresses.json';

/**
 * Remembers this start's LAN addresses in DATA_DIR and says whether they differ from the last
 * start's: tablets, printed login cards and the board's QR code hold the address, so a laptop
 * that got a new one from the venue's DHCP must say so (docs/venue.md: a DHCP reservation, or
 * the laptop as the router, keeps it fixed).
 */
export function rememberAddresses(
  dataDir: string,
  addresses: string[],
  now = new Date(),
): { previous: string[] | null; changed: boolean } {
  const file = join(dataDir, LAST_ADDRESSES_FILE);
  let previous: string[] | null = null;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { addresses?: unknown };
    if (Array.isArray(stored.addresses))
      previous = stored.addresses.filter((a): a is string => typeof a === 'string');
  } catch {
    /* first start, or an unreadable file: nothing to compare with */
  }
  const current = [...new Set(addresses)].sort();
  const changed = previous !== null && [...previous].sort().join(' ') !== current.join(' ');
  try {
    writeFileSync(file, JSON.stringify({ addresses: current, at: now.toISOString() }) + '\n');
  } catch {
    /* a read-only data folder fails louder elsewhere */
  }
  return { previous, changed };
}
