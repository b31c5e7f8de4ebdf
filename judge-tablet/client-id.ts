/**
 * A client-made mark id (RFC 4122 version 4 UUID): the server stores it with the mark, so a
 * resend after a dropped connection is recognised and stored once.
 *
 * `crypto.randomUUID` exists only in secure contexts (HTTPS or localhost); a tablet on the
 * venue LAN opens `http://192.168.x.x`, where only `crypto.getRandomValues` is available, so
 * the UUID is then built from 16 random bytes.
 */
export function newClientId(c: Crypto = globalThis.crypto): string {
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
