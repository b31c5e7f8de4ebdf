import { describe, expect, it } from 'vitest';
import { readCompetitionFile, sortLogins, type NewLogin } from './competition-file.ts';

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
  });

  it('drops a slug the server would refuse (the organiser types one)', () => {
    const f = readCompetitionFile('{"competition":{"slug":"Bad Slug"}}');
    expect(f.ok && f.slug).toBeNull();
  });

  it('lists new logins organiser first, then head judge, then judges by code', () => {
    const l = (code: string, role: NewLogin['role']): NewLogin => ({
      code,
      role,
      name: code,
      token: 't',
      shortCode: 's',
    });
    expect(
      sortLogins([
        l('J10', 'judge'),
        l('H01', 'head-judge'),
        l('J02', 'judge'),
        l('O01', 'organiser'),
      ]).map((x) => x.code),
    ).toEqual(['O01', 'H01', 'J02', 'J10']);
  });
});
