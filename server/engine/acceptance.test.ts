import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogWrite, MarkSubmit } from '../protocol/judge.ts';
import { MarkingScheme } from '../protocol/scheme.ts';
import {
  acceptImport,
  acceptRescore,
  acceptWrite,
  checkResend,
  lineKeyOf,
  type AcceptedWrite,
  type CompetitionState,
  type LineHead,
  type WriteView,
  type Writer,
} from './acceptance.ts';
import {
  applyEntry,
  currentOf,
  emptyBook,
  isCurrent,
  MARK_RULES,
  ownerOf,
  rerunsOf,
  type LogEntry,
} from './log.ts';
import { refusalText } from '../protocol/messages.ts';
import { indexScheme, type Sheet } from './scheme-index.ts';
import type { ContestantInfo } from './standings.ts';

/**
 * The write rules without a server: a competition held in memory by the engine's own fold
 * (engine/log.ts), so a line's head, a void's target and the attempts granted are what the
 * live server would read. The scheme is fixtures/legacy-v1's: s-bend, bridge … one-judge
 * sheets; communication a 3-judge panel of judgements (here run in two attempts); emergency a
 * 3-judge panel with a judgement and a measured fault count.
 */
const raw = (
  JSON.parse(
    readFileSync(new URL('../../fixtures/legacy-v1/export.json', import.meta.url), 'utf8'),
  ) as { scheme: MarkingScheme }
).scheme;
raw.modules[1]!.stations.find((s) => s.id === 'communication')!.attempts = {
  count: 2,
  rule: 'best',
};
const index = indexScheme(MarkingScheme.parse(raw));

const person = (id: number, status: ContestantInfo['status'] = 'active') => ({
  id,
  bib: String(id),
  name: ['', '宋梦琪', '马永康', '曾家乐', '王小二'][id]!,
  status,
});

/** A competition in memory: what the live server keeps, folded by the engine. */
class Competition implements WriteView {
  readonly id = 1;
  state: CompetitionState = 'live';
  readonly index = index;
  readonly contestants = new Map([
    [1, person(1)],
    [2, person(2)],
    [3, person(3, 'withdrawn')],
    [4, person(4, 'disqualified')],
  ]);
  readonly book = emptyBook();
  readonly locked = new Set<string>();
  readonly recorders = new Map<string, number>();
  #seq = 0;
  isLocked(stationId: string) {
    return this.locked.has(stationId);
  }
  allowedAttempts(contestantId: number, stationId: string) {
    const count = index.stations.get(stationId)?.station.attempts?.count ?? 1;
    return count + (rerunsOf(this.book, contestantId).get(stationId)?.length ?? 0);
  }
  recorderOf(stationId: string) {
    return this.recorders.get(stationId);
  }
  lineHead(contestantId: number, sheet: Sheet, attempt: number, officialId: number) {
    const h = currentOf(this.book, contestantId, sheet.id, attempt, ownerOf(sheet, officialId));
    return h && { markId: h.seq, officialId: h.judgeId, values: h.values };
  }
  markInfo(markId: number) {
    const at = this.book.bySeq.get(markId);
    if (!at) return undefined;
    return {
      contestantId: at.contestantId,
      sheetId: at.sheetId,
      attempt: Number(at.line.split(':')[0]),
    };
  }
  isCurrent(markId: number) {
    return isCurrent(this.book, markId);
  }
  /** Commits an accepted entry as the writer would; returns its mark id (seq). */
  commit(e: AcceptedWrite, author: number): number {
    const seq = ++this.#seq;
    const entry: LogEntry =
      e.kind === 'mark'
        ? {
            kind: 'mark',
            seq,
            contestantId: e.contestantId,
            sheetId: e.sheetId,
            judgeId: author,
            attempt: e.attempt,
            values: e.values,
            rules: MARK_RULES,
            owner: e.ownerId,
            measures: e.measures,
          }
        : e.kind === 'void'
          ? { kind: 'void', seq, markSeq: e.targetMarkId }
          : {
              kind: 'rerun',
              seq,
              contestantId: e.contestantId,
              stationId: e.stationId,
              attempt: e.attempt,
            };
    applyEntry(this.book, entry);
    return seq;
  }
}

const judge = (officialId: number, sheets: string[]): Writer => ({
  officialId,
  competitionId: 1,
  role: 'judge',
  sheets: new Set(sheets),
});
const J2 = judge(2, ['s-bend']);
const J2b = judge(12, ['s-bend']); // a second official on the same one-judge sheet
const J8 = judge(8, ['emergency', 'communication']);
const J9 = judge(9, ['emergency', 'communication']);
const HEAD: Writer = { officialId: 20, competitionId: 1, role: 'head-judge', sheets: new Set() };

let n = 0;
const submit = (o: Partial<MarkSubmit> = {}): MarkSubmit => ({
  type: 'mark.submit',
  clientId: `client-${++n}-abcdefgh`,
  contestantId: 1,
  sheetId: 's-bend',
  values: { 's-bend-faults': { 'cone-touched': 1 } },
  attempt: 1,
  ...o,
});
const voidOf = (markId: number): LogWrite => ({
  type: 'mark.void',
  clientId: `void-${++n}-abcdefgh`,
  markId,
  reason: '误录',
});
const rerun = (
  o: { contestantId?: number; stationId?: string; attempt?: number } = {},
): LogWrite => ({
  type: 'attempt.rerun',
  clientId: `rerun-${++n}-abcdefgh`,
  contestantId: 1,
  stationId: 'communication',
  attempt: 1,
  reason: '他人干扰',
  ...o,
});

/** Accepts and commits, failing the test on a refusal. */
function accepted(
  c: Competition,
  w: Writer,
  write: LogWrite,
): { entry: AcceptedWrite; id: number } {
  const d = acceptWrite(c, w, write);
  if (!d.ok) throw new Error(`refused: ${d.code}`);
  return { entry: d.entry, id: c.commit(d.entry, w.officialId) };
}

describe('a mark', () => {
  it('is accepted on an assigned sheet: its line, what it measures, its parsed values', () => {
    const c = new Competition();
    expect(acceptWrite(c, J2, submit())).toEqual({
      ok: true,
      entry: {
        kind: 'mark',
        contestantId: 1,
        sheetId: 's-bend',
        attempt: 1,
        values: { 's-bend-faults': { 'cone-touched': 1 } },
        ownerId: null,
        measures: true,
        supersedesId: null,
        reason: null,
      },
    });
  });

  it('is refused from an official of another competition, and while draft or final — not frozen', () => {
    const c = new Competition();
    expect(acceptWrite(c, { ...J2, competitionId: 2 }, submit())).toEqual({
      ok: false,
      code: 'mark/not_assigned',
      params: {},
    });
    for (const state of ['draft', 'final'] as const) {
      c.state = state;
      expect(acceptWrite(c, J2, submit())).toEqual({
        ok: false,
        code: 'mark/competition_closed',
        params: { state },
      });
    }
    c.state = 'frozen'; // marking goes on behind the frozen board
    expect(acceptWrite(c, J2, submit()).ok).toBe(true);
  });

  it('is refused for an unknown, withdrawn or disqualified contestant', () => {
    const c = new Competition();
    expect(acceptWrite(c, J2, submit({ contestantId: 99 }))).toMatchObject({
      code: 'mark/unknown_contestant',
      params: { id: 99 },
    });
    expect(acceptWrite(c, J2, submit({ contestantId: 3 }))).toMatchObject({
      code: 'mark/contestant_inactive',
      params: { bib: '3', name: '曾家乐', status: 'withdrawn' },
    });
    expect(acceptWrite(c, J2, submit({ contestantId: 4 }))).toMatchObject({
      code: 'mark/contestant_inactive',
      params: { status: 'disqualified' },
    });
  });

  it('is refused on a sheet the scheme lacks, or one not assigned to the judge', () => {
    const c = new Competition();
    expect(acceptWrite(c, J2, submit({ sheetId: 'nowhere' }))).toMatchObject({
      code: 'mark/unknown_sheet',
      params: { sheet: 'nowhere' },
    });
    expect(
      acceptWrite(c, J2, submit({ sheetId: 'bridge', values: { 'bridge-fell': false } })),
    ).toMatchObject({ code: 'mark/not_assigned', params: { sheet: { zh: '单边桥' } } });
  });

  it('is refused on a locked station, naming the sheet, for the judge to ask the head judge', () => {
    const c = new Competition();
    c.locked.add('riding'); // s-bend is a sub-station of safe riding: locks are per station
    const r = acceptWrite(c, J2, submit());
    expect(r).toMatchObject({ code: 'mark/station_locked', params: { station: { zh: 'S弯道' } } });
    expect(!r.ok && refusalText(r, 'zh')).toBe('S弯道 已由裁判长锁定，如需更正请联系裁判长');
  });

  it('is refused past the attempts a station has, and accepted on a re-run the head judge granted', () => {
    const c = new Competition();
    const on = (attempt: number) =>
      submit({ sheetId: 'communication', attempt, values: { 'communication-quality': 2 } });
    expect(acceptWrite(c, J8, on(2)).ok).toBe(true);
    expect(acceptWrite(c, J8, on(3))).toMatchObject({
      code: 'mark/no_such_attempt',
      params: { sheet: { zh: '客户沟通' }, allowed: 2 },
    });
    accepted(c, HEAD, rerun({ attempt: 2 }));
    expect(acceptWrite(c, J8, on(3)).ok).toBe(true);
    // A station without attempts has one.
    expect(acceptWrite(c, J2, submit({ attempt: 2 }))).toMatchObject({
      code: 'mark/no_such_attempt',
      params: { allowed: 1 },
    });
  });

  it('on a panel with measurements: only the recorder measures, others give judgements, none without a recorder', () => {
    const c = new Competition();
    const both = submit({
      sheetId: 'emergency',
      values: { 'emergency-handling': 2, 'emergency-steps': { 'missed-step': 1 } },
    });
    expect(acceptWrite(c, J8, both)).toEqual({
      ok: false,
      code: 'mark/no_recorder',
      params: { sheet: index.sheets.get('emergency')!.label },
    });
    c.recorders.set('emergency', 8);
    expect(acceptWrite(c, J8, both)).toMatchObject({
      ok: true,
      entry: { ownerId: 8, measures: true },
    });
    const r = acceptWrite(c, J9, both);
    expect(r).toMatchObject({
      code: 'mark/not_recorder',
      params: {
        sheet: { zh: '应急处理' },
        extra: [index.sheets.get('emergency')!.criteria[1]!.label],
      },
    });
    const own = acceptWrite(
      c,
      J9,
      submit({ sheetId: 'emergency', values: { 'emergency-handling': 2 } }),
    );
    expect(own).toMatchObject({ ok: true, entry: { ownerId: 9, measures: false } });
    expect(own.ok && own.entry.kind === 'mark' && own.entry.values).toEqual({
      'emergency-handling': 2000,
    });
  });

  it('is refused with the value rules (engine/values.ts): the code and what its text needs', () => {
    const c = new Competition();
    const theory = judge(1, ['theory-exam']);
    const on = (v: unknown) =>
      acceptWrite(
        c,
        theory,
        submit({ sheetId: 'theory-exam', values: { 'theory-score': v as string } }),
      );
    const label = index.sheets.get('theory-exam')!.criteria[0]!.label;
    expect(on('85.25')).toEqual({
      ok: false,
      code: 'mark/off_step',
      params: { criterion: label, value: '85.25', step: '0.5' },
    });
    expect(on('101')).toMatchObject({
      code: 'mark/off_scale',
      params: { criterion: label, value: '101', min: '0', max: '100' },
    });
    expect(on('八十')).toMatchObject({ code: 'mark/not_a_number', params: { input: '八十' } });
    expect(on('1.2345')).toMatchObject({ code: 'mark/too_precise', params: { input: '1.2345' } });
    expect(on('')).toMatchObject({ code: 'mark/empty', params: { criterion: label } });
    expect(on(undefined)).toMatchObject({
      code: 'mark/missing_value',
      params: { criterion: label, ask: 'score' },
    });
    const r = acceptWrite(c, theory, submit({ sheetId: 'theory-exam', values: { stray: 1 } }));
    expect(r).toMatchObject({ code: 'mark/unknown_criterion', params: { criterion: 'stray' } });
    // The Chinese text is the one the server sends: the same words as before codes.
    expect(!r.ok && refusalText(r, 'zh')).toBe('评分项 “stray” 不属于 理论考试');
    const faults = acceptWrite(
      c,
      J2,
      submit({ values: { 's-bend-faults': { 'cone-touched': 100 } } }),
    );
    expect(faults).toMatchObject({ code: 'mark/off_scale', params: { unit: 'count', max: '99' } });
  });

  it('corrects its own line only with a reason, superseding the current mark', () => {
    const c = new Competition();
    const first = accepted(c, J2, submit());
    expect(acceptWrite(c, J2, submit())).toEqual({
      ok: false,
      code: 'mark/reason_required',
      params: { bib: '1', sheet: index.sheets.get('s-bend')!.label },
    });
    expect(acceptWrite(c, J2, submit({ reason: '看错了' }))).toMatchObject({
      ok: true,
      entry: { supersedesId: first.id, reason: '看错了' },
    });
  });

  it('is stale when the line moved on since the tablet saw it, or another official wrote it', () => {
    const c = new Competition();
    const first = accepted(c, J2, submit());
    // Without `seen`: another official's mark on a one-judge line is never overwritten blindly.
    expect(acceptWrite(c, J2b, submit({ reason: '复核' }))).toEqual({
      ok: false,
      code: 'mark/stale',
      params: { bib: '1', sheet: index.sheets.get('s-bend')!.label, by: 'other' },
      current: { markId: first.id, values: { 's-bend-faults': { 'cone-touched': 1 } } },
    });
    // Naming what it saw, it goes through (a correction: with a reason).
    expect(acceptWrite(c, J2b, submit({ seen: first.id, reason: '复核' })).ok).toBe(true);
    // A tablet that saw nothing, or an older mark, is stale; `by` says who wrote the newer one.
    expect(acceptWrite(c, J2, submit({ seen: null }))).toMatchObject({
      code: 'mark/stale',
      params: { by: 'you' },
    });
    const second = accepted(c, J2b, submit({ seen: first.id, reason: '复核' }));
    expect(acceptWrite(c, J2, submit({ seen: first.id, reason: 'x' }))).toMatchObject({
      code: 'mark/stale',
      params: { by: 'other' },
      current: { markId: second.id },
    });
    // Voided back to the first mark, and then to nothing: a tablet that saw the voided one is told.
    accepted(c, HEAD, voidOf(second.id));
    accepted(c, HEAD, voidOf(first.id));
    const voided = acceptWrite(c, J2, submit({ seen: first.id }));
    expect(voided).toEqual({
      ok: false,
      code: 'mark/stale',
      params: { bib: '1', sheet: index.sheets.get('s-bend')!.label },
      current: null,
    });
    expect(!voided.ok && refusalText(voided, 'zh')).toBe('1号 的 S弯道 的评分已被撤销，请重新评分');
  });

  it('sees the lines written earlier in the same commit batch (`ahead`)', () => {
    const c = new Competition();
    const ahead = new Map<string, LineHead>([
      [lineKeyOf(1, 's-bend', 1, null), { markId: 41, officialId: 2, values: {} }],
    ]);
    expect(acceptWrite(c, J2, submit(), ahead)).toMatchObject({ code: 'mark/reason_required' });
    expect(acceptWrite(c, J2, submit({ reason: '补录' }), ahead)).toMatchObject({
      entry: { supersedesId: 41 },
    });
    // Another contestant's line is not touched by it.
    expect(acceptWrite(c, J2, submit({ contestantId: 2 }), ahead).ok).toBe(true);
  });
});

describe("the head judge's void", () => {
  it('voids a current mark with its reason; only the head judge may', () => {
    const c = new Competition();
    const m = accepted(c, J2, submit());
    expect(acceptWrite(c, J2, voidOf(m.id))).toEqual({
      ok: false,
      code: 'auth/forbidden',
      params: { why: 'head_judge_void' },
    });
    expect(acceptWrite(c, HEAD, voidOf(m.id))).toEqual({
      ok: true,
      entry: {
        kind: 'void',
        contestantId: 1,
        sheetId: 's-bend',
        attempt: 1,
        targetMarkId: m.id,
        reason: '误录',
      },
    });
  });

  it('is refused for an unknown mark, a mark no longer current, and on a locked station', () => {
    const c = new Competition();
    expect(acceptWrite(c, HEAD, voidOf(77))).toMatchObject({
      code: 'mark/unknown_mark',
      params: { id: 77 },
    });
    const first = accepted(c, J2, submit());
    accepted(c, J2, submit({ reason: '更正' }));
    expect(acceptWrite(c, HEAD, voidOf(first.id))).toEqual({
      ok: false,
      code: 'mark/not_current',
      params: {},
    });
    c.locked.add('riding');
    const r = acceptWrite(c, HEAD, voidOf(first.id + 1));
    expect(r).toEqual({ ok: false, code: 'mark/station_locked', params: { reopen: true } });
    expect(!r.ok && refusalText(r, 'zh')).toBe('该站点已锁定，请先重新开放');
  });
});

describe("the head judge's re-run", () => {
  it('grants another attempt on a station run in attempts; only the head judge may', () => {
    const c = new Competition();
    expect(acceptWrite(c, J8, rerun())).toMatchObject({
      code: 'auth/forbidden',
      params: { why: 'head_judge_rerun' },
    });
    expect(acceptWrite(c, HEAD, rerun({ attempt: 2 }))).toEqual({
      ok: true,
      entry: {
        kind: 'rerun',
        contestantId: 1,
        stationId: 'communication',
        attempt: 2,
        reason: '他人干扰',
      },
    });
  });

  it('is refused for an unknown contestant or station, a station without attempts, an attempt it lacks, a lock', () => {
    const c = new Competition();
    expect(acceptWrite(c, HEAD, rerun({ contestantId: 99 }))).toMatchObject({
      code: 'mark/unknown_contestant',
      params: { id: 99 },
    });
    expect(acceptWrite(c, HEAD, rerun({ stationId: 'nowhere' }))).toMatchObject({
      code: 'mark/unknown_sheet',
      params: { station: 'nowhere' },
    });
    expect(acceptWrite(c, HEAD, rerun({ stationId: 'riding' }))).toMatchObject({
      code: 'mark/no_attempts',
      params: { station: { zh: '安全骑行' } },
    });
    expect(acceptWrite(c, HEAD, rerun({ attempt: 3 }))).toMatchObject({
      code: 'mark/no_such_attempt',
      params: { station: { zh: '客户沟通' }, attempt: 3 },
    });
    c.locked.add('communication');
    expect(acceptWrite(c, HEAD, rerun())).toMatchObject({
      code: 'mark/station_locked',
      params: { reopen: true },
    });
  });
});

describe('a resend', () => {
  it("is the same author's write in the same competition; a client id reused by anyone else is refused", () => {
    const earlier = { officialId: 2, competitionId: 1 };
    expect(checkResend(earlier, J2, 1)).toEqual({ ok: true });
    expect(checkResend(earlier, J2b, 1)).toEqual({
      ok: false,
      code: 'mark/client_id_reused',
      params: {},
    });
    expect(checkResend(earlier, J2, 2)).toMatchObject({ code: 'mark/client_id_reused' });
  });
});

describe("the head judge's request to score again", () => {
  it('names a contestant and a sheet of the competition, on a station not locked', () => {
    const c = new Competition();
    expect(acceptRescore(c, 1, 'emergency')).toMatchObject({
      ok: true,
      contestant: { bib: '1' },
      sheet: { id: 'emergency' },
    });
    expect(acceptRescore(c, 99, 'emergency')).toEqual({
      ok: false,
      code: 'rescore/not_found',
      params: {},
    });
    expect(acceptRescore(c, 1, 'nowhere')).toMatchObject({ code: 'rescore/not_found' });
    c.locked.add('riding');
    const r = acceptRescore(c, 1, 'bridge');
    expect(r).toEqual({
      ok: false,
      code: 'mark/station_locked',
      params: { station: index.sheets.get('bridge')!.label, reopen: true },
    });
    expect(!r.ok && refusalText(r, 'zh')).toBe('单边桥 已锁定，请先重新开放');
  });
});

describe('a score file import', () => {
  it('goes ahead for the competition’s own staff while it takes marks: live or frozen', () => {
    expect(acceptImport({ id: 1, state: 'live' }, { competitionId: 1 })).toBeNull();
    expect(acceptImport({ id: 1, state: 'frozen' }, { competitionId: 1 })).toBeNull();
  });

  it('is refused before the contest starts and once results are final, naming the import', () => {
    for (const state of ['draft', 'final'] as const)
      expect(acceptImport({ id: 1, state }, { competitionId: 1 })).toEqual({
        ok: false,
        code: 'mark/competition_closed',
        params: { state, import: true },
      });
  });

  it('is refused to an official of another competition, whatever its state', () => {
    expect(acceptImport({ id: 1, state: 'live' }, { competitionId: 2 })).toEqual({
      ok: false,
      code: 'auth/forbidden',
      params: { why: 'not_staff' },
    });
  });
});
