import { describe, expect, it } from 'vitest';
import {
  LINE_STATUS_WORDS,
  LOCKED_WORDS,
  resultBadge,
  standingStatus,
  standingStatusWord,
  type ContestantStatus,
} from './status.ts';

const row = (status: ContestantStatus, provisional: boolean) => ({ status, provisional });

describe('standingStatus', () => {
  it('says a contestant who no longer competes, whatever the score', () => {
    expect(standingStatus(row('withdrawn', true))).toBe('withdrawn');
    expect(standingStatus(row('disqualified', false))).toBe('disqualified');
  });
  it("says an active contestant's result provisional until it is official", () => {
    expect(standingStatus(row('active', true))).toBe('provisional');
    expect(standingStatus(row('active', false))).toBe('official');
  });
  it('in words, in either language', () => {
    expect(standingStatusWord(row('withdrawn', false), 'zh')).toBe('退赛');
    expect(standingStatusWord(row('disqualified', false), 'en')).toBe('Disqualified');
    expect(standingStatusWord(row('active', true), 'zh')).toBe('暂定');
    expect(standingStatusWord(row('active', false), 'en')).toBe('Official');
  });
});

describe('resultBadge', () => {
  it('stamps the state: 暂定成绩 / 正式成绩, capitals in English', () => {
    expect(resultBadge('provisional', 'zh')).toBe('暂定成绩');
    expect(resultBadge('official', 'zh')).toBe('正式成绩');
    expect(resultBadge('provisional', 'en')).toBe('PROVISIONAL');
    expect(resultBadge('official', 'en')).toBe('OFFICIAL');
  });
});

describe('line status words', () => {
  it('has a word for every status and the lock, in both languages', () => {
    const statuses = ['empty', 'partial', 'scored', 'flagged'];
    expect(Object.keys(LINE_STATUS_WORDS.zh)).toEqual(statuses);
    expect(Object.keys(LINE_STATUS_WORDS.en)).toEqual(statuses);
    expect(LINE_STATUS_WORDS.zh.flagged).toBe('待复核');
    expect(LINE_STATUS_WORDS.en.flagged).toBe('Under review');
    expect([LOCKED_WORDS.zh, LOCKED_WORDS.en]).toEqual(['已锁定', 'Locked']);
  });
});
