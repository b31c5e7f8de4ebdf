import { describe, expect, it } from 'vitest';
import type { CourseAction } from '../protocol/course.ts';
import type { Writer } from './acceptance.ts';
import {
  BIBS_NAMED,
  LIST_MAX,
  nextCourse,
  provisionalReport,
  type CourseFacts,
  type CourseState,
} from './course.ts';
import type { OpenLine } from './open-lines.ts';
import { refusalText } from '../protocol/messages.ts';
import type { StandingRow } from './standings.ts';

/** The course state machine without a server: a competition's course and the facts it reads. */
const STATIONS = [
  { id: 'theory', label: { zh: '理论考试', en: 'Theory' } },
  { id: 'riding', label: { zh: '安全骑行', en: 'Safe riding' } },
  { id: 'packaging', label: { zh: '货物打包', en: 'Packaging' } },
];
const ORGANISER: Writer = { officialId: 1, competitionId: 7, role: 'organiser', sheets: new Set() };
const HEAD: Writer = { officialId: 2, competitionId: 7, role: 'head-judge', sheets: new Set() };
const JUDGE: Writer = { officialId: 3, competitionId: 7, role: 'judge', sheets: new Set() };

const line = (bib: number, status: OpenLine['status']): OpenLine => ({
  contestantId: bib,
  bib: String(bib),
  name: `选手${bib}`,
  sheetId: 'packaging',
  sheet: STATIONS[2]!.label,
  attempt: null,
  status,
  judges: status === 'empty' ? 0 : 2,
  required: 3,
});

const row = (bib: number, o: Partial<StandingRow> = {}): StandingRow => ({
  contestantId: bib,
  bib: String(bib),
  drawOrder: bib,
  name: `选手${bib}`,
  organisation: '',
  status: 'active',
  rank: bib,
  total: '0.00',
  totalUnits: 0,
  modules: {},
  stations: { packaging: { score: '0.00', status: 'scored', locked: true } },
  keys: [],
  provisional: false,
  ...o,
});

function facts(
  o: { locked?: string[]; lines?: OpenLine[]; rows?: StandingRow[] } = {},
): CourseFacts {
  const locked = new Set(o.locked ?? []);
  return {
    id: 7,
    stations: STATIONS,
    isLocked: (id) => locked.has(id),
    openLines: () => o.lines ?? [],
    standings: () => o.rows ?? [row(1), row(2), row(3)],
  };
}
const LIVE: CourseState = { state: 'live', revealed: null, nameDisplay: 'full' };
const at = (state: CourseState['state'], revealed: number | null = null): CourseState => ({
  ...LIVE,
  state,
  revealed,
});

describe('who may move the course', () => {
  it('the head judge and the organiser lock; only the organiser runs the course; nobody of another competition', () => {
    const lock: CourseAction = { action: 'station.lock', stationId: 'theory' };
    expect(nextCourse(LIVE, lock, HEAD, facts()).ok).toBe(true);
    expect(nextCourse(LIVE, lock, JUDGE, facts())).toEqual({
      ok: false,
      code: 'auth/forbidden',
      params: {},
    });
    for (const action of [
      { action: 'competition.freeze' },
      { action: 'competition.unfreeze', reason: '继续' },
      { action: 'competition.reveal' },
      { action: 'competition.publish' },
      { action: 'competition.settings', nameDisplay: 'masked' },
    ] as CourseAction[])
      expect(nextCourse(LIVE, action, HEAD, facts())).toMatchObject({ code: 'auth/forbidden' });
    const r = nextCourse(LIVE, lock, { ...ORGANISER, competitionId: 8 }, facts());
    expect(r).toEqual({ ok: false, code: 'auth/forbidden', params: { why: 'not_staff' } });
    expect(!r.ok && refusalText(r, 'zh')).toBe('您不是本场比赛的工作人员');
  });

  it('nothing moves once final', () => {
    for (const action of [
      { action: 'station.reopen', stationId: 'theory', reason: '复核' },
      { action: 'competition.settings', nameDisplay: 'masked' },
      { action: 'competition.publish' },
    ] as CourseAction[])
      expect(nextCourse(at('final'), action, ORGANISER, facts({ locked: ['theory'] }))).toEqual({
        ok: false,
        code: 'course/final',
        params: {},
      });
  });
});

describe('locks', () => {
  it('locks an unlocked station whose lines are complete, without a reason', () => {
    expect(
      nextCourse(LIVE, { action: 'station.lock', stationId: 'riding' }, HEAD, facts()),
    ).toEqual({
      ok: true,
      state: LIVE,
      events: [{ type: 'station.locked', stationId: 'riding' }],
    });
  });

  it('refuses an unknown station, a second lock, a re-open of an open station', () => {
    expect(
      nextCourse(LIVE, { action: 'station.lock', stationId: 's-bend' }, HEAD, facts()),
    ).toEqual({ ok: false, code: 'course/unknown_station', params: { station: 's-bend' } });
    expect(
      nextCourse(
        LIVE,
        { action: 'station.lock', stationId: 'riding' },
        HEAD,
        facts({ locked: ['riding'] }),
      ),
    ).toEqual({
      ok: false,
      code: 'course/already_locked',
      params: { station: STATIONS[1]!.label },
    });
    expect(
      nextCourse(
        LIVE,
        { action: 'station.reopen', stationId: 'riding', reason: '复核' },
        HEAD,
        facts(),
      ),
    ).toEqual({ ok: false, code: 'course/not_locked', params: { station: STATIONS[1]!.label } });
  });

  it('re-opens a locked station', () => {
    expect(
      nextCourse(
        at('frozen'),
        { action: 'station.reopen', stationId: 'riding', reason: '复核' },
        HEAD,
        facts({ locked: ['riding'] }),
      ),
    ).toEqual({
      ok: true,
      state: at('frozen'),
      events: [{ type: 'station.reopened', stationId: 'riding' }],
    });
  });

  it('locks with open lines only with a reason, and keeps what was open for the audit', () => {
    const lines = [line(1, 'empty'), line(1, 'partial'), line(2, 'partial')];
    const lock = { action: 'station.lock', stationId: 'packaging' } as const;
    const refused = nextCourse(LIVE, lock, HEAD, facts({ lines }));
    expect(refused).toEqual({
      ok: false,
      code: 'course/open_lines',
      params: { station: STATIONS[2]!.label, lines: 3, bibs: ['1', '2'], contestants: 2 },
      detail: { stationId: 'packaging', reasonRequired: true, count: 3, contestants: 2, lines },
    });
    expect(!refused.ok && refusalText(refused, 'zh')).toBe(
      '货物打包 还有 3 项评分未完成（1号、2号）；如确认锁定，请填写原因',
    );
    expect(nextCourse(LIVE, { ...lock, reason: '选手缺考' }, HEAD, facts({ lines }))).toEqual({
      ok: true,
      state: LIVE,
      events: [
        {
          type: 'station.locked',
          stationId: 'packaging',
          openLines: { count: 3, bibs: ['1', '2'] },
        },
      ],
    });
  });

  it('never locks while a line is flagged, even with a reason; names the first bibs and counts them all', () => {
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => line(i + 1, 'flagged')),
      line(20, 'empty'),
    ];
    const r = nextCourse(
      LIVE,
      { action: 'station.lock', stationId: 'packaging', reason: '确认' },
      HEAD,
      facts({ lines }),
    );
    expect(r).toMatchObject({
      ok: false,
      code: 'course/flagged_lines',
      params: { station: STATIONS[2]!.label, contestants: 12 },
      detail: { reasonRequired: false, count: 13, contestants: 13 },
    });
    expect(!r.ok && r.code === 'course/flagged_lines' && r.params.bibs).toHaveLength(BIBS_NAMED);
    expect(!r.ok && refusalText(r, 'zh')).toBe(
      '货物打包 仍有评分分歧待处理：1号、2号、3号、4号、5号、6号、7号、8号、9号、10号 等 12 位',
    );
  });

  it('lists at most LIST_MAX open lines, and says how many in all', () => {
    const lines = Array.from({ length: LIST_MAX + 5 }, (_, i) => line(i + 1, 'empty'));
    const r = nextCourse(
      LIVE,
      { action: 'station.lock', stationId: 'packaging' },
      HEAD,
      facts({ lines }),
    );
    expect(r).toMatchObject({ code: 'course/open_lines', detail: { count: LIST_MAX + 5 } });
    expect(!r.ok && 'detail' in r && r.detail.lines).toHaveLength(LIST_MAX);
  });
});

describe('freeze, reveal, publish', () => {
  it('freezes only while live; unfreezes only while frozen', () => {
    expect(nextCourse(LIVE, { action: 'competition.freeze' }, ORGANISER, facts())).toEqual({
      ok: true,
      state: at('frozen'),
      events: [{ type: 'competition.frozen' }],
    });
    for (const state of ['draft', 'frozen'] as const)
      expect(nextCourse(at(state), { action: 'competition.freeze' }, ORGANISER, facts())).toEqual({
        ok: false,
        code: 'course/not_live',
        params: {},
      });
    const unfreeze = { action: 'competition.unfreeze', reason: '误操作' } as const;
    expect(nextCourse(LIVE, unfreeze, ORGANISER, facts())).toEqual({
      ok: false,
      code: 'course/not_frozen',
      params: {},
    });
    // Unfreezing in the middle of the reveal starts over: live, nothing revealed.
    expect(nextCourse(at('frozen', 2), unfreeze, ORGANISER, facts())).toEqual({
      ok: true,
      state: LIVE,
      events: [{ type: 'competition.unfrozen' }],
    });
  });

  it('reveals one row at a time while frozen, until every row is revealed', () => {
    const reveal = { action: 'competition.reveal' } as const;
    const r = nextCourse(LIVE, reveal, ORGANISER, facts());
    expect(r).toEqual({ ok: false, code: 'course/not_frozen', params: { reveal: true } });
    expect(!r.ok && refusalText(r, 'zh')).toBe('请先封榜，再开始颁奖揭晓');
    let course = at('frozen');
    for (const n of [1, 2, 3]) {
      const step = nextCourse(course, reveal, ORGANISER, facts());
      expect(step).toEqual({
        ok: true,
        state: at('frozen', n),
        events: [{ type: 'competition.revealed', revealed: n }],
      });
      if (step.ok) course = step.state;
    }
    expect(nextCourse(course, reveal, ORGANISER, facts())).toEqual({
      ok: false,
      code: 'course/all_revealed',
      params: {},
    });
  });

  it('publishes only when every station is locked, naming the open ones in scheme order', () => {
    const publish = { action: 'competition.publish' } as const;
    const r = nextCourse(LIVE, publish, ORGANISER, facts({ locked: ['riding'] }));
    expect(r).toEqual({
      ok: false,
      code: 'course/stations_unlocked',
      params: { stations: [STATIONS[0]!.label, STATIONS[2]!.label] },
    });
    expect(!r.ok && refusalText(r, 'zh')).toBe('以下站点尚未锁定（签核）：理论考试、货物打包');
    const all = ['theory', 'riding', 'packaging'];
    expect(nextCourse(at('frozen', 2), publish, ORGANISER, facts({ locked: all }))).toEqual({
      ok: true,
      state: at('final'),
      events: [
        { type: 'competition.published', report: { provisional: 0, reasons: [] }, bibs: [] },
      ],
    });
  });

  it('publishing reports the rows that stay provisional and why', () => {
    const rows = [
      row(1),
      row(2, {
        provisional: true,
        stations: {
          packaging: { score: '5.00', status: 'partial', locked: true },
          riding: { score: '30.00', status: 'scored', locked: true },
        },
      }),
      // Withdrawn contestants are not reported.
      row(3, { status: 'withdrawn', provisional: true }),
    ];
    const r = nextCourse(
      LIVE,
      { action: 'competition.publish' },
      ORGANISER,
      facts({ locked: ['theory', 'riding', 'packaging'], rows }),
    );
    expect(r.ok && r.events).toEqual([
      {
        type: 'competition.published',
        report: {
          provisional: 1,
          reasons: [{ bib: '2', name: '选手2', stationId: 'packaging', status: 'partial' }],
        },
        bibs: ['2'],
      },
    ]);
    expect(provisionalReport(rows)).toMatchObject({ provisional: 1, bibs: ['2'] });
  });

  it('changes the name display any time before final', () => {
    for (const state of ['draft', 'live', 'frozen'] as const)
      expect(
        nextCourse(
          at(state),
          { action: 'competition.settings', nameDisplay: 'masked' },
          ORGANISER,
          facts(),
        ),
      ).toEqual({
        ok: true,
        state: { ...at(state), nameDisplay: 'masked' },
        events: [{ type: 'competition.settings', nameDisplay: 'masked' }],
      });
  });
});
