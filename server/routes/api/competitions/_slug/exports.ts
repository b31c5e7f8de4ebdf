import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lastAuditId, listAudit } from '../../../../../db/repositories/audit.ts';
import { listMarks } from '../../../../../db/repositories/marks.ts';
import { listOfficials, officialsById } from '../../../../../db/repositories/officials.ts';
import { DomainError } from '../../../../plugins/errors.ts';
import { CertificateQuery, ExportQuery, SlugParams } from '../../../../protocol/api.ts';
import { ExportCache, exportKey } from '../../../../services/export-cache.ts';
import {
  auditCsv,
  certificatesPage,
  contestantSheetPage,
  exportLang,
  resultsPage,
  standingsTable,
  toCsv,
  toXlsx,
  type LogSource,
} from '../../../../services/exports.ts';
import type { LiveCompetition } from '../../../../services/live-competition.ts';
import { exportCompetition } from '../../../../services/transfer.ts';
import { competitionOf, isStaff } from './scope.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Exports, all from the one standings function (files: no response schema):
 * - `GET /api/competitions/:slug/export.csv` — standings, UTF-8 with BOM, formula-safe;
 * - `GET …/export.xlsx` — standings, one sheet per station, and for staff the marks log;
 * - `GET …/results.html` — the printable results page (A4, signatures);
 * - `GET …/audit.csv` — staff only: every mark, correction, void, lock and course change;
 * - `GET …/contestants/:bib/sheet.html` — staff only: one contestant's score sheet;
 * - `GET …/certificates.html[?award=ID][&bib=BIB]` (organiser, head judge, own) — printable
 *   A4 certificates, one per award held;
 * - `GET …/export.json` (organiser, head judge, own) — the full export: settings, scheme,
 *   contestants, officials (no tokens), the whole log, locks.
 * Without a token they show what the public board shows; with an organiser or head-judge
 * Bearer token of the competition, the live table. Every time a person reads in them is the
 * competition's wall clock with its zone named (engine/clock.ts); the CSVs and the XLSX take
 * `?lang=zh|en` for their words (Chinese by default).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const attachment = (slug: string, ext: string) =>
    `attachment; filename="${slug}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${slug}-成绩.${ext}`)}`;
  /** One build per competition state and view; see services/export-cache.ts. */
  const built = new ExportCache<string | Buffer>();
  const cached = (
    kind: string,
    live: LiveCompetition,
    staff: boolean,
    make: () => Promise<string | Buffer> | string | Buffer,
  ) => built.get(exportKey(`${kind}:${live.slug}`, staff, [live.summary]), make);
  /** The logs and the people they name, for the staff exports. */
  const logSource = async (live: LiveCompetition): Promise<LogSource> => ({
    marks: await listMarks(app.store, live.id),
    audit: await listAudit(app.store, live.id),
    officials: await officialsById(app.store, live.id),
  });
  const view = (live: LiveCompetition, staff: boolean) =>
    staff ? live.snapshot() : live.publicSnapshot();
  /** Exports cost CPU: a viewer gets a few a minute (a CDN-less LAN has no other shield). */
  const limited = {
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { params: SlugParams, querystring: ExportQuery },
  };

  app.get('/export.csv', limited, async (req, reply) => {
    const live = competitionOf(req);
    const staff = isStaff(req, live);
    const lang = exportLang(req.query);
    const csv = await cached(`csv:${lang}`, live, staff, () => {
      const { header, rows } = standingsTable(view(live, staff), lang);
      return toCsv(header, rows);
    });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(live.slug, 'csv'))
      .send(csv);
  });

  app.get('/export.xlsx', limited, async (req, reply) => {
    const live = competitionOf(req);
    const staff = isStaff(req, live);
    const lang = exportLang(req.query);
    /**
     * With the last audit entry's id: staff actions that leave the revision as it is (an
     * official renamed, a login replaced) still change what the staff workbook's logs say.
     */
    const kind = `xlsx:${lang}${staff ? `:audit${await lastAuditId(app.store, live.id)}` : ''}`;
    const buf = await cached(kind, live, staff, async () =>
      toXlsx(live, view(live, staff), staff ? await logSource(live) : null, lang),
    );
    return reply.type(XLSX).header('content-disposition', attachment(live.slug, 'xlsx')).send(buf);
  });

  app.get('/results.html', limited, async (req, reply) => {
    const live = competitionOf(req);
    const judges = (await listOfficials(app.store, live.id))
      .filter((o) => o.role === 'judge')
      .map((o) => o.name);
    return reply
      .type('text/html; charset=utf-8')
      .send(resultsPage(view(live, isStaff(req, live)), judges, new Date()));
  });

  app.get(
    '/contestants/:bib/sheet.html',
    { schema: { params: SlugParams.extend({ bib: z.string() }) } },
    async (req, reply) => {
      const live = competitionOf(req);
      if (!isStaff(req, live)) throw new DomainError('auth/required', { why: 'sheet' });
      const { bib } = req.params;
      const row = live.standings().find((x) => x.bib === bib);
      if (!row) throw new DomainError('contestant/not_found', { bib });
      const people = await officialsById(app.store, live.id);
      const page = contestantSheetPage(
        live,
        row,
        await listMarks(app.store, live.id),
        (id) => {
          const o = people.get(id);
          return o ? `${o.code} ${o.name}` : '';
        },
        new Date(),
      );
      return reply.type('text/html; charset=utf-8').send(page);
    },
  );

  app.get(
    '/audit.csv',
    { schema: { params: SlugParams, querystring: ExportQuery } },
    async (req, reply) => {
      const live = competitionOf(req);
      if (!isStaff(req, live)) {
        if (req.official?.role === 'judge')
          throw new DomainError('auth/forbidden', { why: 'audit' });
        throw new DomainError('auth/required', { why: 'audit' });
      }
      const csv = auditCsv(live, await logSource(live), exportLang(req.query));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${live.slug}-audit.csv"`)
        .send(csv);
    },
  );

  const staffOwn = {
    onRequest: app.requireOfficial(['organiser', 'head-judge']),
    config: { competition: { own: true } },
  };

  app.get(
    '/certificates.html',
    {
      ...staffOwn,
      config: {
        ...staffOwn.config,
        invalid: { error: 'request/invalid', params: { missing: 'award_or_bib' } },
      },
      schema: { params: SlugParams, querystring: CertificateQuery },
    },
    async (req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(certificatesPage(competitionOf(req).snapshot(), req.query)),
  );

  app.get('/export.json', { ...staffOwn, schema: { params: SlugParams } }, async (req, reply) => {
    const live = competitionOf(req);
    return reply
      .header('content-disposition', `attachment; filename="${live.slug}.json"`)
      .send(await exportCompetition(app.store, live));
  });
};
export default routes;
