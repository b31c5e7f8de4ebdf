import { describe, expect, it } from 'vitest';
import { wordParts } from './labels.ts';

describe('station names in words', () => {
  it('splits a Chinese name only between words, a lone character kept with its neighbour', () => {
    expect(wordParts('理论考试')).toEqual(['理论', '考试']);
    expect(wordParts('准备与清洁消毒')).toEqual(['准备与', '清洁', '消毒']);
    expect(wordParts('安全知识测验')).toEqual(['安全', '知识', '测验']);
    expect(wordParts('平稳性（水杯）')).toEqual(['平稳性', '（水杯）']);
  });

  it('keeps a name whole where the dictionary knows no word of it', () => {
    // ICU splits 快件分拣 into single characters: never break between those.
    expect(wordParts('快件分拣')).toEqual(['快件分拣']);
    expect(wordParts('S弯道')).toEqual(['S弯道']);
  });

  it('leaves a name without Chinese to the spaces between its words', () => {
    expect(wordParts('Preparation and disinfection')).toEqual(['Preparation and disinfection']);
    expect(wordParts('')).toEqual([]);
  });
});
