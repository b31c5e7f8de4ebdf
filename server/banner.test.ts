import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, sqliteStore } from '../db/client.ts';
import { databaseShown, startBanner } from './banner.ts';
import { seedIfEmpty } from './plugins/seed.ts';
import { openCustody } from './services/custody.ts';

describe('the start banner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jx-banner-'));
  const store = sqliteStore(openDatabase(join(dir, 'jiangxing.db')));
  const { custody } = openCustody(dir);
  const seeded = seedIfEmpty(store, custody);
  const banner = async (ca?: { name: string; fingerprint: string }, httpsOff = false) => {
    await seeded;
    return startBanner({
      store,
      custody,
      base: 'http://192.168.1.5:3000',
      addresses: [],
      dataDir: dir,
      password: { kind: 'kept' },
      venue: {
        setupUrl: 'http://192.168.1.5:3000/setup/',
        httpsBase: ca ? 'https://192.168.1.5:3443' : null,
        ...(ca ? { ca } : {}),
        httpsOff,
        notices: [],
      },
    });
  };

  it('asks staff devices to install the venue certificate when there is one', async () => {
    const text = await banner({ name: '匠星场馆证书', fingerprint: 'AB:CD' });
    expect(text).toContain('安装场馆证书');
    expect(text).toContain('AB:CD');
  });

  it('with HTTPS off, says there is no certificate to install', async () => {
    const text = await banner(undefined, true);
    expect(text).not.toContain('安装场馆证书');
    expect(text).toContain('无需安装证书');
    expect(text).toContain('http://192.168.1.5:3000/setup/');
  });

  it('with HTTPS on but no certificate made, does not say HTTPS was turned off', async () => {
    const text = await banner();
    expect(text).not.toContain('HTTPS 已关闭');
    expect(text).toContain('本次没有场馆证书');
  });

  it('on PostgreSQL, names the database (never its password) and the folder of the secret', async () => {
    await seeded;
    const text = await startBanner({
      store,
      custody,
      base: 'http://192.168.1.5:3000',
      addresses: [],
      dataDir: dir,
      database: 'db-host:5432/jiangxing',
      password: { kind: 'kept' },
    });
    expect(text).toMatch(/数据库\s+PostgreSQL db-host:5432\/jiangxing/);
    expect(text).toMatch(new RegExp(`密钥目录\\s+${dir}`));
    expect(text).not.toContain('数据目录');
  });

  it('shows where a database is from any URL pg takes, never its user or password', () => {
    expect(databaseShown('postgres://jx:s3cret@db-host:6543/festival')).toBe(
      'db-host:6543/festival',
    );
    expect(databaseShown('postgresql://jx@db-host/festival?sslmode=require')).toBe(
      'db-host:5432/festival',
    );
    // A Unix socket: `new URL` refuses an empty host (the start then died after listening).
    expect(databaseShown('postgres://jiangxing:pw@/postgres?host=/tmp/pg&port=55499')).toBe(
      '/tmp/pg:55499/postgres',
    );
    for (const url of ['postgres://jx:s3cret@db-host:6543/festival', 'postgres://a:s3cret@/x'])
      expect(databaseShown(url)).not.toContain('s3cret');
  });
});
