import { describe, expect, it } from 'vitest';
import { extractToken, parseOutbox, parseRescores, tokenFingerprint } from './storage.ts';

describe('parseOutbox', () => {
  it('keeps well-formed entries and fills what older pages left out', () => {
    const good = {
      clientId: 'c-12345678',
      contestantId: 3,
      sheetId: 'bridge',
      values: { 'bridge-faults': { 'foot-down': 1 } },
      queuedAt: 5,
    };
    const list = [good, { ...good, clientId: 7 }, null, 'x', { ...good, values: null }];
    expect(parseOutbox(list)).toEqual([{ ...good, attempt: 1 }]);
    expect(parseOutbox([{ ...good, queuedAt: undefined, attempt: 2 }])).toEqual([
      { ...good, attempt: 2, queuedAt: 0 },
    ]);
  });

  it('reads anything that is not a list as empty', () => {
    expect(parseOutbox(null)).toEqual([]);
    expect(parseOutbox({ clientId: 'x' })).toEqual([]);
  });
});

describe('tokens', () => {
  it('fingerprints a token stably in 8 hex digits', () => {
    expect(tokenFingerprint('abc')).toBe(tokenFingerprint('abc'));
    expect(tokenFingerprint('abc')).not.toBe(tokenFingerprint('abd'));
    expect(tokenFingerprint('abc')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('reads a token from a link, a fragment or a bare code', () => {
    expect(extractToken('http://10.0.0.2:3000/judge-tablet/#token=abcd1234')).toBe('abcd1234');
    expect(extractToken('token=abcd1234')).toBe('abcd1234');
    expect(extractToken('  abcd1234 ')).toBe('abcd1234');
    expect(extractToken('no good!')).toBeNull();
    expect(extractToken(' aj40n 4g7as ')).toBe('aj40n4g7as');
  });
});

describe('parseRescores', () => {
  const request = {
    contestantId: 12,
    bib: '12',
    name: '谢明辉',
    sheetId: 'packaging',
    reason: '分歧过大',
    at: 1000,
    dismissed: false,
  };

  it('keeps well-formed requests, the last one of a line, and fills what is missing', () => {
    const newer = { ...request, reason: '再评一次', at: 2000 };
    const other = { ...request, sheetId: 'communication', name: undefined, at: undefined };
    expect(parseRescores([request, null, { ...request, bib: 12 }, other, newer, 'x'])).toEqual([
      { ...other, name: '', at: 0 },
      newer,
    ]);
    expect(parseRescores([{ ...request, dismissed: 'yes' }])).toEqual([request]);
  });

  it('reads anything that is not a list as empty', () => {
    expect(parseRescores(null)).toEqual([]);
    expect(parseRescores(request)).toEqual([]);
  });
});
