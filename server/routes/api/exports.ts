import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { asc, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, officials } from '../../../db/schema.ts';
import { listMarks } from '../../../db/repositories/marks.ts';
import { officialsById } from '../../../db/repositories/officials.ts';
import {
  auditCsv,
  contestantSheetPage,
  exportLang,
  resultsPage,
  standingsTable,
  toCsv,
  toXlsx,
  type LogSource,
} from '../../services/exports.ts';
import { ExportCache, exportKey } from '../../services/export-cache.ts';
import type { LiveCompetition } from '../../services/live-competition.ts';
import { competitionNotFound } from '../../plugins/errors.ts';
import { Slug } from '../../protocol/fixture.ts';

const SlugParams = z.object({ slug: Slug });

/**
 * Exports, all from the one standings function:
 * - `GET /api/competitions/:slug/export.csv` — standings, UTF-8 with BOM, formula-safe;
 * - `GET /api/competitions/:slug/export.xlsx` — standings, one sheet per station, and for staff the marks log;
 * - `GET /api/competitions/:slug/results.html` — the printable results page (A4, signatures);
 * - `GET /api/competitions/:slug/audit.csv` — staff only: every mark, correction, void, lock and course change.
 * Without a token they show what the public board shows; with an organiser or head-judge
 * Bearer token, the live table. Every time a person reads in them is the competition's wall
 * clock with its zone named (engine/clock.ts); the CSVs and the XLSX take `?lang=zh|en` for
 * their words (Chinese by default).
 */
const routes: FastifyPluginAsync = async (app) => {
  const resolve = (
    req: FastifyRequest,
  ): { live: LiveCompetition; staff: boolean; judge: boolean } | null => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    if (!live) return null;
    const who = req.official;
    return {
      live,
      staff: !!who && who.competitionId === live.id && who.role !== 'judge',
      judge: !!who && who.role === 'judge',
    };
  };
  const attachment = (slug: string, ext: string) =>
    `attachment; filename="${slug}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${slug}-成绩.${ext}`)}`;

  /** One build per competition state and view; see services/export-cache.ts. */
  const built = new ExportCache<string | Buffer>();
  const cached = (
    kind: string,
    r: { live: LiveCompetition; staff: boolean },
    make: () => Promise<string | Buffer> | string | Buffer,
  ) => built.get(exportKey(`${kind}:${r.live.slug}`, r.staff, [r.live.summary]), make);
  /** The logs and the people they name, for the staff exports. */
  const logSource = (live: LiveCompetition): LogSource => ({
    marks: listMarks(app.db, live.id),
    audit: app.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.competitionId, live.id))
      .orderBy(asc(auditLog.id))
      .all(),
    officials: officialsById(app.db, live.id),
  });
  /**
   * The last audit entry's id: staff actions that leave the revision as it is (an official
   * renamed, a login replaced) still change what the staff workbook's logs say.
   */
  const lastAudit = (live: LiveCompetition) =>
    app.db
      .select({ id: max(auditLog.id) })
      .from(auditLog)
      .where(eq(auditLog.competitionId, live.id))
      .get()?.id ?? 0;
  /** Exports cost CPU: a viewer gets a few a minute (a CDN-less LAN has no other shield). */
  const limited = { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } };

  app.get('/api/competitions/:slug/export.csv', limited, async (req, reply) => {
    const r = resolve(req);
    if (!r) throw competitionNotFound();
    const lang = exportLang(req.query);
    const csv = await cached(`csv:${lang}`, r, () => {
      const { header, rows } = standingsTable(
        r.staff ? r.live.snapshot() : r.live.publicSnapshot(),
        lang,
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
    if (!r) throw competitionNotFound();
    const lang = exportLang(req.query);
    const kind = `xlsx:${lang}${r.staff ? `:audit${lastAudit(r.live)}` : ''}`;
    const buf = await cached(kind, r, () =>
      toXlsx(
        r.live,
        r.staff ? r.live.snapshot() : r.live.publicSnapshot(),
        r.staff ? logSource(r.live) : null,
        lang,
      ),
    );
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(r.live.slug, 'xlsx'))
      .send(buf);
  });

  app.get('/api/competitions/:slug/results.html', limited, async (req, reply) => {
    const r = resolve(req);
    if (!r) throw competitionNotFound();
    const view = r.staff ? r.live.snapshot() : r.live.publicSnapshot();
    const judges = app.db
      .select()
      .from(officials)
      .where(eq(officials.competitionId, r.live.id))
      .orderBy(asc(officials.code))
      .all()
      .filter((o) => o.role === 'judge')
      .map((o) => o.name);
    return reply.type('text/html; charset=utf-8').send(resultsPage(view, judges, new Date()));
  });

  /** Staff: the printable score sheet of one contestant, every mark in words with its judge. */
  app.get('/api/competitions/:slug/contestants/:bib/sheet.html', async (req, reply) => {
    const r = resolve(req);
    if (!r) throw competitionNotFound();
    if (!r.staff)
      return reply.code(401).send({ error: 'auth/required', message: '评分表仅限组委会和裁判长' });
    const bib = (req.params as { bib: string }).bib;
    const row = r.live.standings().find((x) => x.bib === bib);
    if (!row)
      return reply.code(404).send({ error: 'contestant/not_found', message: `没有 ${bib} 号选手` });
    const people = officialsById(app.db, r.live.id);
    const page = contestantSheetPage(
      r.live,
      row,
      listMarks(app.db, r.live.id),
      (id) => {
        const o = people.get(id);
        return o ? `${o.code} ${o.name}` : '';
      },
      new Date(),
    );
    return reply.type('text/html; charset=utf-8').send(page);
  });

  app.get('/api/competitions/:slug/audit.csv', async (req, reply) => {
    const r = resolve(req);
    if (!r) throw competitionNotFound();
    if (!r.staff)
      return reply.code(r.judge ? 403 : 401).send({
        error: r.judge ? 'auth/forbidden' : 'auth/required',
        message: '审计日志仅限组委会和裁判长',
      });
    const csv = auditCsv(r.live, logSource(r.live), exportLang(req.query));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${r.live.slug}-audit.csv"`)
      .send(csv);
  });
};
export default routes;
