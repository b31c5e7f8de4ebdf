import { describe, expect, it } from 'vitest';
import {
  extractToken,
  MAX_SENT,
  parseIds,
  parseOutbox,
  parseSent,
  sentHere,
  tokenFingerprint,
} from './storage.ts';

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

describe('parseIds', () => {
  it('keeps positive integer ids once each, in order', () => {
    expect(parseIds([3, 1, 3, 0, -2, 1.5, '4', null, 7])).toEqual([3, 1, 7]);
  });

  it('reads anything that is not a list as empty', () => {
    expect(parseIds(null)).toEqual([]);
    expect(parseIds({ 0: 3 })).toEqual([]);
  });
});

describe('parseSent', () => {
  it('keeps well-formed sent marks, the newest MAX_SENT', () => {
    const good = { clientId: 'c-12345678', markId: 4 };
    expect(parseSent([good, { clientId: 5, markId: 1 }, { clientId: 'x' }, null])).toEqual([good]);
    const many = Array.from({ length: MAX_SENT + 3 }, (_, i) => ({ clientId: `c${i}`, markId: i }));
    const kept = parseSent(many);
    expect(kept).toHaveLength(MAX_SENT);
    expect(kept[0]!.markId).toBe(3);
    expect(parseSent('x')).toEqual([]);
  });
});

describe('sentHere', () => {
  const sent = [
    { clientId: 'c-aaaaaaaa', markId: 4 },
    { clientId: 'c-bbbbbbbb', markId: 9 },
  ];

  it('knows a mark this tablet sent by the mark id its ack gave, or by its clientId', () => {
    expect(sentHere(sent, { markId: 9 })).toBe(true);
    expect(sentHere(sent, { markId: 12, clientId: 'c-aaaaaaaa' })).toBe(true);
  });

  it('calls anything else another device’s or official’s', () => {
    expect(sentHere(sent, { markId: 12 })).toBe(false);
    expect(sentHere(sent, { markId: 12, clientId: 'c-cccccccc' })).toBe(false);
    expect(sentHere([], { markId: 4 })).toBe(false);
  });
});
