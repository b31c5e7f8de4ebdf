/**
 * The venue's certificate authority (issue "The venue LAN as a secure site for staff devices",
 * 2): what the CA and the server certificate hold, that the constraints bite (OpenSSL refuses
 * a certificate for a public address signed by the CA), renewal, file modes, and where the
 * files live. Real files in temp folders, real certificates, no mocks.
 */
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { NameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Config } from './config.ts';
import {
  FILES,
  MAX_LEAF_DAYS,
  PERMITTED_DNS,
  PERMITTED_RANGES,
  caDirInsideDataDir,
  ensureVenueTls,
  isPermittedAddress,
  isPermittedName,
  mobileconfig,
  sanOf,
  spkiHash,
  venueNames,
} from './services/venue-ca.ts';
import { rememberAddresses } from './services/venue-address.ts';

const DAY = 86_400_000;
const dirs: string[] = [];
const temp = (prefix = 'jx-ca-') => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const LAN = ['192.168.31.20', '10.0.0.7', '172.20.1.2', 'fd12:3456::7'];
const NAMES = ['localhost', 'venue-laptop.local'];

async function make(caDir = temp(), ips = ['127.0.0.1', '::1', ...LAN], now?: Date) {
  const tls = await ensureVenueTls({ caDir, ips, dnsNames: NAMES, host: 'venue-laptop', now });
  return { caDir, tls };
}

const leafOf = (tls: { cert: string }) => new X509Certificate(tls.cert); // the first of the chain

describe('the venue CA', () => {
  it('is a CA: basicConstraints CA:true pathlen 0, keyCertSign|cRLSign, a key identifier, a CommonName iOS can list, ten years', async () => {
    const { tls } = await make();
    const ca = new x509.X509Certificate(tls.caPem);
    const bc = ca.getExtension(x509.BasicConstraintsExtension)!;
    expect(bc.ca).toBe(true);
    expect(bc.pathLength).toBe(0);
    expect(bc.critical).toBe(true);
    const ku = ca.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(ku.critical).toBe(true);
    expect(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(tls.caName).toMatch(/^匠星 Jiangxing 场馆证书 venue-laptop \d{4}-\d{2}-\d{2}$/);
    expect(new X509Certificate(tls.caPem).ca).toBe(true);
    const years = (ca.notAfter.getTime() - ca.notBefore.getTime()) / DAY / 365;
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    // P-256 ECDSA, self-signed.
    expect(ca.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(await ca.verify({ signatureOnly: true })).toBe(true);
  });

  it('is name-constrained (critical) to private address ranges and local host names only', async () => {
    const { tls } = await make();
    const ca = new x509.X509Certificate(tls.caPem);
    const ext = ca.extensions.find((e) => e.type === '2.5.29.30')!;
    expect(ext).toBeDefined();
    expect(ext.critical).toBe(true);
    const nc = AsnConvert.parse(ext.value, NameConstraints);
    const permitted = nc.permittedSubtrees!.map((s) => s.base);
    const ips = permitted.filter((g) => g.iPAddress).map((g) => g.iPAddress);
    const dns = permitted.filter((g) => g.dNSName).map((g) => g.dNSName);
    expect(ips).toEqual([...PERMITTED_RANGES]);
    expect(dns).toEqual([...PERMITTED_DNS]);
    expect(nc.excludedSubtrees).toBeUndefined();
    // As OpenSSL reads it: the six ranges, as address/mask.
    const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'nameConstraints'], {
      input: tls.caPem,
    }).toString();
    for (const want of [
      'IP:10.0.0.0/255.0.0.0',
      'IP:172.16.0.0/255.240.0.0',
      'IP:192.168.0.0/255.255.0.0',
      'IP:127.0.0.0/255.0.0.0',
      'IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF',
      'IP:FC00:0:0:0:0:0:0:0/FE00:0:0:0:0:0:0:0',
      'DNS:localhost',
      'DNS:local',
    ])
      expect(text).toContain(want);
  });

  it('the constraints bite: OpenSSL accepts the server certificate and refuses one for a public address or name signed by the same CA', async () => {
    const { caDir, tls } = await make();
    const dir = temp();
    writeFileSync(join(dir, 'ca.pem'), tls.caPem);
    writeFileSync(join(dir, 'leaf.pem'), tls.cert.split(/(?<=-----END CERTIFICATE-----\n)/)[0]!);
    const verify = (file: string, ...extra: string[]) => {
      try {
        return execFileSync(
          'openssl',
          [
            'verify',
            '-x509_strict',
            '-purpose',
            'sslserver',
            ...extra,
            '-CAfile',
            join(dir, 'ca.pem'),
            file,
          ],
          { stdio: 'pipe' },
        ).toString();
      } catch (err) {
        return (
          (err as { stderr: Buffer; stdout: Buffer }).stdout.toString() +
          (err as { stderr: Buffer }).stderr.toString()
        );
      }
    };
    expect(verify(join(dir, 'leaf.pem'), '-verify_ip', '192.168.31.20')).toContain(': OK');
    // A certificate the product would never make, signed with the CA's own key.
    const caKey = await webcrypto.subtle.importKey(
      'pkcs8',
      x509.PemConverter.decodeFirst(readFileSync(join(caDir, FILES.caKey), 'utf8')),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    for (const [name, san] of [
      ['public-ip', { type: 'ip' as const, value: '8.8.8.8' }],
      ['public-name', { type: 'dns' as const, value: 'www.example.com' }],
    ] as const) {
      const rogue = await x509.X509CertificateGenerator.create({
        subject: 'CN=rogue',
        issuer: new x509.X509Certificate(tls.caPem).subject,
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + 30 * DAY),
        signingKey: caKey,
        publicKey: keys.publicKey,
        signingAlgorithm: alg,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([san]),
        ],
      });
      writeFileSync(join(dir, `${name}.pem`), rogue.toString('pem'));
      // Signed by the CA all right…
      expect(rogue.publicKey).toBeDefined();
      expect(
        new X509Certificate(rogue.toString('pem')).checkIssued(new X509Certificate(tls.caPem)),
      ).toBe(true);
      // …and refused all the same.
      expect(verify(join(dir, `${name}.pem`))).toMatch(/permitted subtree violation/);
    }
  });
});

describe('the server certificate', () => {
  it('verifies against the CA and holds every LAN address as an IP SAN and the host names as DNS SANs', async () => {
    const { tls } = await make();
    const ca = new X509Certificate(tls.caPem);
    const leaf = leafOf(tls);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.ca).toBe(false);
    for (const ip of ['127.0.0.1', '192.168.31.20', '10.0.0.7', '172.20.1.2'])
      expect(leaf.subjectAltName).toContain(`IP Address:${ip}`);
    expect(leaf.checkIP('fd12:3456::7')).toBe('fd12:3456::7');
    expect(leaf.checkIP('::1')).toBe('::1');
    for (const name of NAMES) expect(leaf.checkHost(name)).toBe(name);
    // IP addresses are IP SANs, never DNS names.
    expect(leaf.subjectAltName).not.toMatch(/DNS:\d+\.\d+\.\d+\.\d+/);
    expect(sanOf(tls.cert.split(/(?<=-----END CERTIFICATE-----\n)/)[0]!)).toEqual({
      ips: ['127.0.0.1', '::1', ...LAN],
      dnsNames: NAMES,
    });
  });

  it('is for servers only (EKU serverAuth) and lives at most 825 days', async () => {
    const { tls } = await make();
    const leaf = leafOf(tls);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const days = (new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()) / DAY;
    expect(days).toBeLessThanOrEqual(MAX_LEAF_DAYS);
    expect(days).toBeGreaterThan(700);
    const ext = new x509.X509Certificate(tls.cert).getExtension(x509.BasicConstraintsExtension)!;
    expect(ext.ca).toBe(false);
  });

  it('leaves out what the CA cannot vouch for: public and link-local addresses, public names', async () => {
    const { tls } = await make(temp(), ['127.0.0.1', '192.168.1.5', '8.8.8.8', '100.64.0.1']);
    expect(tls.ips).toEqual(['127.0.0.1', '192.168.1.5']);
    expect(isPermittedAddress('172.32.0.1')).toBe(false);
    expect(isPermittedAddress('172.31.255.255')).toBe(true);
    expect(isPermittedAddress('fe80::1')).toBe(false);
    expect(isPermittedAddress('fdff::1')).toBe(true);
    expect(isPermittedName('scores.example.org')).toBe(false);
    expect(isPermittedName('Venue.LOCAL')).toBe(true);
    expect(isPermittedName('evil-local')).toBe(false);
    const names = venueNames(
      {
        eth0: [
          { address: '192.168.1.5', family: 'IPv4', internal: false } as never,
          { address: 'fe80::1', family: 'IPv6', internal: false } as never,
        ],
        wlan0: [{ address: '203.0.113.9', family: 'IPv4', internal: false } as never],
      },
      'Venue-Laptop',
    );
    expect(names).toEqual({
      ips: ['127.0.0.1', '::1', '192.168.1.5'],
      dnsNames: ['localhost', 'venue-laptop.local'],
      outside: ['203.0.113.9'],
      lan: ['192.168.1.5'],
    });
  });

  it('is kept at a start with the same addresses, renewed when they change or within 30 days of its end, always under the same CA', async () => {
    const { caDir, tls } = await make();
    expect(tls.createdCa).toBe(true);
    expect(tls.renewed).toBe('new');
    const again = await ensureVenueTls({
      caDir,
      ips: ['127.0.0.1', '::1', ...LAN].reverse(),
      dnsNames: NAMES,
    });
    expect(again.createdCa).toBe(false);
    expect(again.renewed).toBeNull();
    expect(again.cert).toBe(tls.cert);

    // The laptop got a new address from the venue's DHCP.
    const moved = await ensureVenueTls({
      caDir,
      ips: ['127.0.0.1', '192.168.0.42'],
      dnsNames: NAMES,
    });
    expect(moved.renewed).toBe('names');
    expect(moved.caPem).toBe(tls.caPem);
    expect(moved.ips).toEqual(['127.0.0.1', '192.168.0.42']);
    expect(leafOf(moved).serialNumber).not.toBe(leafOf(tls).serialNumber);
    expect(leafOf(moved).verify(new X509Certificate(tls.caPem).publicKey)).toBe(true);

    // 30 days before its end it is renewed; the CA is not.
    const end = new Date(leafOf(moved).validTo).getTime();
    const late = await ensureVenueTls({
      caDir,
      ips: ['127.0.0.1', '192.168.0.42'],
      dnsNames: NAMES,
      now: new Date(end - 29 * DAY),
    });
    expect(late.renewed).toBe('expiry');
    expect(late.caPem).toBe(tls.caPem);
    expect(new Date(leafOf(late).validTo).getTime()).toBeGreaterThan(end);

    // A CA put back from elsewhere: the server certificate is made again under it.
    const other = await make();
    writeFileSync(join(caDir, FILES.caCert), other.tls.caPem);
    writeFileSync(join(caDir, FILES.caKey), readFileSync(join(other.caDir, FILES.caKey)));
    const swapped = await ensureVenueTls({
      caDir,
      ips: ['127.0.0.1', '192.168.0.42'],
      dnsNames: NAMES,
    });
    expect(swapped.renewed).toBe('ca');
    expect(leafOf(swapped).verify(new X509Certificate(other.tls.caPem).publicKey)).toBe(true);
  });
});

describe('the files', () => {
  it('keys are 0600, the folder 0700, the certificates readable', async () => {
    const { caDir } = await make();
    const mode = (f: string) => statSync(join(caDir, f)).mode & 0o777;
    expect(mode(FILES.caKey)).toBe(0o600);
    expect(mode(FILES.key)).toBe(0o600);
    expect(mode(FILES.caCert)).toBe(0o644);
    expect(mode(FILES.cert)).toBe(0o644);
    expect(statSync(caDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(caDir, FILES.caKey), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('CA_DIR is its own folder beside the data by default, and one inside DATA_DIR is recognised (main.ts refuses it)', () => {
    const config = Config.parse({});
    expect(config.CA_DIR).toBe('./ca');
    expect(config.HTTPS).toBe('on');
    expect(config.HTTPS_PORT).toBe(3443);
    expect(Config.parse({ HTTPS: 'OFF' }).HTTPS).toBe('off');
    expect(Config.safeParse({ HTTPS: 'maybe' }).success).toBe(false);
    expect(caDirInsideDataDir(config.CA_DIR, config.DATA_DIR)).toBe(false);
    expect(caDirInsideDataDir('./data/ca', './data')).toBe(true);
    expect(caDirInsideDataDir('./data', './data')).toBe(true);
    expect(caDirInsideDataDir('./data-ca', './data')).toBe(false);
    expect(caDirInsideDataDir('/srv/jx/ca', '/srv/jx/data')).toBe(false);
  });

  it('two starts at once make one CA, not two', async () => {
    const caDir = temp();
    const [a, b] = await Promise.all([make(caDir), make(caDir)]);
    expect(a.tls.caPem).toBe(b.tls.caPem);
    expect([a.tls.createdCa, b.tls.createdCa].filter(Boolean)).toHaveLength(1);
  });
});

describe('what a device installs', () => {
  it('the iOS profile holds the CA as a com.apple.security.root payload, with identifiers that stay the same for the same CA', async () => {
    const { tls } = await make();
    const profile = mobileconfig(tls);
    expect(profile).toContain('<string>com.apple.security.root</string>');
    expect(profile).toContain('<string>Configuration</string>');
    expect(profile).toContain(`<string>${tls.caName}</string>`);
    const data = /<data>([\s\S]*?)<\/data>/.exec(profile)![1]!.replace(/\s/g, '');
    expect(Buffer.from(data, 'base64').equals(tls.caDer)).toBe(true);
    expect(mobileconfig(tls)).toBe(profile);
    const uuids = profile.match(/[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-A[0-9A-F]{3}-[0-9A-F]{12}/g)!;
    expect(new Set(uuids).size).toBe(2);
    // Only the certificate: no key in what a device downloads.
    expect(profile).not.toContain('PRIVATE KEY');
  });

  it('the SPKI pin Chromium takes is the base64 SHA-256 of the server key’s DER SubjectPublicKeyInfo', async () => {
    const { tls } = await make();
    const spki = leafOf(tls).publicKey.export({ type: 'spki', format: 'der' });
    expect(spkiHash(tls.cert)).toBe(createHash('sha256').update(spki).digest('base64'));
  });
});

describe('the address of the last start', () => {
  it('is remembered in DATA_DIR and a change is reported', () => {
    const dataDir = temp('jx-data-');
    expect(rememberAddresses(dataDir, ['192.168.1.5'])).toEqual({ previous: null, changed: false });
    expect(rememberAddresses(dataDir, ['192.168.1.5'])).toEqual({
      previous: ['192.168.1.5'],
      changed: false,
    });
    expect(rememberAddresses(dataDir, ['192.168.1.7'])).toEqual({
      previous: ['192.168.1.5'],
      changed: true,
    });
    expect(
      JSON.parse(readFileSync(join(dataDir, 'last-addresses.json'), 'utf8')).addresses,
    ).toEqual(['192.168.1.7']);
  });
});
