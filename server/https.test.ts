/**
 * HTTPS for staff devices, HTTP for everyone else (issue "The venue LAN as a secure site for
 * staff devices", 1–3): the same app over HTTPS with the product's own certificate (checked
 * against its CA, never with verification turned off), websockets over wss, HTTP serving
 * everything it served before and never sending /judge-tablet/ to HTTPS, the set-up page's
 * downloads and trust check, HTTPS=off, and the process's start (CA made in CA_DIR, the QR
 * code and the set-up address in the banner, a warning when the LAN address changed).
 * Real servers, real sockets, real child processes.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CA_DOWNLOADS, PROTOCOL_VERSION, type VenueResponse } from './protocol/index.ts';
import { FILES, ensureVenueTls, localHostName, type VenueTls } from './services/venue-ca.ts';
import { startTestServer, tokenOf } from './test-support.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const dirs: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A GET over HTTPS that trusts only the venue CA (full verification, as a tablet does). */
function getHttps(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; peer: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const peer = (res.socket as TLSSocket).getPeerCertificate().raw;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks),
          peer,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let tls: VenueTls;
let server: Server;
let httpsPort: number;
let httpsUrl: string;
beforeAll(async () => {
  tls = await ensureVenueTls({
    caDir: temp('jx-ca-'),
    ips: ['127.0.0.1', '::1', '192.168.31.20'],
    dnsNames: ['localhost'],
  });
  server = await startTestServer(undefined, undefined, { tls });
  httpsPort = await server.app.https!.listen(0, '127.0.0.1');
  httpsUrl = `https://127.0.0.1:${httpsPort}`;
});
afterAll(async () => {
  await server?.close();
});

describe('HTTPS beside HTTP', () => {
  it('answers /healthz and /scoreboard/ over HTTPS with the product’s certificate, verified against its CA', async () => {
    const leaf = new X509Certificate(tls.cert);
    for (const path of ['/healthz', '/scoreboard/']) {
      const res = await getHttps(`${httpsUrl}${path}`, tls.caPem);
      expect(res.status).toBe(200);
      expect(res.peer.equals(leaf.raw)).toBe(true);
    }
    const page = await getHttps(`${httpsUrl}/scoreboard/`, tls.caPem);
    expect(page.body.toString()).toContain('<div id="app">');
    // by name too
    expect((await getHttps(`https://localhost:${httpsPort}/healthz`, tls.caPem)).status).toBe(200);
    // Never HSTS: it would bind every port of the host and break the board on HTTP.
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });

  it('refuses a client that does not trust the CA (the handshake fails, nothing is served)', async () => {
    // Another venue's CA (the default store does not know this one either).
    const other = await ensureVenueTls({
      caDir: temp('jx-ca-other-'),
      ips: ['127.0.0.1'],
      dnsNames: [],
    });
    await expect(getHttps(`${httpsUrl}/healthz`, other.caPem)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it('a judge logs in over wss (hello → welcome), from a page on the HTTPS origin; another site is refused', async () => {
    const token = tokenOf(server.fixture, 'J02');
    const open = (origin: string) =>
      new Promise<{ status: string; ws?: WebSocket }>((resolve) => {
        const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/ws/judge`, {
          ca: tls.caPem,
          headers: { origin },
        });
        ws.on('open', () => resolve({ status: 'open', ws }));
        ws.on('unexpected-response', (_q, r) => resolve({ status: String(r.statusCode) }));
        ws.on('error', (e) => resolve({ status: e.message }));
      });
    const { status, ws } = await open(`https://127.0.0.1:${httpsPort}`);
    expect(status).toBe('open');
    const welcome = await new Promise<{ type: string; judge?: { code: string } }>((resolve) => {
      ws!.once('message', (d) => resolve(JSON.parse(d.toString())));
      ws!.send(JSON.stringify({ type: 'judge.hello', protocol: PROTOCOL_VERSION, token }));
    });
    expect(welcome.type).toBe('judge.welcome');
    expect(welcome.judge?.code).toBe('J02');
    ws!.close();
    expect((await open(`https://localhost:${httpsPort}`)).status).toBe('open');
    // The machine's mDNS name, which the certificate holds too.
    expect((await open(`https://${localHostName()}:${httpsPort}`)).status).toBe('open');
    expect((await open('https://attacker.example')).status).toBe('403');
    expect((await open(`http://127.0.0.1:${httpsPort + 1}`)).status).toBe('403');
  });

  it('HTTP keeps serving everything it served, and never sends /judge-tablet/ to HTTPS', async () => {
    const { url } = server;
    for (const path of [
      '/healthz',
      '/scoreboard/',
      '/judge-tablet/',
      '/console/',
      '/setup/',
      '/api/competitions',
      '/api/competitions/gaoxin-2024/standings',
      '/api/competitions/gaoxin-2024/results.html',
      '/api/competitions/gaoxin-2024/export.csv',
    ]) {
      const res = await fetch(`${url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('location'), path).toBeNull();
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
    // The folder without its slash goes to the same folder on HTTP, never to https://.
    const bare = await fetch(`${url}/judge-tablet`, { redirect: 'manual' });
    expect(bare.headers.get('location') ?? '').not.toMatch(/^https:/);
    // The tablet's own page over HTTP, websockets too.
    const ws = new WebSocket(`${server.ws}/ws/board?competition=gaoxin-2024`);
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
    ws.close();
  });
});

describe('the addresses pages give others', () => {
  it('GET /api/server-info names the plain HTTP addresses, also when asked over HTTPS', async () => {
    const httpPort = new URL(server.url).port;
    const viaHttps = JSON.parse(
      (await getHttps(`${httpsUrl}/api/server-info`, tls.caPem)).body.toString(),
    ) as { lanUrls: string[] };
    const viaHttp = (await (await fetch(`${server.url}/api/server-info`)).json()) as {
      lanUrls: string[];
    };
    expect(viaHttps).toEqual(viaHttp);
    for (const u of viaHttps.lanUrls) expect(u).toMatch(new RegExp(`^http://[^/]+:${httpPort}$`));
  });
});

describe('the set-up page’s server side', () => {
  it('tells the page the HTTPS port and the CA, and the CA downloads in each system’s form', async () => {
    const venue = (await (await fetch(`${server.url}/api/venue`)).json()) as VenueResponse;
    expect(venue.https).toMatchObject({
      port: httpsPort,
      ca: { name: tls.caName, fingerprint: tls.caFingerprint },
      server: { ips: ['127.0.0.1', '::1', '192.168.31.20'], dnsNames: ['localhost'] },
      downloads: CA_DOWNLOADS,
    });
    const android = await fetch(`${server.url}${CA_DOWNLOADS.android}`);
    expect(android.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(android.headers.get('content-disposition')).toContain('jiangxing-ca.crt');
    expect(Buffer.from(await android.arrayBuffer()).equals(tls.caDer)).toBe(true);
    const windows = await fetch(`${server.url}${CA_DOWNLOADS.windows}`);
    expect(windows.headers.get('content-disposition')).toContain('jiangxing-ca.cer');
    expect(new X509Certificate(Buffer.from(await windows.arrayBuffer())).ca).toBe(true);
    const ios = await fetch(`${server.url}${CA_DOWNLOADS.ios}`);
    expect(ios.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    expect(await ios.text()).toContain('com.apple.security.root');
    // The same over HTTPS.
    const again = await getHttps(`${httpsUrl}${CA_DOWNLOADS.android}`, tls.caPem);
    expect(again.body.equals(tls.caDer)).toBe(true);
  });

  it('HTTPS /healthz answers CORS for a page of the same host on HTTP, and only for it', async () => {
    const mine = `http://127.0.0.1:${new URL(server.url).port}`;
    const ok = await getHttps(`${httpsUrl}/healthz`, tls.caPem, { origin: mine });
    expect(ok.headers['access-control-allow-origin']).toBe(mine);
    expect(ok.headers.vary).toContain('Origin');
    const other = await getHttps(`${httpsUrl}/healthz`, tls.caPem, {
      origin: 'http://attacker.example',
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // Plain HTTP adds no CORS anywhere.
    const plain = await fetch(`${server.url}/healthz`, { headers: { origin: mine } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the set-up page and the judge tablet may ask the HTTPS origin of their own host (CSP), other pages keep connect-src self', async () => {
    // The tablet asks it too: on HTTP it offers the move to HTTPS once the device trusts it.
    for (const path of ['/setup/', '/judge-tablet/']) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.headers.get('content-security-policy'), path).toContain(
        `connect-src 'self' https://127.0.0.1:${httpsPort};`,
      );
    }
    const board = await fetch(`${server.url}/scoreboard/`);
    expect(board.headers.get('content-security-policy')).toContain("connect-src 'self';");
  });

  it('the backup holds the database only: no key of the CA or the server', async () => {
    const res = await fetch(`${server.url}/api/backup`, {
      headers: { authorization: `Bearer ${tokenOf(server.fixture, 'O01')}` },
    });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 15).toString()).toBe('SQLite format 3');
    const keyB64 = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'))[0]!;
    expect(body.includes(keyB64(tls.key))).toBe(false);
    expect(body.includes('PRIVATE KEY')).toBe(false);
    // and the database file itself holds no certificate material
    const file = join(server.dataDir, 'jiangxing.db');
    const db = new Database(file, { readonly: true });
    db.close();
    expect(readFileSync(file).includes('PRIVATE KEY')).toBe(false);
  });
});

describe('HTTPS=off', () => {
  it('serves no HTTPS: no HTTPS server, /api/venue says so, no CA to download', async () => {
    const plain = await startTestServer();
    try {
      expect(plain.app.https).toBeNull();
      const venue = (await (await fetch(`${plain.url}/api/venue`)).json()) as VenueResponse;
      expect(venue.https).toBeNull();
      expect((await fetch(`${plain.url}${CA_DOWNLOADS.android}`)).status).toBe(404);
      expect((await fetch(`${plain.url}/setup/`)).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});

// ── the process ──────────────────────────────────────────────────────────────

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts server/main.ts and waits for the banner's last line (the password). */
async function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 20_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (/组委会控制台密码/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then(() => (clearTimeout(timer), resolve()));
  });
  return { child, exited, output: () => out };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => (s.destroy(), resolve(false)));
    s.on('error', () => resolve(true));
  });

describe('the server process', () => {
  it('makes the CA in CA_DIR at first start, serves HTTPS on HTTPS_PORT, prints the set-up page with its QR code, and warns when the LAN address changed', async () => {
    const dataDir = temp('jx-proc-');
    const caDir = temp('jx-proc-ca-');
    rmSync(caDir, { recursive: true });
    // The last start was on another address.
    writeFileSync(join(dataDir, 'last-addresses.json'), '{"addresses":["10.99.99.99"]}');
    const port = await freePort();
    const p = await startProcess({
      DATA_DIR: dataDir,
      CA_DIR: caDir,
      HTTPS_PORT: String(port),
      HOST: '0.0.0.0',
    });
    const out = p.output();
    for (const f of Object.values(FILES)) expect(existsSync(join(caDir, f)), f).toBe(true);
    expect(existsSync(join(dataDir, FILES.caKey))).toBe(false);
    expect(out).toMatch(/设置页\s+http:\/\/\S+:\d+\/setup\//);
    expect(out).toContain('先扫码打开设置页');
    expect(out).toMatch(/▄▄▄/); // a QR code
    expect(out).toMatch(new RegExp(`HTTPS\\s+https://\\S+:${port}/judge-tablet/`));
    expect(out).toContain('已生成场馆证书');
    // The CA's fingerprint, which the set-up page asks people to compare before installing.
    expect(out).toContain(
      new X509Certificate(readFileSync(join(caDir, FILES.caCert))).fingerprint256,
    );
    expect(out).toContain('本机局域网地址与上次启动不同（上次 10.99.99.99');
    expect(out).toContain('DHCP 保留');
    // The password stays last.
    expect(out.trimEnd().split('\n').at(-1)).toContain('组委会控制台密码');
    const ca = readFileSync(join(caDir, FILES.caCert), 'utf8');
    expect((await getHttps(`https://127.0.0.1:${port}/healthz`, ca)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    // The next start keeps the CA and says nothing about it.
    const again = await startProcess({
      DATA_DIR: dataDir,
      CA_DIR: caDir,
      HTTPS_PORT: String(port),
      HOST: '0.0.0.0',
    });
    expect(readFileSync(join(caDir, FILES.caCert), 'utf8')).toBe(ca);
    expect(again.output()).not.toContain('已生成场馆证书');
    expect(again.output()).not.toContain('与上次启动不同');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 60_000);

  it('HTTPS=off listens on no HTTPS port and makes no CA', async () => {
    const caDir = join(temp('jx-off-'), 'ca');
    const port = await freePort();
    const p = await startProcess({
      DATA_DIR: temp('jx-off-data-'),
      CA_DIR: caDir,
      HTTPS: 'off',
      HTTPS_PORT: String(port),
    });
    expect(p.output()).not.toMatch(/https:\/\//);
    expect(await refused(port)).toBe(true);
    expect(existsSync(caDir)).toBe(false);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('a busy HTTPS port is said, and HTTP serves on', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    try {
      const p = await startProcess({
        DATA_DIR: temp('jx-busy-'),
        CA_DIR: join(temp('jx-busy-ca-'), 'ca'),
        HTTPS_PORT: String(port),
      });
      expect(p.output()).toContain(`HTTPS 端口 ${port} 已被占用`);
      const http = /http:\/\/localhost:(\d+)\//.exec(p.output())![1];
      expect((await fetch(`http://127.0.0.1:${http}/healthz`)).status).toBe(200);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      busy.close();
    }
  });

  it('refuses a CA_DIR inside DATA_DIR: starting a contest afresh would delete the CA every tablet installed', async () => {
    const dataDir = temp('jx-inside-');
    const p = await startProcess({ DATA_DIR: dataDir, CA_DIR: join(dataDir, 'ca') });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('在数据目录');
    expect(existsSync(join(dataDir, 'ca'))).toBe(false);
  });
});
