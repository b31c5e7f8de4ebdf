import { describe, expect, it } from 'vitest';
import { readFixture } from '../plugins/seed.ts';
import {
  describeAction,
  describeMarkEntry,
  pointsText,
  type DescribeContext,
  type LogMarkEntry,
} from './describe-log.ts';
import { indexScheme } from './scheme-index.ts';

const index = indexScheme(readFixture().scheme);
const entry = (e: Partial<LogMarkEntry> & Pick<LogMarkEntry, 'id'>): LogMarkEntry => ({
  kind: 'mark',
  sheetId: 'packaging',
  stationId: null,
  attempt: 1,
  officialId: 8,
  valuesJson: '{}',
  supersedesId: null,
  targetMarkId: null,
  ...e,
});
const log = [
  entry({ id: 1, valuesJson: '{"packaging-quality":1000}' }),
  entry({ id: 2, valuesJson: '{"packaging-quality":2000}', supersedesId: 1 }),
  entry({ id: 3, kind: 'void', targetMarkId: 2, officialId: 11, valuesJson: '{}' }),
];
const ctx = (lang: 'zh' | 'en'): DescribeContext => ({
  index,
  lang,
  decimals: 2,
  entryById: (id) => log.find((e) => e.id === id),
  official: (id) => (id === 8 ? 'J08 程玉兰' : `#${id}`),
});

describe('the marks log in words', () => {
  it('gives points to the scheme’s decimals without rounding', () => {
    expect(pointsText(2000, 2)).toBe('2.00');
    expect(pointsText(2125, 2)).toBe('2.125');
    expect(pointsText(85_000, 0)).toBe('85');
    expect(pointsText(-500, 2)).toBe('-0.50');
  });

  it('says a mark, a correction with what it replaced, and a void with whose mark it drops', () => {
    expect(describeMarkEntry(log[0]!, ctx('zh'))).toEqual({
      action: '评分',
      place: '货物打包',
      content: '打包质量 1.00',
    });
    expect(describeMarkEntry(log[1]!, ctx('zh'))).toEqual({
      action: '更正',
      place: '货物打包',
      content: '打包质量 2.00；更正前：打包质量 1.00',
    });
    expect(describeMarkEntry(log[2]!, ctx('zh')).content).toBe(
      '撤销 J08 程玉兰 的评分：打包质量 2.00',
    );
    expect(describeMarkEntry(log[1]!, ctx('en'))).toEqual({
      action: 'correction',
      place: 'Packaging',
      content: 'Packaging quality 2.00; before: Packaging quality 1.00',
    });
    expect(describeMarkEntry(log[2]!, ctx('en'))).toEqual({
      action: 'void',
      place: 'Packaging',
      content: "voids J08 程玉兰's mark: Packaging quality 2.00",
    });
  });

  it('names faults, vetoes, checks, times and sub-stations; a re-run says which attempt', () => {
    const riding = (sheetId: string, values: object) =>
      describeMarkEntry(entry({ id: 9, sheetId, valuesJson: JSON.stringify(values) }), ctx('zh'));
    expect(riding('bridge', { 'bridge-faults': { 'foot-down': 2 }, 'bridge-fell': true })).toEqual({
      action: '评分',
      place: '安全骑行·单边桥',
      content: '单边桥扣分：单脚着地×2；掉桥：已发生',
    });
    expect(riding('smoothness', { 'smoothness-faults': {}, 'course-time': 65_342 }).content).toBe(
      '平稳性扣分：无扣分；全程用时 1分05.342秒',
    );
    expect(riding('smoothness', { 'smoothness-faults': {}, 'course-time': null }).content).toBe(
      '平稳性扣分：无扣分；全程用时 未计时',
    );
    expect(
      describeMarkEntry(
        entry({
          id: 12,
          sheetId: 'traffic-lights',
          valuesJson: '{"lights-faults":{"foot-down":1,"line-pressed":2},"red-light-run":false}',
        }),
        ctx('en'),
      ).content,
    ).toBe('Traffic-light faults: Stop line pressed ×2, One foot down ×1; Ran the red light: no');
    expect(riding('cleaning', { 'cleaning-hands': true, 'cleaning-box': false }).content).toBe(
      '洗手并消毒双手：通过；餐箱内外消毒：未通过',
    );
    expect(
      describeMarkEntry(
        entry({ id: 10, kind: 'rerun', sheetId: null, stationId: 'riding', attempt: 1 }),
        ctx('en'),
      ),
    ).toEqual({
      action: 're-run',
      place: 'Safe riding',
      content: 'attempt 1 voided, re-run granted',
    });
  });

  it('keeps a value the scheme does not know, by its id', () => {
    expect(
      describeMarkEntry(entry({ id: 11, valuesJson: '{"old-criterion":3}' }), ctx('zh')).content,
    ).toBe('old-criterion 3');
  });
});

describe('the course log in words', () => {
  it('names the action and its station, and words its details', () => {
    expect(describeAction('station.lock', '{"stationId":"riding"}', ctx('zh'))).toEqual({
      action: '锁定站点',
      place: '安全骑行',
      content: '',
    });
    expect(describeAction('station.lock', '{"stationId":"riding"}', ctx('en')).action).toBe(
      'lock station',
    );
    expect(describeAction('mark.rescore', '{"bib":"007","sheetId":"s-bend"}', ctx('zh'))).toEqual({
      action: '要求重新评分',
      place: '安全骑行·S弯道',
      content: '007号',
    });
    expect(
      describeAction(
        'official.create',
        '{"code":"J11","role":"judge","sheets":["packaging","bridge"]}',
        ctx('zh'),
      ).content,
    ).toBe('编号：J11；角色：裁判；评分项目：货物打包、安全骑行·单边桥');
    expect(describeAction('competition.settings', '{"nameDisplay":"masked"}', ctx('en'))).toEqual({
      action: 'change display settings',
      place: '',
      content: 'names masked',
    });
    expect(describeAction('something.new', '{"x":1}', ctx('zh'))).toEqual({
      action: 'something.new',
      place: '',
      content: 'x：1',
    });
  });
});
