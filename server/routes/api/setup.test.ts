import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarkAck } from '#protocol';
import { drawOrder } from '../../services/contestant-import.ts';
import {
  connectBoard,
  connectJudge,
  startTestServer,
  submitMark,
  tokenOf,
} from '../../test-support.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const organiser = () => tokenOf(server.fixture, 'O01');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const upload = (body: Uint8Array | string, type: string, query = '') =>
  fetch(`${server.url}/api/competitions/${slug}/contestants/import${query}`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: `Bearer ${organiser()}` },
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  });
const stored = () =>
  server.app.store.db.$client
    .prepare(
      'select bib, name, organisation, draw_order as drawOrder from contestants order by draw_order',
    )
    .all() as {
    bib: string;
    name: string;
    organisation: string;
    drawOrder: number;
  }[];

// The list an organiser types in Excel: 35 riders, one with a name outside GBK's common set.
const riders = Array.from({ length: 35 }, (_, i) => ({
  bib: String(101 + i),
  name: i === 0 ? '欧阳娜娜' : i === 1 ? '王,小明' : `骑手${i + 1}号`,
  organisation: ['美团外卖', '饿了么', '顺丰同城'][i % 3]!,
  drawOrder: ((i * 8) % 35) + 1,
}));
const csv = [
  '号码,姓名,单位,抽签顺序',
  ...riders.map((r) => `${r.bib},"${r.name}",${r.organisation},${r.drawOrder}`),
].join('\r\n');

async function xlsx(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['号码', '姓名', '单位', '抽签顺序']);
  for (const r of riders) ws.addRow([Number(r.bib), r.name, r.organisation, r.drawOrder]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('contestant import', () => {
  it('gives identical contestants from UTF-8 with BOM, UTF-8, GBK and XLSX', async () => {
    const files: [Uint8Array | string, string][] = [
      ['\uFEFF' + csv, 'text/csv'],
      [csv, 'text/csv'],
      [new Uint8Array(iconv.encode(csv, 'gbk')), 'text/csv'],
      [await xlsx(), XLSX],
    ];
    const results: unknown[] = [];
    for (const [body, type] of files) {
      const preview = (await (await upload(body, type, '?dryRun=1')).json()) as {
        rows: unknown[];
        errors: unknown[];
      };
      expect(preview.errors).toEqual([]);
      expect(preview.rows).toHaveLength(35);
      const r = await upload(body, type);
      expect(r.status).toBe(200);
      results.push(stored());
    }
    const expected = [...riders].sort((a, b) => a.drawOrder - b.drawOrder);
    for (const r of results) expect(r).toEqual(expected);
  });

  it('refuses a file with a duplicate bib or an empty name, names the rows, and writes nothing', async () => {
    const before = stored();
    const bad = '号码,姓名,单位\n7,张三,美团\n8,,饿了么\n7,李四,闪送\n';
    const r = await upload(bad, 'text/csv');
    expect(r.status).toBe(422);
    const body = (await r.json()) as { errors: { line: number; message: string }[] };
    expect(body.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(body.errors[0]!.message).toContain('姓名为空');
    expect(body.errors[1]!.message).toContain('与第 2 行重复');
    expect(stored()).toEqual(before);
    expect((await upload('姓名\n张三', 'text/csv')).status).toBe(422);
  });

  it('tells open boards and tablets to reload, and refuses to replace the list once marking began', async () => {
    const board = connectBoard(server.ws, slug);
    await board.next((m) => m.type === 'board.snapshot');
    expect((await upload(csv, 'text/csv')).status).toBe(200);
    expect((await board.closed).code).toBe(4009);
    const again = connectBoard(server.ws, slug);
    const snap = await again.next((m) => m.type === 'board.snapshot');
    expect((snap as { rows: { bib: string }[] }).rows.map((r) => r.bib).sort()).toEqual(
      riders.map((r) => r.bib).sort(),
    );
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    await submitMark(judge, {
      contestantId: judge.welcome.contestants[0]!.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': {} },
    });
    expect((await upload(csv, 'text/csv')).status).toBe(409);
    judge.close();
    again.close();
  });
});

describe('draw order', () => {
  it('draws a repeatable order from a recorded seed', async () => {
    expect(drawOrder(['1', '2', '3', '4', '5'], 42)).toEqual(
      drawOrder(['5', '4', '3', '2', '1'], 42),
    );
    const res = (await (
      await fetch(`${server.url}/api/competitions/${slug}/draw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${organiser()}` },
        body: '{"seed":20241026}',
      })
    ).json()) as { seed: number; order: { bib: string; drawOrder: number }[] };
    expect(res.seed).toBe(20241026);
    const expected = drawOrder(
      server.fixture.contestants.map((c) => c.bib),
      20241026,
    );
    expect(res.order.map((o) => o.bib)).toEqual(expected);
    expect(stored().map((c) => c.bib)).toEqual(expected);
    const audit = server.app.store.db.$client
      .prepare("select detail_json as d from audit_log where action = 'contestants.draw'")
      .get() as { d: string };
    expect(JSON.parse(audit.d)).toEqual({ seed: 20241026 });
  });
});

describe('backup', () => {
  it('downloads a valid database with every acknowledged mark while marking goes on', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J03'));
    const acked: string[] = [];
    let marking = true;
    const loop = (async () => {
      let i = 0;
      while (marking) {
        const clientId = randomUUID();
        const r = (await submitMark(judge, {
          clientId,
          contestantId: judge.welcome.contestants[i % 35]!.id,
          sheetId: 'bridge',
          values: { 'bridge-faults': { 'foot-down': i % 2 }, 'bridge-fell': false },
          ...(i >= 35 ? { reason: '复核' } : {}),
        })) as MarkAck;
        if (r.type === 'mark.ack') acked.push(clientId);
        i++;
        // A person's pace, well under the flood limit however long the backup takes.
        await new Promise((res) => setTimeout(res, 25));
      }
    })();
    // The backup starts while marking goes on, with a few marks already acknowledged.
    await expect.poll(() => acked.length, { timeout: 10_000 }).toBeGreaterThan(3);
    const ackedBefore = [...acked];
    const res = await fetch(`${server.url}/api/backup`, {
      headers: { authorization: `Bearer ${organiser()}` },
    });
    expect(res.status).toBe(200);
    marking = false;
    await loop;
    const file = join(mkdtempSync(join(tmpdir(), 'jx-restore-')), 'backup.db');
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const ids = new Set(
      (db.prepare('select client_id as id from marks').all() as { id: string }[]).map((r) => r.id),
    );
    db.close();
    for (const id of ackedBefore) expect(ids.has(id)).toBe(true);
    expect(ackedBefore.length).toBeGreaterThan(3);
    // And a restored copy serves the same standings.
    const { default: fs } = await import('node:fs');
    const restoredDir = mkdtempSync(join(tmpdir(), 'jx-restored-'));
    fs.copyFileSync(file, join(restoredDir, 'jiangxing.db'));
    const restored = await startTestServer(restoredDir);
    const rows = (await (
      await fetch(`${restored.url}/api/competitions/${slug}/standings`)
    ).json()) as { revision: number };
    expect(rows.revision).toBe(ids.size);
    await restored.close();
    judge.close();
  }, 30_000);

  it('is for the organiser only', async () => {
    expect((await fetch(`${server.url}/api/backup`)).status).toBe(401);
    expect(
      (
        await fetch(`${server.url}/api/backup`, {
          headers: { authorization: `Bearer ${tokenOf(server.fixture, 'H01')}` },
        })
      ).status,
    ).toBe(403);
  });
});

describe('review over HTTP', () => {
  it('lists the log with what is current, and lets the head judge void with a reason', async () => {
    const judge = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    const c = judge.welcome.contestants[0]!;
    const first = (await submitMark(judge, {
      contestantId: c.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': {} },
    })) as MarkAck;
    await submitMark(judge, {
      contestantId: c.id,
      sheetId: 's-bend',
      values: { 's-bend-faults': { 'cone-touched': 1 } },
      reason: '补记碰桩',
    });
    const head = {
      authorization: `Bearer ${tokenOf(server.fixture, 'H01')}`,
      'content-type': 'application/json',
    };
    const log = (await (
      await fetch(`${server.url}/api/competitions/${slug}/marks`, { headers: head })
    ).json()) as {
      marks: {
        id: number;
        current: boolean;
        reason: string | null;
        judge: { code: string };
        bib: string;
      }[];
    };
    expect(log.marks.map((m) => [m.id, m.current, m.reason, m.judge.code, m.bib])).toEqual([
      [first.markId, false, null, 'J02', c.bib],
      [first.markId + 1, true, '补记碰桩', 'J02', c.bib],
    ]);
    expect(
      (
        await fetch(`${server.url}/api/competitions/${slug}/marks/${first.markId + 1}/void`, {
          method: 'POST',
          headers: head,
          body: '{}',
        })
      ).status,
    ).toBe(400);
    const ok = await fetch(
      `${server.url}/api/competitions/${slug}/marks/${first.markId + 1}/void`,
      {
        method: 'POST',
        headers: head,
        body: JSON.stringify({ reason: '记录错误' }),
      },
    );
    expect(ok.status).toBe(200);
    // The void restored the mark the correction replaced: it is current again, and may be
    // voided in turn; a mark no longer current may not.
    const again = (await (
      await fetch(`${server.url}/api/competitions/${slug}/marks`, { headers: head })
    ).json()) as { marks: { id: number; current: boolean }[] };
    expect(again.marks.find((m) => m.id === first.markId)?.current).toBe(true);
    const voidFirst = () =>
      fetch(`${server.url}/api/competitions/${slug}/marks/${first.markId}/void`, {
        method: 'POST',
        headers: head,
        body: JSON.stringify({ reason: '再撤销' }),
      });
    expect((await voidFirst()).status).toBe(200);
    expect((await voidFirst()).status).toBe(409);
    judge.close();
  });
});
