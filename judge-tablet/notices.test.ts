import { describe, expect, it } from 'vitest';
import type { RescoreRequest, VoidNotice } from '#protocol';
import {
  answerRescores,
  mergeRescores,
  mergeVoids,
  openRescores,
  openVoids,
  pruneDismissed,
  rescoresOf,
  voidEffect,
} from './notices.ts';

const head = { code: 'H01', name: '孔德胜' };
const notice = (markId: number, restored: VoidNotice['restored'] = null): VoidNotice => ({
  markId,
  contestantId: 4,
  bib: '4',
  sheetId: 'communication',
  attempt: 1,
  reason: '更正无依据',
  by: head,
  at: '2024-05-18T02:00:00.000Z',
  restored,
});
const request = (id: number, contestantId = 12, sheetId = 'packaging'): RescoreRequest => ({
  id,
  contestantId,
  bib: String(contestantId),
  name: '谢明辉',
  sheetId,
  reason: '分歧过大',
  by: head,
  at: '2024-05-18T02:00:00.000Z',
});

describe('void notices', () => {
  it('keeps one notice per voided mark and shows the open ones newest first', () => {
    const list = mergeVoids([notice(5)], [notice(9), notice(5)]);
    expect(list.map((n) => n.markId)).toEqual([5, 9]);
    expect(openVoids(list, new Set()).map((n) => n.markId)).toEqual([9, 5]);
    expect(openVoids(list, new Set([9])).map((n) => n.markId)).toEqual([5]);
  });

  it('restores the mark the void made current, or empties the line', () => {
    const restored = { markId: 3, values: { 'communication-quality': 2000 } };
    expect(voidEffect(5, notice(5, restored))).toEqual({ kind: 'restore', ...restored });
    expect(voidEffect(5, notice(5))).toEqual({ kind: 'clear' });
    // The voided mark was written on another device: the tablet held an older one.
    expect(voidEffect(3, notice(5, restored))).toEqual({ kind: 'restore', ...restored });
    expect(voidEffect(undefined, notice(5))).toEqual({ kind: 'clear' });
    // The line has moved on since (a newer mark): left alone.
    expect(voidEffect(7, notice(5, restored))).toEqual({ kind: 'keep' });
  });
});

describe('re-score requests', () => {
  it('merges by id and answers a line’s requests with a mark on it', () => {
    const list = mergeRescores([request(1)], [request(2, 4, 'communication'), request(1)]);
    expect(list.map((r) => r.id)).toEqual([1, 2]);
    expect(rescoresOf(list, 12, 'packaging').map((r) => r.id)).toEqual([1]);
    expect(answerRescores(list, 12, 'packaging').map((r) => r.id)).toEqual([2]);
    expect(answerRescores(list, 12, 'communication')).toEqual(list);
  });

  it('shows the newest request of a line unless it was closed here; a newer one shows again', () => {
    const list = [request(1), request(2, 4, 'communication'), request(3)];
    expect(openRescores(list, new Set()).map((r) => r.id)).toEqual([3, 2]);
    expect(openRescores(list, new Set([1, 3])).map((r) => r.id)).toEqual([2]);
    expect(openRescores(list, new Set([1])).map((r) => r.id)).toEqual([3, 2]);
  });

  it('forgets closed ids the server no longer sends', () => {
    expect(pruneDismissed([1, 2, 2, 5], [2, 3, 5])).toEqual([2, 5]);
  });
});
