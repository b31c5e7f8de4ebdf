import { listContestants } from '../../../db/repositories/competitions.ts';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectJudge, startTestServer, submitMark, tokenOf } from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
interface Preview {
  rows: { line: number; bib: string; name: string; organisation: string; drawOrder: number }[];
  errors: { line: number; message: string }[];
  imported: number;
}
const upload = async (body: Uint8Array | string, query = '', type = 'text/csv') => {
  const r = await fetch(`${server.url}/api/competitions/gaoxin-2024/contestants/import${query}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
    },
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  });
  return { status: r.status, body: (await r.json()) as Preview };
};
const stored = async () =>
  (await listContestants(server.app.store, server.app.live.get('gaoxin-2024')!.id)).map((c) => ({
    bib: c.bib,
    name: c.name,
    organisation: c.organisation,
  }));

describe('contestant import stores only what the file says', () => {
  it('refuses a row with more cells than the header (an unquoted comma in a name)', async () => {
    const before = await stored();
    const file = '号码,姓名,单位\n7,张,三,美团\n8,李四,饿了么\n';
    for (const q of ['?dryRun=1', '']) {
      const r = await upload(file, q);
      expect(r.status).toBe(422);
      expect(r.body.errors).toEqual([
        {
          line: 2,
          code: 'contestants/row',
          params: expect.any(Object),
          message: expect.stringContaining('“美团”'),
        },
      ]);
    }
    expect(await stored()).toEqual(before);
    // Quoted, the comma is part of the name.
    const ok = await upload('号码,姓名,单位\n7,"张,三",美团\n');
    expect(ok.status).toBe(200);
    expect(await stored()).toEqual([{ bib: '7', name: '张,三', organisation: '美团' }]);
  });

  it('refuses a column it does not know, instead of ignoring what is under it', async () => {
    const r = await upload('号码,姓名,备注,单位\n7,张三,迟到,美团\n', '?dryRun=1');
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      {
        line: 1,
        code: 'contestants/header',
        params: expect.any(Object),
        message: expect.stringContaining('备注'),
      },
    ]);
  });

  it('names the file’s own lines through blank lines and mixed line endings', async () => {
    const r = await upload('\r\n号码,姓名\r\n\r\n7,张三\n8,\r9,李四\n\n9,王五', '?dryRun=1');
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e) => e.line)).toEqual([5, 8]);
    expect(r.body.errors[1]!.message).toContain('与第 6 行重复');
    expect(r.body.rows.map((x) => [x.line, x.bib, x.name])).toEqual([
      [4, '7', '张三'],
      [6, '9', '李四'],
    ]);
  });

  it('reads full-width bibs and a semicolon file, and previews the draw order it stores', async () => {
    const r = await upload(
      '号码;姓名;单位\n１０１;张三;美团\n102;李四;"饿了么;外卖"\n',
      '?dryRun=1',
    );
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual([
      { line: 2, bib: '101', name: '张三', organisation: '美团', drawOrder: 1 },
      { line: 3, bib: '102', name: '李四', organisation: '饿了么;外卖', drawOrder: 2 },
    ]);
    expect(
      (await upload('号码;姓名;单位\n１０１;张三;美团\n102;李四;"饿了么;外卖"\n')).status,
    ).toBe(200);
    expect(await stored()).toEqual([
      { bib: '101', name: '张三', organisation: '美团' },
      { bib: '102', name: '李四', organisation: '饿了么;外卖' },
    ]);
  });

  it('refuses an XLSX row with a cell beyond the header, naming the sheet’s row', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['号码', '姓名', '单位']);
    ws.addRow([]);
    ws.addRow([7, '张三', '美团']);
    ws.addRow([8, '李四', '饿了么', '多余']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const r = await upload(bytes, '?dryRun=1', XLSX);
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      {
        line: 4,
        code: 'contestants/row',
        params: expect.any(Object),
        message: expect.stringContaining('“多余”'),
      },
    ]);
  });

  it('the dry run refuses what the import refuses once marking has begun', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    await submitMark(judge, {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': {} },
    });
    judge.close();
    const file = '号码,姓名\n7,张三\n';
    const dry = await upload(file, '?dryRun=1');
    expect(dry.status).toBe(409);
    expect((await upload(file)).status).toBe(409);
  });
});

describe('uploads are bounded before they are parsed', () => {
  it('refuses an XLSX that unpacks to more than the limit (a zip bomb) and one that declares too many rows', async () => {
    const bomb = new ExcelJS.Workbook();
    const sheet = bomb.addWorksheet('选手');
    sheet.addRow(['号码', '姓名']);
    sheet.addRow(['1', 'x'.repeat(40 * 1024 * 1024)]);
    const bombBytes = new Uint8Array(await bomb.xlsx.writeBuffer());
    expect(bombBytes.length).toBeLessThan(2 * 1024 * 1024); // small on the wire
    const before = await stored();
    const r = await upload(bombBytes, '', XLSX);
    expect(r.status).toBe(413);
    expect((r.body as unknown as { message: string }).message).toContain('解压后过大');
    const tall = new ExcelJS.Workbook();
    const t = tall.addWorksheet('选手');
    t.addRow(['号码', '姓名']);
    t.getCell('A200000').value = '9';
    const tallRes = await upload(new Uint8Array(await tall.xlsx.writeBuffer()), '', XLSX);
    expect(tallRes.status).toBe(413);
    expect((tallRes.body as unknown as { message: string }).message).toContain('行数过多');
    expect(await stored()).toEqual(before);
  });

  it('refuses a CSV with more rows than the limit before parsing it', async () => {
    const csv =
      '号码,姓名\n' + Array.from({ length: 100_001 }, (_, i) => `${i + 1},选手`).join('\n');
    const r = await upload(csv, '?dryRun=1');
    expect(r.status).toBe(413);
  });
});

describe('names a person can print', () => {
  it('refuses control characters in a name or an organisation, naming the line', async () => {
    const file = '号码,姓名,单位\n1,"张\n三",美团\n2,李四,"饿了\t么"\n3,王五,顺丰\n';
    const r = await upload(file, '?dryRun=1');
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(r.body.errors[0]!.message).toContain('控制字符');
  });
});

describe('a draw of a large field', () => {
  it('stores the drawn order for every one of 1,201 riders, across its statements', async () => {
    const bibs = Array.from({ length: 1201 }, (_, i) => String(1000 + i));
    const file = `号码,姓名\n${bibs.map((b) => `${b},选手${b}`).join('\n')}\n`;
    expect((await upload(file)).status).toBe(200);
    const r = await fetch(`${server.url}/api/competitions/gaoxin-2024/draw`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
      },
      body: '{"seed":7}',
    });
    expect(r.status).toBe(200);
    const { order } = (await r.json()) as { order: { bib: string; drawOrder: number }[] };
    expect(order).toHaveLength(1201);
    // What the database holds, in draw order, is the order the draw answered.
    const rows = await listContestants(server.app.store, server.app.live.get('gaoxin-2024')!.id);
    const byDraw = [...rows].sort((a, b) => a.drawOrder - b.drawOrder);
    expect(byDraw.map((c) => [c.bib, c.drawOrder])).toEqual(order.map((o) => [o.bib, o.drawOrder]));
    expect(new Set(order.map((o) => o.bib))).toEqual(new Set(bibs));
  });
});
