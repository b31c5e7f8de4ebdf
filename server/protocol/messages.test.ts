import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, type ErrorOf } from './errors.ts';
import { describeError, errorText, MESSAGES } from './messages.ts';

const station = { zh: '单边桥', en: 'Narrow plank' };
const criterion = { zh: '技术分', en: 'Technique' };

/** One refusal of every code, with parameters that exercise its text. */
const SAMPLES: { [C in ErrorCode]: Extract<ErrorOf, { error: C }>['params'] } = {
  'auth/rate_limited': {},
  'auth/required': { why: 'sheet' },
  'auth/throttled': {},
  'import/not_written': {},
  'rate/limited': {},
  'server/commit_failed': { detail: 'SQLITE_FULL' },
  'server/storage_unavailable': {},
  'server/backup_elsewhere': {},
  'advance/not_ready': { why: 'advanced', round: { zh: '决赛', en: 'Final' } },
  'auth/bad_password': {},
  'auth/forbidden': { why: 'head_judge_void' },
  'auth/no_organiser': { other: true },
  'auth/unknown_code': {},
  'auth/unknown_token': {},
  'board/read_only': {},
  'competition/invalid': { issues: 'scheme: required' },
  'competition/not_found': {},
  'competition/slug_taken': { slug: 'bike-2026' },
  'contestant/not_found': { bib: '12' },
  'course/all_revealed': {},
  'course/already_locked': { station },
  'course/final': {},
  'course/flagged_lines': { station, bibs: ['3', '7'], contestants: 2 },
  'course/not_frozen': { reveal: true },
  'course/not_live': {},
  'course/not_locked': { station },
  'course/open_lines': { station, lines: 4, bibs: ['1', '2'], contestants: 12 },
  'course/stations_unlocked': { stations: [station, { zh: 'S弯', en: 'S-bend' }] },
  'course/unknown_station': { station: 'nope' },
  'draw/marks_exist': {},
  'festival/invalid': { issues: 'festival.slug: required' },
  'festival/not_found': {},
  'festival/slug_taken': { slugs: ['a', 'b'] },
  'https/off': {},
  'import/advanced_field': {},
  'import/bad_criterion': { criterion: 'theory' },
  'import/bad_type': { scores: true },
  'import/conflict': { lines: 3, previewed: true },
  'import/marks_exist': {},
  'import/partly_written': { lines: 2 },
  'import/too_large': { why: 'unpacked', mb: 40, maxMb: 20 },
  'import/unreadable': { detail: 'bad zip' },
  'mark/bad_frame': { detail: 'values: required' },
  'mark/bad_value': { criterion },
  'mark/client_id_reused': {},
  'mark/competition_closed': { state: 'final', import: true },
  'mark/contestant_inactive': { bib: '12', name: 'Zhang San', status: 'withdrawn' },
  'mark/empty': { criterion },
  'mark/missing_value': { criterion, ask: 'yes_no' },
  'mark/no_attempts': { station },
  'mark/no_recorder': { sheet: station },
  'mark/no_such_attempt': { sheet: station, allowed: 2 },
  'mark/not_a_number': { criterion, input: 'abc' },
  'mark/not_assigned': { sheet: station },
  'mark/not_current': {},
  'mark/not_recorder': { sheet: station, extra: [{ zh: '掉桥', en: 'Fell off' }] },
  'mark/off_scale': { criterion, min: '0', max: '10', value: '12' },
  'mark/off_step': { criterion, value: '8.3', step: '0.5' },
  'mark/reason_required': { bib: '12', sheet: station },
  'mark/stale': { bib: '12', sheet: station, by: 'other' },
  'mark/station_locked': { station },
  'mark/too_large': { criterion, input: '1e12' },
  'mark/too_precise': { criterion, input: '1.2345' },
  'mark/unknown_contestant': { id: 99 },
  'mark/unknown_criterion': { criterion: 'x', sheet: station },
  'mark/unknown_mark': { id: 5 },
  'mark/unknown_sheet': { station: 'nope' },
  'official/code_taken': { code: 'J7', name: 'Li Si' },
  'official/not_found': { code: 'J9' },
  'official/recorder': { detail: 'no recorder for plank' },
  'official/self': {},
  'official/unknown_sheet': { sheets: ['a', 'b'] },
  'origin/forbidden': {},
  'protocol/bad_frame': { detail: 'binary frame' },
  'request/invalid': { missing: 'void_reason' },
  'request/not_found': { route: 'GET /api/nope' },
  'rescore/not_found': {},
  'server/error': {},
  'teams/none': {},
};

const codes = Object.keys(ERRORS) as ErrorCode[];
const text = (c: ErrorCode, lang: 'zh' | 'en') => errorText(c, SAMPLES[c] as never, lang);

describe('messages', () => {
  it('has a Chinese and an English text for every code of the error table, and no other', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...codes].sort());
    for (const c of codes) {
      const zh = text(c, 'zh');
      const en = text(c, 'en');
      // A schema's issues or a parser's complaint is shown as it is: the one text not in Chinese.
      const asSent = Object.values(SAMPLES[c]).includes(zh);
      if (!asSent) expect(zh, c).toMatch(/\p{Script=Han}/u);
      expect(en, c).not.toMatch(/\p{Script=Han}/u);
      expect(`${zh} ${en}`, c).not.toMatch(/undefined|\[object/);
    }
  });

  it('fills the parameters into the text, names from the scheme in the text’s language', () => {
    expect(errorText('contestant/not_found', { bib: '12' }, 'zh')).toBe('没有 12 号选手');
    expect(errorText('contestant/not_found', { bib: '12' }, 'en')).toBe(
      'There is no contestant #12',
    );
    expect(errorText('mark/station_locked', { station }, 'zh')).toBe(
      '单边桥 已由裁判长锁定，如需更正请联系裁判长',
    );
    expect(errorText('mark/station_locked', { station }, 'en')).toBe(
      'Narrow plank is locked by the head judge; ask the head judge for a correction',
    );
    expect(errorText('mark/station_locked', { reopen: true }, 'zh')).toBe(
      '该站点已锁定，请先重新开放',
    );
    expect(errorText('course/open_lines', SAMPLES['course/open_lines'], 'zh')).toBe(
      '单边桥 还有 4 项评分未完成（1号、2号 等 12 位）；如确认锁定，请填写原因',
    );
    expect(errorText('course/open_lines', SAMPLES['course/open_lines'], 'en')).toBe(
      'Narrow plank has 4 unfinished marks (#1, #2 (12 contestants)); to lock it anyway, give a reason',
    );
    expect(errorText('import/too_large', { why: 'rows', maxRows: 5000 }, 'zh')).toBe(
      '文件行数过多（上限 5000 行）',
    );
    expect(errorText('mark/stale', { bib: '3', sheet: station }, 'en')).toBe(
      'The mark of #3 on Narrow plank was voided; mark it again',
    );
    expect(errorText('request/invalid', { issues: 'seed: too small', request: true }, 'zh')).toBe(
      '请求格式错误：seed: too small',
    );
  });

  it('words a received refusal in the page’s language, or shows the server’s message', () => {
    const body = { error: 'contestant/not_found', params: { bib: '7' }, message: '没有 7 号选手' };
    expect(describeError(body, 'en')).toBe('There is no contestant #7');
    expect(describeError({ ...body, error: undefined, code: body.error }, 'en')).toBe(
      'There is no contestant #7',
    );
    // An older server (no params), a code this page does not know, parameters that do not fit.
    expect(describeError({ error: body.error, message: body.message }, 'en')).toBe('没有 7 号选手');
    expect(describeError({ error: 'x/new', params: {}, message: 'neu' }, 'en')).toBe('neu');
    expect(describeError({ error: 'course/open_lines', params: {}, message: 'raw' }, 'en')).toBe(
      'raw',
    );
    expect(describeError({}, 'en', 'Refused')).toBe('Refused');
  });
});
