/**
 * The venue's own certificate authority (issue "The venue LAN as a secure site for staff
 * devices", 2). At first start the product makes a CA, name-constrained to private addresses
 * and local host names, and a server certificate signed by it for every LAN address and host
 * name of this machine. Staff devices install the CA once (the set-up page, `/setup/`); the
 * server certificate is renewed at any start when the addresses change or it nears its end,
 * without touching the CA, so no tablet has to install anything again.
 *
 * Files, all in CA_DIR (never in DATA_DIR: starting a contest afresh keeps the CA, and the
 * database backup never holds a key):
 *   jiangxing-ca.crt  the CA (PEM)          jiangxing-ca.key  its private key (PKCS#8, 0600)
 *   server.crt        server certificate    server.key        its private key (PKCS#8, 0600)
 *
 * Built on @peculiar/x509 (WebCrypto), P-256 ECDSA with SHA-256 throughout.
 */
// @peculiar/x509 resolves its algorithms through tsyringe, which needs a Reflect polyfill first.
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, randomBytes, webcrypto } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/** The CA lives ten years: a venue keeps it from one event to the next. */
export const CA_DAYS = 3650;
/** Apple's ceiling for a server certificate under a root a person installed. */
export const MAX_LEAF_DAYS = 825;
/** A server certificate this close to its end is renewed at start. */
export const RENEW_BEFORE_DAYS = 30;
/** Clocks of tablets run behind: certificates start this much before they are made. */
const BACKDATE_MS = 2 * DAY;

/** Address ranges the CA may vouch for: private networks and loopback, nothing public. */
export const PERMITTED_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '::1/128',
  'fc00::/7',
] as const;
/**
 * Host names the CA may vouch for: `localhost` and names under suffixes no public site can
 * have (mDNS `.local`, RFC 8375 `home.arpa`, ICANN's private-use `.internal`, and `.lan` that
 * venue routers hand out). A name constraint `local` covers every `*.local`.
 */
export const PERMITTED_DNS = ['localhost', 'local', 'home.arpa', 'internal', 'lan'] as const;

export const FILES = {
  caCert: 'jiangxing-ca.crt',
  caKey: 'jiangxing-ca.key',
  cert: 'server.crt',
  key: 'server.key',
} as const;

export interface VenueTls {
  /** The CA in PEM and DER (what tablets install). */
  caPem: string;
  caDer: Buffer;
  /** The CA's CommonName (iOS lists profiles and CAs by it). */
  caName: string;
  /** SHA-256 of the CA's DER, upper-case hex with colons (what a person compares by hand). */
  caFingerprint: string;
  caNotAfter: Date;
  /** The server certificate chain (leaf, then CA) and its key, for https.createServer. */
  cert: string;
  key: string;
  /** What the server certificate holds. */
  ips: string[];
  dnsNames: string[];
  notAfter: Date;
  /** What this start did: made the CA, renewed the server certificate (and why), or nothing. */
  createdCa: boolean;
  renewed: null | 'new' | 'names' | 'expiry' | 'ca' | 'unreadable';
}

/** Whether `ip` is in one of the CA's permitted ranges. */
export function isPermittedAddress(ip: string): boolean {
  return PERMITTED_RANGES.some((range) => inRange(ip, range));
}

/** Whether a host name falls under one of the CA's permitted names. */
export function isPermittedName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return PERMITTED_DNS.some((p) => n === p || n.endsWith(`.${p}`));
}

function inRange(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const a = ipBytes(ip);
  const b = ipBytes(base);
  if (!a || !b || a.length !== b.length) return false;
  let left = Number(bits);
  for (let i = 0; i < a.length && left > 0; i++, left -= 8) {
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

/** An IPv4 or IPv6 address as bytes, or null when it is neither. */
export function ipBytes(ip: string): number[] | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? parts : null;
  }
  if (!ip.includes(':') || ip.includes('%')) return null;
  const halves = ip.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

/** One canonical spelling per address, so sets compare (IPv6 lower-case, zeros compressed). */
function canonicalIp(ip: string): string {
  const bytes = ipBytes(ip);
  if (!bytes || bytes.length === 4) return ip;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952), as Node prints addresses.
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

/**
 * This machine's addresses and host names as a server certificate should hold them: loopback,
 * every private IPv4 and unique-local IPv6 address, `localhost` and `<hostname>.local`.
 * Addresses outside the CA's ranges (a public or link-local address) are returned apart: no
 * certificate of this CA can hold them.
 */
export function venueNames(
  interfaces = networkInterfaces(),
  host = hostname(),
): { ips: string[]; dnsNames: string[]; outside: string[]; lan: string[] } {
  const ips = new Set(['127.0.0.1', '::1']);
  const outside: string[] = [];
  const lan: string[] = [];
  for (const list of Object.values(interfaces))
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')) continue;
      if (isPermittedAddress(a.address)) {
        ips.add(canonicalIp(a.address));
        if (a.family === 'IPv4') lan.push(a.address);
      } else if (a.family === 'IPv4') outside.push(a.address);
    }
  const dnsNames = new Set(['localhost']);
  const local = localHostName(host);
  if (local) dnsNames.add(local);
  return { ips: [...ips], dnsNames: [...dnsNames], outside, lan };
}

/**
 * The name this machine answers to on the LAN (mDNS `<hostname>.local`, or its own name when
 * that already ends in a local suffix), or null for a host called `localhost`.
 */
export function localHostName(host = hostname()): string | null {
  const label = host.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  if (!label || label === 'localhost') return null;
  return isPermittedName(label) ? label : `${label}.local`;
}

/** Where CA_DIR lies relative to DATA_DIR: a CA inside the data folder is refused. */
export function caDirInsideDataDir(caDir: string, dataDir: string): boolean {
  const rel = relative(resolve(dataDir), resolve(caDir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const pem = (der: ArrayBuffer, label: string) => x509.PemConverter.encode(der, label);

function writeSecret(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function writePublic(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

const serial = () => {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive, 16 bytes of entropy at most
  if (b[0] === 0) b[0] = 1;
  return b.toString('hex');
};

/** The name-constraints extension (2.5.29.30, critical, as RFC 5280 requires). */
function nameConstraints(): x509.Extension {
  const permitted = new GeneralSubtrees([
    ...PERMITTED_RANGES.map((r) => new GeneralSubtree({ base: new GeneralName({ iPAddress: r }) })),
    ...PERMITTED_DNS.map((d) => new GeneralSubtree({ base: new GeneralName({ dNSName: d }) })),
  ]);
  const value = AsnConvert.serialize(new NameConstraints({ permittedSubtrees: permitted }));
  return new x509.Extension('2.5.29.30', true, value);
}

/** The CA's CommonName: product, host and date, so a tablet's list tells venues apart. */
export function caCommonName(host: string, at: Date): string {
  return `匠星 Jiangxing 场馆证书 ${host} ${at.toISOString().slice(0, 10)}`;
}

async function makeCa(host: string, now: Date) {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [caCommonName(host, now)] }, { O: ['Jiangxing'] }],
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_DAYS * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      nameConstraints(),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: pem(key, 'PRIVATE KEY') };
}

async function makeLeaf(
  caCertPem: string,
  caKeyPem: string,
  ips: string[],
  dnsNames: string[],
  now: Date,
) {
  const ca = new x509.X509Certificate(caCertPem);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(caKeyPem),
    ALG,
    false,
    ['sign'],
  );
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  // Never past the CA's own end, never longer than Apple's 825 days (counted from notBefore).
  const notAfter = new Date(
    Math.min(notBefore.getTime() + (MAX_LEAF_DAYS - 1) * DAY, ca.notAfter.getTime()),
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: [`Jiangxing venue server ${dnsNames.at(-1) ?? 'localhost'}`] }],
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: pem(key, 'PRIVATE KEY') };
}

/** The IP addresses and DNS names a certificate's SAN holds. */
export function sanOf(certPem: string): { ips: string[]; dnsNames: string[] } {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.toJSON() ?? [];
  return {
    ips: names.filter((n) => n.type === 'ip').map((n) => canonicalIp(n.value)),
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
  };
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && new Set([...a, ...b]).size === a.length;

/** Waits (at most ~10 s) for the CA folder's lock: two starts at once make one CA, not two. */
async function lockCaDir(dir: string): Promise<() => void> {
  const file = join(dir, '.lock');
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(file, 'wx'));
      return () => rmSync(file, { force: true });
    } catch {
      // A lock older than 30 s was left by a process that died while making the CA.
      try {
        if (Date.now() - statSync(file).mtimeMs > 30_000) rmSync(file, { force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > until) throw new Error(`证书目录 ${dir} 被占用（${file}）`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Makes the CA if CA_DIR has none, and a server certificate for `ips` and `dnsNames` unless the
 * stored one already holds exactly those names, is signed by this CA and has more than 30 days
 * left. Only names the CA may vouch for are used; the rest are left out.
 */
export async function ensureVenueTls(opts: {
  caDir: string;
  ips: string[];
  dnsNames: string[];
  /** The host named in a new CA's CommonName (default: this machine's host name). */
  host?: string;
  now?: Date;
}): Promise<VenueTls> {
  const now = opts.now ?? new Date();
  const dir = resolve(opts.caDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (f: keyof typeof FILES) => join(dir, FILES[f]);
  const ips = [...new Set(opts.ips.filter(isPermittedAddress).map(canonicalIp))];
  const dnsNames = [...new Set(opts.dnsNames.map((n) => n.toLowerCase()).filter(isPermittedName))];
  const release = await lockCaDir(dir);
  try {
    let createdCa = false;
    if (!existsSync(path('caCert')) || !existsSync(path('caKey'))) {
      const ca = await makeCa(opts.host ?? hostname(), now);
      writeSecret(path('caKey'), ca.keyPem);
      writePublic(path('caCert'), ca.certPem);
      createdCa = true;
    }
    const caPem = readFileSync(path('caCert'), 'utf8');
    const caKeyPem = readFileSync(path('caKey'), 'utf8');
    const caNode = new X509Certificate(caPem);

    let renewed: VenueTls['renewed'] = null;
    if (!existsSync(path('cert')) || !existsSync(path('key'))) renewed = 'new';
    else
      try {
        const leaf = new X509Certificate(readFileSync(path('cert')));
        const have = sanOf(readFileSync(path('cert'), 'utf8'));
        if (!leaf.verify(caNode.publicKey)) renewed = 'ca';
        else if (new Date(leaf.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY)
          renewed = 'expiry';
        else if (!sameSet(have.ips, ips) || !sameSet(have.dnsNames, dnsNames)) renewed = 'names';
      } catch {
        renewed = 'unreadable';
      }
    if (renewed) {
      const leaf = await makeLeaf(caPem, caKeyPem, ips, dnsNames, now);
      writeSecret(path('key'), leaf.keyPem);
      writePublic(path('cert'), leaf.certPem);
    }
    for (const f of ['caKey', 'key'] as const) chmodSync(path(f), 0o600);

    const leafPem = readFileSync(path('cert'), 'utf8');
    const leaf = new X509Certificate(leafPem);
    const san = sanOf(leafPem);
    return {
      caPem,
      caDer: caNode.raw,
      caName: caNode.subject
        .split('\n')
        .find((l) => l.startsWith('CN='))!
        .slice(3),
      caFingerprint: caNode.fingerprint256,
      caNotAfter: new Date(caNode.validTo),
      cert: leafPem.trimEnd() + '\n' + caPem.trimEnd() + '\n',
      key: readFileSync(path('key'), 'utf8'),
      ips: san.ips,
      dnsNames: san.dnsNames,
      notAfter: new Date(leaf.validTo),
      createdCa,
      renewed,
    };
  } finally {
    release();
  }
}

/**
 * The base64 SHA-256 of a certificate's SubjectPublicKeyInfo (DER), the form Chromium's
 * `--ignore-certificate-errors-spki-list` and HPKP pins use.
 */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * An iOS/iPadOS configuration profile holding the CA as a root certificate payload
 * (com.apple.security.root). Its identifiers derive from the CA, so downloading it again
 * replaces the installed profile instead of adding a second one.
 */
export function mobileconfig(tls: Pick<VenueTls, 'caDer' | 'caName'>): string {
  const digest = createHash('sha256').update(tls.caDer).digest('hex');
  const uuid = (salt: string) => {
    const h = createHash('sha256').update(salt).update(digest).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
  };
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const b64 = tls.caDer.toString('base64').replace(/(.{64})/g, '$1\n');
  const id = `local.jiangxing.venue-ca.${digest.slice(0, 12)}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>
      <string>jiangxing-ca.cer</string>
      <key>PayloadContent</key>
      <data>
${b64}
      </data>
      <key>PayloadDescription</key>
      <string>匠星 Jiangxing 场馆根证书 / venue root certificate</string>
      <key>PayloadDisplayName</key>
      <string>${esc(tls.caName)}</string>
      <key>PayloadIdentifier</key>
      <string>${id}.root</string>
      <key>PayloadType</key>
      <string>com.apple.security.root</string>
      <key>PayloadUUID</key>
      <string>${uuid('root')}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDescription</key>
  <string>让本场馆的裁判平板安全连接匠星评分服务器（仅限局域网地址）。Lets this venue's judge tablets reach the Jiangxing scoring server securely (LAN addresses only).</string>
  <key>PayloadDisplayName</key>
  <string>${esc(tls.caName)}</string>
  <key>PayloadIdentifier</key>
  <string>${id}</string>
  <key>PayloadOrganization</key>
  <string>匠星 Jiangxing</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${uuid('profile')}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}
