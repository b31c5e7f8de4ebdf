import { describe, expect, it } from 'vitest';
import { decodeText } from './decode-text.ts';

describe('score file text', () => {
  it('decodes UTF-8 (BOM dropped) and falls back to GB18030 for Excel files', () => {
    expect(decodeText(new TextEncoder().encode('\uFEFF号码,成绩'))).toBe('号码,成绩');
    // "号码" in GBK.
    expect(decodeText(new Uint8Array([0xba, 0xc5, 0xc2, 0xeb]))).toBe('号码');
  });
});
