import type { NewLogin } from '#protocol';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  createdFestival,
  festivalEntry,
  fileCompetitionLabel,
  readCompetitionFile,
  schemeTotals,
  sortLogins,
} from './competition-file.ts';
import { DICTS } from './i18n.ts';

const login = (code: string, role: NewLogin['role'], token = 't'): NewLogin => ({
  code,
  role,
  name: code,
  token,
  shortCode: 's',
});

describe('competition file', () => {
  it('reads the slug, title and size of an export (a BOM is allowed)', () => {
    const text = `\uFEFF${JSON.stringify({
      format: 'jiangxing-competition',
      competition: { slug: 'gaoxin-2024', title: { zh: '大赛', en: 'Contest' } },
      contestants: [{}, {}],
      log: [{}],
    })}`;
    const f = readCompetitionFile(text);
    expect(f).toMatchObject({
      ok: true,
      kind: 'competition',
      slug: 'gaoxin-2024',
      title: { zh: '大赛', en: 'Contest' },
      contestants: 2,
      logEntries: 1,
    });
  });

  it('says when a file is not JSON or not a competition', () => {
    expect(readCompetitionFile('号码,姓名')).toEqual({ ok: false, error: 'not_json' });
    expect(readCompetitionFile('[1,2]')).toEqual({ ok: false, error: 'not_competition' });
    expect(readCompetitionFile('{"scheme":{}}')).toEqual({ ok: false, error: 'not_competition' });
    // A festival needs its list of competitions.
    expect(readCompetitionFile('{"festival":{"slug":"fest"}}')).toEqual({
      ok: false,
      error: 'not_competition',
    });
  });

  it('drops a slug the server would refuse (the organiser types one)', () => {
    const f = readCompetitionFile('{"competition":{"slug":"Bad Slug"}}');
    expect(f.ok && f.slug).toBeNull();
  });

  it('lists new logins organiser first, then head judge, then judges by code', () => {
    const l = login;
    expect(
      sortLogins([
        l('J10', 'judge'),
        l('H01', 'head-judge'),
        l('J02', 'judge'),
        l('O01', 'organiser'),
      ]).map((x) => x.code),
    ).toEqual(['O01', 'H01', 'J02', 'J10']);
  });

  it('reads a festival file: title, and each competition placed with its field', () => {
    const text = readFileSync(
      new URL('../fixtures/festival-2025/festival.json', import.meta.url),
      'utf8',
    );
    const f = readCompetitionFile(text);
    expect(f.ok && f.kind).toBe('festival');
    if (!f.ok || f.kind !== 'festival') return;
    expect(f.slug).toBe('city-festival-2025');
    expect(f.title?.zh).toBe('2025 高新区新就业形态劳动者技能节');
    expect(f.date).toBe('2025-11-15');
    expect(
      f.competitions.map((c) => [c.slug, fileCompetitionLabel(c, 'zh'), c.contestants]),
    ).toEqual([
      ['rider-youth-2025', '网约送餐员 · 青年组 · 决赛', 20],
      ['rider-senior-2025', '网约送餐员 · 中年组 · 决赛', 15],
      ['courier-prelim-2025', '快递员 · 不分组 · 初赛', 2000],
      ['courier-final-2025', '快递员 · 不分组 · 决赛', 0],
    ]);
    expect(fileCompetitionLabel(f.competitions[2]!, 'en')).toBe('Courier · Open · Preliminary');
    expect(f.competitions[3]!.roundOrder).toBe(2);
    expect(f.json).toEqual(JSON.parse(text));
  });

  it('places a festival competition that names no event, group or round as the server does', () => {
    const f = readCompetitionFile(
      JSON.stringify({
        festival: { slug: 'Bad Slug', title: { zh: '节', en: 'Fest' } },
        competitions: [
          {
            competition: { slug: 'solo-2025', title: { zh: '单项赛', en: 'Solo' } },
            officials: [{}],
          },
          'junk',
        ],
      }),
    );
    if (!f.ok || f.kind !== 'festival') throw new Error('not read as a festival');
    expect(f.slug).toBeNull();
    expect(fileCompetitionLabel(f.competitions[0]!, 'zh')).toBe('单项赛 · 不分组 · 决赛');
    expect(fileCompetitionLabel(f.competitions[0]!, 'en')).toBe('Solo · Open · Final');
    expect(f.competitions[0]).toMatchObject({ slug: 'solo-2025', contestants: 0, officials: 1 });
    // A malformed entry is still counted: the server names its fault.
    expect(f.competitions[1]).toMatchObject({ slug: null, contestants: 0, roundOrder: 1 });
  });

  it('joins the server’s answer with the file and enters at the first organiser', () => {
    const f = readCompetitionFile(
      JSON.stringify({
        festival: { slug: 'fest', title: { zh: '节', en: 'Fest' } },
        competitions: [
          {
            competition: { slug: 'a-prelim' },
            event: { id: 'a', label: { zh: '甲', en: 'A' } },
            round: { id: 'p', label: { zh: '初赛', en: 'Prelim' }, order: 1 },
          },
          { competition: { slug: 'b-final' }, event: { id: 'b', label: { zh: '乙', en: 'B' } } },
        ],
      }),
    );
    if (!f.ok || f.kind !== 'festival') throw new Error('not read as a festival');
    const created = createdFestival(
      {
        slug: 'fest',
        competitions: [
          { slug: 'a-prelim', logins: [login('H01', 'head-judge')] },
          {
            slug: 'b-final',
            logins: [login('J01', 'judge'), login('O01', 'organiser', 'tok-b')],
          },
        ],
      },
      f,
    );
    expect(created.title).toEqual({ zh: '节', en: 'Fest' });
    expect(
      created.competitions.map((c) => c.placed && fileCompetitionLabel(c.placed, 'zh')),
    ).toEqual(['甲 · 不分组 · 初赛', '乙 · 不分组 · 决赛']);
    expect(created.competitions[1]!.logins.map((l) => l.code)).toEqual(['O01', 'J01']);
    // The first competition has no organiser: the console enters at the second.
    const entry = festivalEntry(created);
    expect(entry?.competition.slug).toBe('b-final');
    expect(entry?.organiser.token).toBe('tok-b');
    expect(festivalEntry({ ...created, competitions: [created.competitions[0]!] })).toBeNull();
  });
});

describe('the scheme a picked file declares (issue 19: versions 1 and 2)', () => {
  it('reads the version and the totals rule, with version 2 defaults filled in', () => {
    const { zh, en } = DICTS;
    const gaoxin = readCompetitionFile(
      readFileSync(new URL('../fixtures/gaoxin-2024/fixture.json', import.meta.url), 'utf8'),
    );
    expect(gaoxin.ok && gaoxin.kind === 'competition' && gaoxin.scheme).toEqual({
      version: 1,
      basis: 'weighted',
      stage: 'station',
      mode: 'half-up',
    });
    const lifts = schemeTotals({
      schemaVersion: 2,
      basis: 'points',
      rounding: { stage: 'total', mode: 'truncate' },
    })!;
    expect(lifts).toEqual({ version: 2, basis: 'points', stage: 'total', mode: 'truncate' });
    expect(zh.imports.schemeSays(lifts)).toBe(
      '评分标准第 2 版 · 总分 = 各模块得分相加 · 只在总分截断',
    );
    expect(en.imports.schemeSays(lifts)).toBe(
      'Scheme version 2 · total = sum of module points · truncated on the total only',
    );
    expect(schemeTotals({ schemaVersion: 3 })).toBeNull();
  });
});
