import { describe, expect, it } from 'vitest';
import { dispositionName } from './api.ts';
import { StaffGate } from './feed.ts';
import { extractToken, groupCode, isShortCode, loginUrl, parseIssued } from './login-code.ts';

describe('staff board gate', () => {
  it('drops the public snapshots and deltas until the snapshot marked staff', () => {
    const g = new StaffGate();
    expect(g.admit({ type: 'board.snapshot' })).toBe(false);
    expect(g.admit({ type: 'board.delta' })).toBe(false);
    // A second public snapshot (a course change before the hello is answered) stays public.
    expect(g.admit({ type: 'board.snapshot' })).toBe(false);
    expect(g.admit({ type: 'board.snapshot', staff: true })).toBe(true);
    expect(g.admit({ type: 'board.delta' })).toBe(true);
    g.reset();
    expect(g.admit({ type: 'board.delta' })).toBe(false);
    expect(g.admit({ type: 'board.snapshot', staff: true })).toBe(true);
  });
});

describe('login code and downloads', () => {
  it('reads a pasted code or login link', () => {
    expect(extractToken('  840D74DB E475 421f ')).toBe('840d74dbe475421f');
    expect(extractToken('http://10.0.0.2:3000/judge-tablet/#token=abc123')).toBe('abc123');
    expect(extractToken('   ')).toBe('');
  });

  it('recognises a tablet short code, which the console cannot take', () => {
    expect(isShortCode('7KQ2M-XD4PA')).toBe(true);
    expect(isShortCode(' 7kq2m xd4pa ')).toBe(true);
    expect(isShortCode('840d74dbe475421f840d74dbe475421f')).toBe(false);
    expect(isShortCode('http://10.0.0.2:3000/judge-tablet/#token=abc')).toBe(false);
  });

  it('links a card to the tablet and groups the full code', () => {
    expect(loginUrl('http://192.168.1.20:3000/', 'ab12')).toBe(
      'http://192.168.1.20:3000/judge-tablet/#token=ab12',
    );
    expect(groupCode('0851d799f304')).toBe('0851 d799 f304');
  });

  it('reads the codes kept in this tab, old bare tokens included', () => {
    const kept = parseIssued(
      JSON.stringify({
        J01: 'aa11',
        J02: { token: 'bb22', shortCode: '7KQ2M-XD4PA' },
        J03: { nope: 1 },
      }),
    );
    expect(Object.fromEntries(kept)).toEqual({
      J01: { token: 'aa11', shortCode: null },
      J02: { token: 'bb22', shortCode: '7KQ2M-XD4PA' },
    });
    expect(parseIssued('not json').size).toBe(0);
    expect(parseIssued(null).size).toBe(0);
  });

  it('takes the UTF-8 file name of a content-disposition header', () => {
    expect(
      dispositionName(
        `attachment; filename="gaoxin.csv"; filename*=UTF-8''gaoxin-${encodeURIComponent('成绩')}.csv`,
        'x',
      ),
    ).toBe('gaoxin-成绩.csv');
    expect(dispositionName('attachment; filename="a-audit.csv"', 'x')).toBe('a-audit.csv');
    expect(dispositionName(null, 'fallback.csv')).toBe('fallback.csv');
  });
});
