import fc from 'fast-check';
import type { MarkAck, StandingsResponse } from '#protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { listContestants } from '../../../db/repositories/competitions.ts';
import { listMarks } from '../../../db/repositories/marks.ts';
import {
  connectJudge,
  countRows,
  startTestServer,
  submitMark,
  tokenOf,
} from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;

const url = () => `${server.url}/api/competitions/gaoxin-2024/imports/theory-score`;
const organiser = () => tokenOf(server.fixture, 'O01');
const post = (body: string, token: string | null = organiser(), query = '') =>
  fetch(url() + query, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
/** The real import as the console sends it: the file and what its dry run showed. */
const confirm = (body: ImportRequest, token = organiser()) =>
  fetch(url(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

interface ImportRequest {
  csv: string;
  seen?: Record<string, number | null>;
  overwrite?: Record<string, string>;
  keep?: string[];
}
interface Line {
  line: number;
  bib: string;
  name: string;
  value: string;
  change: 'new' | 'changed' | 'unchanged' | 'kept';
  supersedes: number | null;
  current: { markId: number; value: string; by: { code: string; name: string }; at: string } | null;
  markId?: number;
}
interface Conflict {
  line: number;
  bib: string;
  name: string;
  value: string;
  seen: number | null;
  current: { markId: number; value: string; by: { code: string; name: string }; at: string } | null;
}
interface Answer {
  dryRun: boolean;
  rows: number;
  imported: number;
  unchanged: number;
  kept: number;
  lines: Line[];
  errors: { line: number; message: string }[];
  conflicts: Conflict[];
}

const dryRun = async (csv: string) => {
  const r = await post(csv, organiser(), '?dryRun=1');
  return { status: r.status, body: (await r.json()) as Answer };
};
/** What the dry run handed back, as the import's `seen`. */
const seenOf = (a: Answer) => Object.fromEntries(a.lines.map((l) => [l.bib, l.supersedes]));
const theoryOf = async (bib: string) => {
  const s = (await (
    await fetch(`${server.url}/api/competitions/gaoxin-2024/standings`)
  ).json()) as StandingsResponse;
  return s.rows.find((r) => r.bib === bib)!.modules.theory;
};
const markCount = () => countRows(server.app, 'marks');
const log = async () => listMarks(server.app.store, server.app.live.get('gaoxin-2024')!.id);
/**
 * Current theory marks by bib, in milli-points, read from the stored log: the latest mark of
 * each line that no void names.
 */
const stored = async () => {
  const marks = await log();
  const voided = new Set(marks.flatMap((m) => (m.kind === 'void' ? [m.targetMarkId] : [])));
  const bibOf = new Map(
    (await listContestants(server.app.store, marks[0]?.competitionId ?? 0)).map((c) => [
      c.id,
      c.bib,
    ]),
  );
  const latest = new Map<string, number>();
  for (const m of marks)
    if (m.kind === 'mark' && m.sheetId === 'theory-exam' && !voided.has(m.id))
      latest.set(
        bibOf.get(m.contestantId)!,
        (JSON.parse(m.valuesJson) as Record<string, number>)['theory-score']!,
      );
  return latest;
};

describe('theory exam import (CSV of bib, score)', () => {
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses the public and judges, accepts the organiser', async () => {
    expect((await post('1,80', null)).status).toBe(401);
    expect((await post('1,80', tokenOf(server.fixture, 'J02'))).status).toBe(403);
    expect((await post('1,80')).status).toBe(200);
  });

  it('imports a file with a BOM and a header, and a second import of the same file stores nothing', async () => {
    const csv = '\uFEFF号码,成绩\r\n1,85.5\r\n2,９２\r\n3,60\r\n';
    const first = (await (await post(csv)).json()) as Answer;
    expect(first).toMatchObject({ dryRun: false, rows: 3, imported: 3, unchanged: 0, errors: [] });
    expect(await theoryOf('2')).toBe('92.00');
    expect(await markCount()).toBe(3);
    const again = await (await post(csv)).json();
    expect(again).toMatchObject({ imported: 0, unchanged: 3 });
    expect(await markCount()).toBe(3);
    // A corrected score supersedes once the importer has seen what it replaces, and changing
    // it back is a new entry too.
    for (const csv2 of ['2,90', '2,92']) {
      const { body } = await dryRun(csv2);
      expect(await (await confirm({ csv: csv2, seen: seenOf(body) })).json()).toMatchObject({
        imported: 1,
      });
    }
    expect(await theoryOf('2')).toBe('92.00');
    const reasons = (await log())
      .filter((m) => m.reason !== null)
      .map((m) => ({ reason: m.reason }));
    expect(reasons).toEqual([{ reason: '重新导入' }, { reason: '重新导入' }]);
  });

  it('reports every bad row with its line and writes nothing', async () => {
    const res = await post('bib,score\n1,85.25\n999,80\n3,101\n3,70\n4,abc\n5,88');
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { line: number; message: string }[] };
    expect(body.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(body.errors[0]!.message).toContain('步长');
    expect(body.errors[1]!.message).toContain('999');
    expect(await markCount()).toBe(0);
    const dry = await (await post('1,80\n2,81', organiser(), '?dryRun=1')).json();
    expect(dry).toMatchObject({ dryRun: true, rows: 2, imported: 0 });
    expect(await markCount()).toBe(0);
  });

  it('refuses a criterion that is not imported', async () => {
    const r = await fetch(`${server.url}/api/competitions/gaoxin-2024/imports/packaging-quality`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${organiser()}` },
      body: '1,2',
    });
    expect(r.status).toBe(400);
  });
});

describe('an import stores only what the file says', () => {
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses an unquoted decimal comma (a third cell), in the dry run and the import alike', async () => {
    for (const q of ['?dryRun=1', '']) {
      const r = await post('1,95,5\n2,80', organiser(), q);
      expect(r.status).toBe(422);
      const body = (await r.json()) as Answer;
      expect(body.errors).toEqual([
        {
          line: 1,
          code: 'score/extra_cell',
          params: expect.any(Object),
          message: expect.stringContaining('多出一列'),
        },
      ]);
    }
    expect(await markCount()).toBe(0);
  });

  it('reads a quoted decimal comma, and a semicolon file’s decimal comma', async () => {
    expect((await post('1,"95,5"\n2,80')).status).toBe(200);
    expect((await post('3;60,5\n4;70')).status).toBe(200);
    expect(await stored()).toEqual(
      new Map([
        ['1', 95_500],
        ['2', 80_000],
        ['3', 60_500],
        ['4', 70_000],
      ]),
    );
  });

  it('keeps the file’s own line numbers through mixed line endings and blank lines', async () => {
    const csv = '1,80\r\n\r\n2,81\n3,"82,5"\r4,abc\n\n5,70';
    const { status, body } = await dryRun(csv);
    expect(status).toBe(422);
    expect(body.errors.map((e) => e.line)).toEqual([5]);
    expect(body.lines.map((l) => [l.line, l.bib, l.value])).toEqual([
      [1, '1', '80.00'],
      [3, '2', '81.00'],
      [4, '3', '82.50'],
      [7, '5', '70.00'],
    ]);
    const fixed = csv.replace('4,abc', '4,66');
    expect((await post(fixed)).status).toBe(200);
    expect((await stored()).get('2')).toBe(81_000);
    expect((await stored()).get('4')).toBe(66_000);
  });

  it('takes a first row of full-width digits as data', async () => {
    const { body } = await dryRun('１,９５\n２,60');
    expect(body.lines.map((l) => [l.line, l.bib, l.value])).toEqual([
      [1, '1', '95.00'],
      [2, '2', '60.00'],
    ]);
    expect((await post('１,９５\n２,60')).status).toBe(200);
    expect(await stored()).toEqual(
      new Map([
        ['1', 95_000],
        ['2', 60_000],
      ]),
    );
  });

  it('answers a quote the parser cannot read with the line it is on', async () => {
    const r = await post('1,80\n2,8"0\n');
    expect(r.status).toBe(422);
    expect(((await r.json()) as Answer).errors).toEqual([
      {
        line: 2,
        code: 'csv/malformed',
        params: expect.any(Object),
        message: expect.stringContaining('第 2 行'),
      },
    ]);
  });

  it('the dry run lists what it would store: bib, name, value, what it supersedes', async () => {
    await post('1,80');
    const { status, body } = await dryRun('号码,成绩\n1,85\n2,90.5\n');
    expect(status).toBe(200);
    const first = [...(await stored())][0];
    expect(first).toEqual(['1', 80_000]);
    expect(body.lines).toEqual([
      {
        line: 2,
        bib: '1',
        name: '宋梦琪',
        text: '85',
        value: '85.00',
        change: 'changed',
        supersedes: expect.any(Number),
        current: {
          markId: expect.any(Number),
          value: '80.00',
          by: { code: 'O01', name: '组委会' },
          at: expect.any(String),
        },
      },
      {
        line: 3,
        bib: '2',
        name: '马永康',
        text: '90.5',
        value: '90.50',
        change: 'new',
        supersedes: null,
        current: null,
      },
    ]);
    expect(body.lines[0]!.supersedes).toBe(body.lines[0]!.current!.markId);
  });

  it('the dry run refuses what the import refuses: a locked station, a withdrawn contestant', async () => {
    const { db, t } = server.app.store;
    await db.update(t.contestants).set({ status: 'withdrawn' }).where(eq(t.contestants.bib, '5'));
    await server.app.live.load('gaoxin-2024');
    const file = '1,80\n5,70\n6,60';
    const dry = await dryRun(file);
    expect(dry.status).toBe(422);
    expect(dry.body.errors).toEqual([
      {
        line: 2,
        code: 'score/inactive',
        params: expect.any(Object),
        message: expect.stringContaining('退赛'),
      },
    ]);
    const real = await post(file);
    expect(real.status).toBe(422);
    expect(((await real.json()) as Answer).errors).toEqual(dry.body.errors);
    expect(await markCount()).toBe(0);

    const lock = await fetch(`${server.url}/api/competitions/gaoxin-2024/course`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'H01')}`,
      },
      body: JSON.stringify({
        action: 'station.lock',
        stationId: 'theory-exam',
        reason: '成绩已核对',
      }),
    });
    expect(lock.status).toBe(200);
    const lockedDry = await dryRun('1,80');
    expect(lockedDry.status).toBe(422);
    expect(lockedDry.body.errors[0]!.message).toContain('锁定');
    expect((await post('1,80')).status).toBe(422);
    expect(await markCount()).toBe(0);
  });
});

describe('nothing overwrites what its author did not see', () => {
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  /** Imports bibs 1–3, then the proctor (J01) corrects bib 1 on the tablet. */
  async function correctedOnTablet() {
    expect((await post('1,80\n2,70\n3,60')).status).toBe(200);
    const file = '1,80\n2,75\n3,60\n4,50';
    const preview = await dryRun(file);
    const proctor = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const c = proctor.welcome.contestants.find((x) => x.bib === '1')!;
    const ack = (await submitMark(proctor, {
      contestantId: c.id,
      sheetId: 'theory-exam',
      values: { 'theory-score': '85' },
      seen: preview.body.lines[0]!.supersedes,
      reason: '复核试卷',
    })) as MarkAck;
    expect(ack.type).toBe('mark.ack');
    proctor.close();
    return { file, seen: seenOf(preview.body), correction: ack.markId };
  }

  it('refuses the whole file with the conflicting lines when a line changed since the dry run', async () => {
    const { file, seen, correction } = await correctedOnTablet();
    const before = await markCount();
    const r = await confirm({ csv: file, seen });
    expect(r.status).toBe(409);
    const body = (await r.json()) as Answer & { error: string; message: string };
    expect(body.error).toBe('import/conflict');
    expect(body.message).toContain('1 行的成绩在预览之后被修改');
    expect(body.conflicts).toEqual([
      {
        line: 1,
        bib: '1',
        name: '宋梦琪',
        value: '80.00',
        seen: seen['1'],
        current: {
          markId: correction,
          value: '85.00',
          by: { code: 'J01', name: '罗文静' },
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    ]);
    expect(await markCount()).toBe(before);
    expect((await stored()).get('1')).toBe(85_000);
    expect((await stored()).get('2')).toBe(70_000);
  });

  it('keeps a conflicting line when asked and imports the rest', async () => {
    const { file, seen } = await correctedOnTablet();
    const r = await confirm({ csv: file, seen, keep: ['1'] });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ imported: 2, unchanged: 1, kept: 1 });
    expect(await stored()).toEqual(
      new Map([
        ['1', 85_000],
        ['2', 75_000],
        ['3', 60_000],
        ['4', 50_000],
      ]),
    );
  });

  it('overwrites a conflicting line only with a reason and the mark it saw', async () => {
    const { file, seen, correction } = await correctedOnTablet();
    // A reason without having seen the tablet's correction is still a conflict.
    const blind = await confirm({ csv: file, seen, overwrite: { 1: '以考试系统为准' } });
    expect(blind.status).toBe(409);
    expect(
      (await confirm({ csv: file, seen: { ...seen, 1: correction }, overwrite: { 1: 'x' } }))
        .status,
    ).toBe(400);
    const r = await confirm({
      csv: file,
      seen: { ...seen, 1: correction },
      overwrite: { 1: '以考试系统为准' },
    });
    expect(r.status).toBe(200);
    expect((await stored()).get('1')).toBe(80_000);
    const third = (await log()).at(-3)!;
    const reason = { reason: third.reason, s: third.supersedesId };
    expect(reason).toEqual({ reason: '以考试系统为准', s: correction });
  });

  it('a plain CSV upload saw nothing: it fills empty lines, and a changed line is a conflict', async () => {
    expect((await post('1,80')).status).toBe(200);
    const r = await post('1,81\n2,70');
    expect(r.status).toBe(409);
    const body = (await r.json()) as Answer & { message: string };
    expect(body.conflicts.map((c) => [c.bib, c.seen])).toEqual([['1', null]]);
    // No preview was made: the refusal does not speak of one.
    expect(body.message).toBe(
      '1 行的成绩已经存在，请逐行选择保留现有成绩或以文件覆盖（须填写原因）',
    );
    expect(await stored()).toEqual(new Map([['1', 80_000]]));
  });

  it('a mark voided since the dry run is a conflict too', async () => {
    expect((await post('1,80')).status).toBe(200);
    const { body } = await dryRun('1,90');
    const markId = body.lines[0]!.supersedes!;
    const v = await fetch(`${server.url}/api/competitions/gaoxin-2024/marks/${markId}/void`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'H01')}`,
      },
      body: JSON.stringify({ reason: '录入错误' }),
    });
    expect(v.status).toBe(200);
    const r = await confirm({ csv: '1,90', seen: seenOf(body) });
    expect(r.status).toBe(409);
    expect(((await r.json()) as Answer).conflicts[0]!.current).toBeNull();
  });

  it('refuses a file over 2 MB as CSV and as JSON', async () => {
    const big = '1,80\n'.repeat(450_000);
    expect((await post(big)).status).toBe(413);
    expect((await confirm({ csv: big })).status).toBe(400);
    expect(await markCount()).toBe(0);
  });

  it('refuses a malformed request body without writing', async () => {
    for (const body of [
      { csv: 1 },
      { csv: '1,80', seen: { 1: 'x' } },
      { csv: '1,80', keep: ['1'], overwrite: { 1: '两个都要' } },
      { csv: '1,80', keep: ['7'] },
    ])
      expect((await confirm(body as never)).status).toBe(400);
    expect(await markCount()).toBe(0);
  });
});

/**
 * Random score files under the documented rules: bibs of the field in any order, scores on the
 * criterion's grid written in ASCII, full width, with a quoted decimal comma, or (in a semicolon
 * file) a bare one; any line endings, blank lines, an optional BOM and header, trailing empty
 * cells. `PROPS_RUNS` raises the number of files (the normal suite runs 30).
 */
describe('random files (property)', () => {
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const RUNS = Number(process.env.PROPS_RUNS ?? 30);
  let calls = 0;
  /**
   * The route through Fastify's inject, each call from its own address: the import's rate
   * limit (30 a minute per address) is for people, and this test makes hundreds of calls.
   */
  const injected = async (body: string | ImportRequest, dry: boolean) => {
    calls++;
    const r = await server.app.inject({
      method: 'POST',
      url: `/api/competitions/gaoxin-2024/imports/theory-score${dry ? '?dryRun=1' : ''}`,
      remoteAddress: `10.${(calls >> 16) & 255}.${(calls >> 8) & 255}.${calls & 255}`,
      headers: {
        authorization: `Bearer ${organiser()}`,
        'content-type': typeof body === 'string' ? 'text/csv' : 'application/json',
      },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.statusCode, body: r.json<Answer>() };
  };
  const fullWidth = (s: string) =>
    s.replace(/[0-9.]/g, (ch) =>
      ch === '.' ? '．' : String.fromCharCode(ch.charCodeAt(0) + 0xfee0),
    );
  const written = (half: number, style: number, sep: ',' | ';') => {
    const plain = half % 2 ? `${(half - 1) / 2}.5` : String(half / 2);
    switch (style) {
      case 0:
        return plain;
      case 1:
        return fullWidth(plain);
      case 2:
        return sep === ',' ? `"${plain.replace('.', ',')}"` : plain.replace('.', ',');
      case 3:
        return ` ${half % 2 ? `${plain}0` : `${plain}.00`} `;
      default:
        return half % 2 ? plain : `${plain}.0`;
    }
  };
  const bibs = Array.from({ length: 35 }, (_, i) => String(i + 1));
  const file = fc.record({
    rows: fc.uniqueArray(
      fc.record({
        bib: fc.constantFrom(...bibs),
        half: fc.integer({ min: 0, max: 200 }),
        style: fc.integer({ min: 0, max: 4 }),
        fullWidthBib: fc.boolean(),
        trailing: fc.boolean(),
        blankAfter: fc.boolean(),
        eol: fc.constantFrom('\n', '\r\n', '\r'),
      }),
      { minLength: 1, maxLength: 12, selector: (r) => r.bib },
    ),
    sep: fc.constantFrom(',' as const, ';' as const),
    header: fc.boolean(),
    bom: fc.boolean(),
    leadingBlank: fc.boolean(),
    bad: fc.option(fc.integer({ min: 0, max: 11 }), { nil: undefined }),
  });

  it('the dry run lists exactly what the import stores, and that is what the file says', async () => {
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        let text = f.bom ? '\uFEFF' : '';
        let line = 1;
        if (f.leadingBlank) {
          text += '\n';
          line++;
        }
        if (f.header) {
          text += `号码${f.sep}成绩\r\n`;
          line++;
        }
        const expected = new Map<string, number>();
        const lineOf = new Map<string, number>();
        let badLine: number | null = null;
        f.rows.forEach((r, i) => {
          const bib = r.fullWidthBib ? fullWidth(r.bib) : r.bib;
          let row = `${bib}${f.sep}${written(r.half, r.style, f.sep)}`;
          if (f.bad === i) {
            // An unquoted decimal comma in a comma file, or a third cell in a semicolon file.
            row = `${bib}${f.sep}${Math.floor(r.half / 2)}${f.sep}5`;
            badLine = line;
          }
          if (r.trailing) row += f.sep;
          text += row + r.eol;
          lineOf.set(r.bib, line);
          expected.set(r.bib, r.half * 500);
          line++;
          if (r.blankAfter) {
            text += r.eol;
            line++;
          }
        });
        const before = await stored();
        const dry = await injected(text, true);
        if (badLine !== null) {
          expect(dry.status).toBe(422);
          expect(dry.body.errors.map((e) => e.line)).toEqual([badLine]);
          const real = await injected(text, false);
          expect(real.status).toBe(422);
          expect(real.body.errors).toEqual(dry.body.errors);
          expect(await stored()).toEqual(before);
          return;
        }
        expect(dry.status, JSON.stringify(dry.body.errors)).toBe(200);
        // Every line of the file, at its own line, with the file's value.
        expect(dry.body.lines.map((l) => [l.bib, l.line, l.value])).toEqual(
          f.rows.map((r) => [r.bib, lineOf.get(r.bib), (expected.get(r.bib)! / 1000).toFixed(2)]),
        );
        const real = await injected({ csv: text, seen: seenOf(dry.body) }, false);
        expect(real.status).toBe(200);
        const answer = real.body;
        const after = await stored();
        for (const l of dry.body.lines) {
          expect((after.get(l.bib)! / 1000).toFixed(2)).toBe(l.value);
          expect(after.get(l.bib)).toBe(expected.get(l.bib));
          expect(l.change).toBe(
            before.get(l.bib) === undefined
              ? 'new'
              : before.get(l.bib) === expected.get(l.bib)
                ? 'unchanged'
                : 'changed',
          );
        }
        expect(answer.lines.map((l) => [l.bib, l.value, l.change])).toEqual(
          dry.body.lines.map((l) => [l.bib, l.value, l.change]),
        );
        expect(answer.imported).toBe(dry.body.lines.filter((l) => l.change !== 'unchanged').length);
        // Lines the file did not name are as they were.
        for (const [bib, milli] of before)
          if (!expected.has(bib)) expect(after.get(bib)).toBe(milli);
      }),
      { seed: 20_241_026, numRuns: RUNS },
    );
  }, 120_000);

  it('a line a judge corrects between the dry run and the import is a conflict, and only a choice writes it', async () => {
    const proctor = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const idOf = new Map(proctor.welcome.contestants.map((c) => [c.bib, c.id]));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({ bib: fc.constantFrom(...bibs), half: fc.integer({ min: 0, max: 200 }) }),
          { minLength: 1, maxLength: 8, selector: (r) => r.bib },
        ),
        fc.nat(),
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom('keep' as const, 'overwrite' as const),
        async (rows, pick, judged, choice) => {
          const text = rows.map((r) => `${r.bib},${r.half / 2}`).join('\n');
          const dry = await injected(text, true);
          expect(dry.status).toBe(200);
          const target = dry.body.lines[pick % dry.body.lines.length]!;
          const ack = await submitMark(proctor, {
            contestantId: idOf.get(target.bib)!,
            sheetId: 'theory-exam',
            values: { 'theory-score': String(judged / 2) },
            seen: target.supersedes,
            ...(target.supersedes ? { reason: '复核试卷' } : {}),
          });
          expect(ack.type).toBe('mark.ack');
          const correction = (ack as MarkAck).markId;
          const before = await stored();
          const seen = seenOf(dry.body);
          const real = await injected({ csv: text, seen }, false);
          const file = rows.find((r) => r.bib === target.bib)!.half * 500;
          if (file === judged * 500) {
            // The judge wrote what the file says: nothing is overwritten, nothing to ask.
            expect(real.status).toBe(200);
          } else {
            expect(real.status).toBe(409);
            expect(real.body.conflicts.map((c) => [c.bib, c.seen, c.current?.markId])).toEqual([
              [target.bib, target.supersedes, correction],
            ]);
            expect(await stored()).toEqual(before);
            const decided = await injected(
              choice === 'keep'
                ? { csv: text, seen, keep: [target.bib] }
                : {
                    csv: text,
                    seen: { ...seen, [target.bib]: correction },
                    overwrite: { [target.bib]: '以考试系统为准' },
                  },
              false,
            );
            expect(decided.status).toBe(200);
          }
          const after = await stored();
          for (const r of rows)
            expect(after.get(r.bib)).toBe(
              r.bib === target.bib && choice === 'keep' ? judged * 500 : r.half * 500,
            );
        },
      ),
      { seed: 20_241_027, numRuns: RUNS },
    );
    proctor.close();
  }, 120_000);
});
