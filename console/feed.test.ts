import { describe, expect, it } from 'vitest';
import { dispositionName } from './api.ts';
import { StaffGate } from './feed.ts';
import { extractToken } from './login-code.ts';

describe('staff board gate', () => {
  it('drops the public snapshot and public deltas, then admits the staff view', () => {
    const g = new StaffGate();
    expect(g.admit({ type: 'board.snapshot' })).toBe(false);
    expect(g.admit({ type: 'board.delta' })).toBe(false);
    expect(g.admit({ type: 'board.snapshot' })).toBe(true);
    expect(g.admit({ type: 'board.delta' })).toBe(true);
    g.reset();
    expect(g.admit({ type: 'board.delta' })).toBe(false);
    // A snapshot marked as the staff one is admitted at once.
    expect(g.admit({ type: 'board.snapshot', staff: true })).toBe(true);
  });
});

describe('login code and downloads', () => {
  it('reads a pasted code or login link', () => {
    expect(extractToken('  840D74DB E475 421f ')).toBe('840d74dbe475421f');
    expect(extractToken('http://10.0.0.2:3000/judge-tablet/#token=abc123')).toBe('abc123');
    expect(extractToken('   ')).toBe('');
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
