import { describe, expect, it } from 'vitest';
import { MAX_REASON_LENGTH, rescoreReason } from './rescore.ts';

describe('rescoreReason', () => {
  it('prefixes the head judge’s reason', () => {
    expect(rescoreReason('分歧过大')).toBe('裁判长要求重评：分歧过大');
  });

  it('keeps the reason on one line and within what the server takes', () => {
    expect(rescoreReason('第一行\n第二行\t ')).toBe('裁判长要求重评：第一行 第二行');
    const long = rescoreReason('长'.repeat(300));
    expect(long).toHaveLength(MAX_REASON_LENGTH);
    expect(long.startsWith('裁判长要求重评：长')).toBe(true);
    // An emoji straddling the limit is dropped whole, not split into half a surrogate pair.
    const emoji = rescoreReason('长'.repeat(MAX_REASON_LENGTH - 9) + '😀');
    expect(emoji).toHaveLength(MAX_REASON_LENGTH - 1);
    expect(emoji.endsWith('长')).toBe(true);
  });
});
