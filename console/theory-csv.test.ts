import { describe, expect, it } from 'vitest';
import { csvRecords, decodeText, previewScores } from './theory-csv.ts';

describe('theory score file preview', () => {
  it('numbers lines as the server does: blank lines skipped, header recognised', () => {
    const records = csvRecords('\uFEFF号码,成绩\r\n1,88\n\n"2",  "9,5"\n3,\n,\n');
    expect(records).toEqual([
      ['号码', '成绩'],
      ['1', '88'],
      ['2', '9,5'],
      ['3', ''],
      ['', ''],
    ]);
    expect(previewScores(records)).toEqual([
      { line: 2, bib: '1', score: '88' },
      { line: 3, bib: '2', score: '9,5' },
      { line: 4, bib: '3', score: '' },
    ]);
  });

  it('keeps a first line with a score as data', () => {
    expect(previewScores(csvRecords('7,60\n8,"70"'))).toEqual([
      { line: 1, bib: '7', score: '60' },
      { line: 2, bib: '8', score: '70' },
    ]);
  });

  it('decodes UTF-8 (BOM dropped) and falls back to GB18030 for Excel files', () => {
    expect(decodeText(new TextEncoder().encode('\uFEFF号码,成绩'))).toBe('号码,成绩');
    // "号码" in GBK.
    expect(decodeText(new Uint8Array([0xba, 0xc5, 0xc2, 0xeb]))).toBe('号码');
  });
});
