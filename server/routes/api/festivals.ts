import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { MAX_COMPETITION_FILE_BYTES } from '../../services/upload-bounds.ts';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import {
  insertFestival,
  listFestivals,
  shortCodeOf,
} from '../../../db/repositories/competitions.ts';
import { FestivalFixture } from '../../protocol/fixture.ts';
import { festivals } from '../../../db/schema.ts';
import { ExportCache, exportKey } from '../../services/export-cache.ts';
import {
  certificatesPage,
  festivalCsv,
  festivalXlsx,
  type FestivalSection,
} from '../../services/exports.ts';
import {
  festivalCompetitions,
  festivalSummary,
  previewAdvancement,
  runAdvancement,
  teamsOf,
  teamsResponse,
} from '../../services/festival.ts';
import type { LiveCompetition } from '../../services/live-competition.ts';
import { reloadEveryone } from './setup.ts';
import { competitionNotFound } from '../../plugins/errors.ts';
import { Slug } from '../../protocol/fixture.ts';
import { formatIssues } from '../../protocol/errors.ts';

const SlugParams = z.object({ slug: Slug });
const CertificateQuery = z.object({
  award: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/)
    .optional(),
  bib: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,12}$/)
    .optional(),
});
const NO_FESTIVAL = { error: 'festival/not_found', message: '没有这个技能节' };

/**
 * The festival layer (events × groups × rounds):
 * - `GET /api/festivals`, `GET /api/festivals/:slug` — competitions in event, group, round
 *   order and the projector rotation (public); `POST /api/festivals` (organiser) — a new
 *   festival from a festival file, with new login tokens;
 * - `GET /api/festivals/:slug/export.csv|xlsx` — one section (sheet) per competition with its
 *   team ranking; the public view, or the live one with the Bearer of an organiser of the
 *   festival;
 * - `GET /api/competitions/:slug/teams` — the team ranking (public view unless its own staff);
 * - `GET /api/competitions/:slug/advancement` (organiser, head judge) — who would go on;
 * - `POST /api/competitions/:slug/advance` (organiser) — makes them the next round's field;
 * - `GET /api/competitions/:slug/certificates.html[?award=ID][&bib=BIB]` (organiser, head
 *   judge) — printable A4 certificates, one per award held.
 */
const routes: FastifyPluginAsync = async (app) => {
  const staffOnly = app.requireOfficial(['organiser', 'head-judge']);
  const organiser = app.requireOfficial(['organiser']);

  const competition = (req: FastifyRequest): LiveCompetition | undefined => {
    const p = SlugParams.safeParse(req.params);
    return p.success ? app.live.get(p.data.slug) : undefined;
  };
  const bearer = (req: FastifyRequest) => req.official;
  /**
   * Whether the request sees a competition live (staff view) rather than as the public: its
   * own organiser or head judge, as everywhere else (`/standings`, exports).
   */
  const staffOfCompetition = (req: FastifyRequest, live: LiveCompetition) => {
    const who = bearer(req);
    return !!who && who.role !== 'judge' && who.competitionId === live.id;
  };
  /** Festival-wide staff view (the festival's exports): an organiser of any of its competitions. */
  const organiserOfFestival = (req: FastifyRequest, festivalId: number) => {
    const who = bearer(req);
    return (
      !!who &&
      who.role === 'organiser' &&
      app.live.byId(who.competitionId)?.festivalId === festivalId
    );
  };
  const festivalOf = (req: FastifyRequest) => {
    const p = SlugParams.safeParse(req.params);
    return p.success
      ? app.db.select().from(festivals).where(eq(festivals.slug, p.data.slug)).get()
      : undefined;
  };

  app.get('/api/festivals', async () => ({
    festivals: listFestivals(app.db).map((f) =>
      festivalSummary(f, festivalCompetitions(app.live.all(), f.id)),
    ),
  }));

  /**
   * `POST /api/festivals` (organiser): creates a festival from a festival file, every
   * competition with its scheme, contestants and officials, in one transaction. The file's
   * tokens are never used: every official gets a new one, returned once with its short code.
   */
  app.post(
    '/api/festivals',
    { onRequest: organiser, bodyLimit: MAX_COMPETITION_FILE_BYTES },
    async (req, reply) => {
      const body = FestivalFixture.safeParse(req.body);
      if (!body.success)
        return reply.code(400).send({
          error: 'festival/invalid',
          message: formatIssues(body.error.issues, { root: '(root)', join: '\n', limit: 20 }),
        });
      const f = body.data;
      const taken = [
        ...(app.db.select().from(festivals).where(eq(festivals.slug, f.festival.slug)).get()
          ? [f.festival.slug]
          : []),
        ...f.competitions.map((c) => c.competition.slug).filter((s) => app.live.get(s)),
      ];
      if (taken.length)
        return reply.code(409).send({
          error: 'festival/slug_taken',
          message: `已被使用的标识：${taken.join('、')}，请在文件中改名后再导入`,
        });
      const logins = f.competitions.map((c) =>
        c.officials.map((o) => ({ ...o, token: randomBytes(16).toString('hex') })),
      );
      insertFestival(app.db, app.custody, {
        ...f,
        competitions: f.competitions.map((c, i) => ({ ...c, officials: logins[i]! })),
      });
      for (const c of f.competitions) app.live.load(c.competition.slug);
      return reply.code(201).send({
        slug: f.festival.slug,
        competitions: f.competitions.map((c, i) => ({
          slug: c.competition.slug,
          logins: logins[i]!.map((o) => ({
            code: o.code,
            name: o.name,
            role: o.role,
            token: o.token,
            shortCode: shortCodeOf(o.token),
          })),
        })),
      });
    },
  );

  app.get('/api/festivals/:slug', async (req, reply) => {
    const f = festivalOf(req);
    if (!f) return reply.code(404).send(NO_FESTIVAL);
    return festivalSummary(f, festivalCompetitions(app.live.all(), f.id));
  });

  /** The festival's sections as this request may see them, and the key of what they show. */
  const sections = (req: FastifyRequest, festivalId: number) => {
    const staff = organiserOfFestival(req, festivalId);
    const members = festivalCompetitions(app.live.all(), festivalId);
    return {
      key: (kind: string) =>
        exportKey(
          `festival-${kind}:${festivalId}`,
          staff,
          members.map((m) => m.summary),
        ),
      build: (): FestivalSection[] =>
        members.map((live) => {
          const view = staff ? live.snapshot() : live.publicSnapshot();
          const revealing = view.competition.revealed !== null;
          const teams = teamsOf(live, view.rows);
          return { view, teams: revealing ? null : teams, teamsWithheld: revealing && !!teams };
        }),
    };
  };
  const built = new ExportCache<string | Buffer>();
  const limited = { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } };
  const attachment = (slug: string, ext: string) =>
    `attachment; filename="${slug}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${slug}-成绩汇总.${ext}`)}`;

  app.get('/api/festivals/:slug/export.csv', limited, async (req, reply) => {
    const f = festivalOf(req);
    if (!f) return reply.code(404).send(NO_FESTIVAL);
    const s = sections(req, f.id);
    const csv = await built.get(s.key('csv'), () => festivalCsv(f.titleZh, s.build()));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(f.slug, 'csv'))
      .send(csv);
  });

  app.get('/api/festivals/:slug/export.xlsx', limited, async (req, reply) => {
    const f = festivalOf(req);
    if (!f) return reply.code(404).send(NO_FESTIVAL);
    const s = sections(req, f.id);
    const xlsx = await built.get(s.key('xlsx'), () => festivalXlsx(f.titleZh, s.build()));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(f.slug, 'xlsx'))
      .send(xlsx);
  });

  app.get('/api/competitions/:slug/teams', async (req, reply) => {
    const live = competition(req);
    if (!live) throw competitionNotFound();
    const view = staffOfCompetition(req, live) ? live.snapshot() : live.publicSnapshot();
    // During the reveal the public holds only the revealed rows: no team ranking until final.
    const rows = view.competition.revealed !== null ? [] : view.rows;
    const body = teamsResponse(live, view.competition, rows);
    if (!body) return reply.code(404).send({ error: 'teams/none', message: '本项没有团体排名' });
    return body;
  });

  /** The competition of the URL, when the signed-in official belongs to it. */
  const own = (req: FastifyRequest) => {
    const live = competition(req);
    return live && req.official?.competitionId === live.id ? live : undefined;
  };

  app.get('/api/competitions/:slug/advancement', { onRequest: staffOnly }, async (req) => {
    const live = own(req);
    if (!live) throw competitionNotFound();
    return previewAdvancement(app.live.all(), live);
  });

  app.post('/api/competitions/:slug/advance', { onRequest: organiser }, async (req, reply) => {
    const live = own(req);
    if (!live) throw competitionNotFound();
    app.live.writer.flush();
    const r = runAdvancement(app.db, app.live.all(), live, req.official!.officialId);
    if (!r.ok) return reply.code(r.status).send({ error: r.error, message: r.message });
    // Both competitions' revisions moved (the audit entries): their boards start afresh.
    reloadEveryone(app, r.next.slug);
    reloadEveryone(app, live.slug);
    return { next: r.next.slug, count: r.count };
  });

  app.get(
    '/api/competitions/:slug/certificates.html',
    { onRequest: staffOnly },
    async (req, reply) => {
      const live = own(req);
      if (!live) throw competitionNotFound();
      const q = CertificateQuery.safeParse(req.query);
      if (!q.success)
        return reply
          .code(400)
          .send({ error: 'request/invalid', message: 'award 或 bib 参数格式不正确' });
      return reply.type('text/html; charset=utf-8').send(certificatesPage(live.snapshot(), q.data));
    },
  );
};
export default routes;
