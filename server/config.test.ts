import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

describe('settings from the environment', () => {
  it('a variable set to nothing takes its default (PORT= in an env file is not port 0)', () => {
    const r = parseConfig({ PORT: '', HTTPS_PORT: ' ', DATA_DIR: '', LOG_LEVEL: '', HTTPS: '' });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({
      PORT: 3000,
      HTTPS_PORT: 3443,
      DATA_DIR: './data',
      LOG_LEVEL: 'warn',
      HTTPS: 'on',
    });
  });

  it('a value given is read as given, and a wrong one is refused', () => {
    expect(parseConfig({ PORT: '0' }).data?.PORT).toBe(0); // asked for: any free port
    expect(parseConfig({ PORT: '3300' }).data?.PORT).toBe(3300);
    expect(parseConfig({ PORT: 'abc' }).success).toBe(false);
    expect(parseConfig({ PORT: '99999' }).success).toBe(false);
    expect(parseConfig({ ORGANISER_PASSWORD: 'short' }).success).toBe(false);
  });

  it('DATABASE_URL must be a PostgreSQL URL; TRUST_PROXY is a list', () => {
    expect(parseConfig({}).data?.DATABASE_URL).toBeUndefined();
    expect(parseConfig({ DATABASE_URL: 'postgres://jx@db:5432/jx' }).data?.DATABASE_URL).toBe(
      'postgres://jx@db:5432/jx',
    );
    expect(parseConfig({ DATABASE_URL: './data/jiangxing.db' }).success).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).data?.TRUST_PROXY).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
    expect(parseConfig({}).data?.TRUST_PROXY).toEqual([]);
    expect(parseConfig({ TRUST_PROXY: 'loopback,::1,fd00::/8,10.0.0.0/255.0.0.0' }).success).toBe(
      true,
    );
    // What Fastify would have thrown on at start, a stack trace instead of a sentence.
    for (const bad of [
      'garbage',
      '10.0.0.1,garbage',
      '10.0.0.0/33',
      '10.0.0.0/8/1',
      '::1/129',
      '10.0.0.0/ffff::',
    ]) {
      const r = parseConfig({ TRUST_PROXY: bad });
      expect(r.success, bad).toBe(false);
      expect(r.error!.issues[0]!.message).toContain('TRUST_PROXY 须为');
    }
  });
});
