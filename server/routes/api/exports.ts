import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, officials } from '../../../db/schema.ts';
import { listMarks } from '../../../db/repositories/marks.ts';
import { officialsById } from '../../../db/repositories/competitions.ts';
import { identify } from '../../plugins/auth.ts';
import {
  contestantSheetPage,
  resultsPage,
  standingsTable,
  toCsv,
  toXlsx,
} from '../../services/exports.ts';
import { ExportCache, exportKey } from '../../services/export-cache.ts';
import type { LiveCompetition } from '../../services/live-competition.ts';

const SlugParams = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/) });

/**
 * Exports, all from the one standings function:
 * - `GET /api/competitions/:slug/export.csv` — standings, UTF-8 with BOM, formula-safe;
 * - `GET /api/competitions/:slug/export.xlsx` — standings, one sheet per station, and for staff the marks log;
 * - `GET /api/competitions/:slug/results.html` — the printable results page (A4, signatures);
 * - `GET /api/competitions/:slug/audit.csv` — staff only: every mark, correction, void, lock and course change.
 * Without a token they show what the public board shows; with an organiser or head-judge
 * Bearer token, the live table.
 */
const routes: FastifyPluginAsync = async (app) => {
  const resolve = (req: FastifyRequest): { live: LiveCompetition; staff: boolean } | null => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live) return null;
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const who = m ? identify(app, m[1]!) : null;
    return { live, staff: !!who && who.competitionId === live.id && who.role !== 'judge' };
  };
  const notFound = { error: 'competition/not_found', message: '没有这场比赛' };
  const attachment = (slug: string, ext: string) =>
    `attachment; filename="${slug}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${slug}-成绩.${ext}`)}`;

  /** One build per competition state and view; see services/export-cache.ts. */
  const built = new ExportCache<string | Buffer>();
  const cached = (
    kind: string,
    r: { live: LiveCompetition; staff: boolean },
    make: () => Promise<string | Buffer> | string | Buffer,
  ) => built.get(exportKey(`${kind}:${r.live.slug}`, r.staff, [r.live.summary]), make);
  /** Exports cost CPU: a viewer gets a few a minute (a CDN-less LAN has no other shield). */
  const limited = { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } };

  app.get('/api/competitions/:slug/export.csv', limited, async (req, reply) => {
    const r = resolve(req);
    if (!r) return reply.code(404).send(notFound);
    const csv = await cached('csv', r, () => {
      const { header, rows } = standingsTable(
        r.staff ? r.live.snapshot() : r.live.publicSnapshot(),
      );
      return toCsv(header, rows);
    });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(r.live.slug, 'csv'))
      .send(csv);
  });

  app.get('/api/competitions/:slug/export.xlsx', limited, async (req, reply) => {
    const r = resolve(req);
    if (!r) return reply.code(404).send(notFound);
    const buf = await cached('xlsx', r, () =>
      toXlsx(
        r.live,
        r.staff ? r.live.snapshot() : r.live.publicSnapshot(),
        r.staff ? listMarks(app.db, r.live.id) : null,
      ),
    );
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(r.live.slug, 'xlsx'))
      .send(buf);
  });

  app.get('/api/competitions/:slug/results.html', limited, async (req, reply) => {
    const r = resolve(req);
    if (!r) return reply.code(404).send(notFound);
    const view = r.staff ? r.live.snapshot() : r.live.publicSnapshot();
    const judges = app.db
      .select()
      .from(officials)
      .where(eq(officials.competitionId, r.live.id))
      .orderBy(asc(officials.code))
      .all()
      .filter((o) => o.role === 'judge')
      .map((o) => o.name);
    const printedAt = new Intl.DateTimeFormat('zh-CN', {
      timeZone: view.competition.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date());
    return reply.type('text/html; charset=utf-8').send(resultsPage(view, judges, printedAt));
  });

  /** Staff: the printable score sheet of one contestant, every mark in words with its judge. */
  app.get('/api/competitions/:slug/contestants/:bib/sheet.html', async (req, reply) => {
    const r = resolve(req);
    if (!r) return reply.code(404).send(notFound);
    if (!r.staff)
      return reply.code(401).send({ error: 'auth/required', message: '评分表仅限组委会和裁判长' });
    const bib = (req.params as { bib: string }).bib;
    const row = r.live.standings().find((x) => x.bib === bib);
    if (!row)
      return reply.code(404).send({ error: 'contestant/not_found', message: `没有 ${bib} 号选手` });
    const people = officialsById(app.db, r.live.id);
    const page = contestantSheetPage(r.live, row, listMarks(app.db, r.live.id), (id) => {
      const o = people.get(id);
      return o ? `${o.code} ${o.name}` : '';
    });
    return reply.type('text/html; charset=utf-8').send(page);
  });

  app.get('/api/competitions/:slug/audit.csv', async (req, reply) => {
    const r = resolve(req);
    if (!r) return reply.code(404).send(notFound);
    if (!r.staff)
      return reply
        .code(401)
        .send({ error: 'auth/required', message: '审计日志仅限组委会和裁判长' });
    const people = new Map(
      [...officialsById(app.db, r.live.id)].map(([id, o]) => [id, `${o.code} ${o.name}`]),
    );
    const bibOf = new Map([...r.live.contestants.values()].map((c) => [c.id, c.bib]));
    const rows: (string | number)[][] = [];
    for (const m of listMarks(app.db, r.live.id))
      rows.push([
        m.createdAt,
        `mark:${m.kind}`,
        people.get(m.officialId) ?? '',
        bibOf.get(m.contestantId) ?? '',
        m.sheetId ?? m.stationId ?? '',
        m.valuesJson,
        m.supersedesId ?? m.targetMarkId ?? '',
        m.reason ?? '',
        m.revision,
      ]);
    for (const a of app.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.competitionId, r.live.id))
      .orderBy(asc(auditLog.id))
      .all())
      rows.push([
        a.createdAt,
        a.action,
        a.officialId ? (people.get(a.officialId) ?? '') : '',
        '',
        '',
        a.detailJson,
        '',
        a.reason ?? '',
        a.revision,
      ]);
    rows.sort((a, b) => Number(a[8]) - Number(b[8]) || String(a[0]).localeCompare(String(b[0])));
    const csv = toCsv(
      ['时间', '操作', '人员', '号码', '评分表/站点', '内容', '更正对象', '原因', '版本'],
      rows,
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${r.live.slug}-audit.csv"`)
      .send(csv);
  });
};
export default routes;
