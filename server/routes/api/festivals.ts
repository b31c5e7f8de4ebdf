import { competitionPayload } from '../../../db/pg/revision-channel.ts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_COMPETITION_FILE_BYTES } from '../../services/upload-bounds.ts';
import { randomBytes } from 'node:crypto';
import {
  getFestivalBySlug,
  insertFestival,
  listFestivals,
  shortCodeOf,
} from '../../../db/repositories/competitions.ts';
import { FestivalFixture } from '../../protocol/fixture.ts';
import { ExportCache, exportKey } from '../../services/export-cache.ts';
import { festivalCsv, festivalXlsx, type FestivalSection } from '../../services/exports.ts';
import { festivalCompetitions, festivalSummary, teamsOf } from '../../services/festival.ts';
import { DomainError, isUniqueViolation } from '../../plugins/errors.ts';
import { FestivalCreated, sentAs, SlugParams } from '../../protocol/api.ts';
import { FestivalsResponse, FestivalSummary } from '../../protocol/http.ts';
import { formatIssues } from '../../protocol/errors.ts';

const noFestival = () => new DomainError('festival/not_found', {});

/**
 * The festival layer (events × groups × rounds):
 * - `GET /api/festivals`, `GET /api/festivals/:slug` — competitions in event, group, round
 *   order and the projector rotation (public); `POST /api/festivals` (organiser) — a new
 *   festival from a festival file, with new login tokens;
 * - `GET /api/festivals/:slug/export.csv|xlsx` — one section (sheet) per competition with its
 *   team ranking; the public view, or the live one with the Bearer of an organiser of the
 *   festival;
 * The rounds of one competition are under its own URL (competitions/_slug/advancement.ts).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const organiser = app.requireOfficial(['organiser']);
  const bearer = (req: FastifyRequest) => req.official;
  /** Festival-wide staff view (the festival's exports): an organiser of any of its competitions. */
  const organiserOfFestival = (req: FastifyRequest, festivalId: number) => {
    const who = bearer(req);
    return (
      !!who &&
      who.role === 'organiser' &&
      app.live.byId(who.competitionId)?.festivalId === festivalId
    );
  };
  /** The festival of the URL, or the not-found answer. */
  const festivalOf = async (req: FastifyRequest) => {
    const { slug } = req.params as { slug: string };
    const f = await getFestivalBySlug(app.store, slug);
    if (!f) throw noFestival();
    return f;
  };
  /** A festival slug that is not one: as a festival that is not there. */
  const byFestival = {
    config: { invalid: { error: 'festival/not_found', params: {} } },
  } as const;

  app.get(
    '/api/festivals',
    { schema: { response: { 200: sentAs(FestivalsResponse) } } },
    async () => ({
      festivals: (await listFestivals(app.store)).map((f) =>
        festivalSummary(f, festivalCompetitions(app.live.all(), f.id)),
      ),
    }),
  );

  /**
   * `POST /api/festivals` (organiser): creates a festival from a festival file, every
   * competition with its scheme, contestants and officials, in one transaction. The file's
   * tokens are never used: every official gets a new one, returned once with its short code.
   */
  app.post(
    '/api/festivals',
    {
      onRequest: organiser,
      bodyLimit: MAX_COMPETITION_FILE_BYTES,
      schema: { response: { 201: sentAs(FestivalCreated) } },
    },
    async (req, reply) => {
      const body = FestivalFixture.safeParse(req.body);
      if (!body.success)
        throw new DomainError('festival/invalid', {
          issues: formatIssues(body.error.issues, { root: '(root)', join: '\n', limit: 20 }),
        });
      const f = body.data;
      const taken = [
        ...((await getFestivalBySlug(app.store, f.festival.slug)) ? [f.festival.slug] : []),
        ...f.competitions.map((c) => c.competition.slug).filter((s) => app.live.get(s)),
      ];
      if (taken.length) throw new DomainError('festival/slug_taken', { slugs: taken });
      const logins = f.competitions.map((c) =>
        c.officials.map((o) => ({ ...o, token: randomBytes(16).toString('hex') })),
      );
      try {
        await insertFestival(app.store, app.custody, {
          ...f,
          competitions: f.competitions.map((c, i) => ({ ...c, officials: logins[i]! })),
        });
      } catch (err) {
        // A slug taken on another instance meanwhile (the check above knows this one's only).
        if (isUniqueViolation(err as Error))
          throw new DomainError('festival/slug_taken', {
            slugs: [f.festival.slug, ...f.competitions.map((c) => c.competition.slug)],
          });
        throw err;
      }
      for (const c of f.competitions) {
        await app.live.load(c.competition.slug);
        await app.store.notify(
          competitionPayload({ origin: app.store.instance, slug: c.competition.slug }),
        );
      }
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

  app.get(
    '/api/festivals/:slug',
    { ...byFestival, schema: { params: SlugParams, response: { 200: sentAs(FestivalSummary) } } },
    async (req) => {
      const f = await festivalOf(req);
      return festivalSummary(f, festivalCompetitions(app.live.all(), f.id));
    },
  );

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

  app.get(
    '/api/festivals/:slug/export.csv',
    { config: { ...limited.config, ...byFestival.config }, schema: { params: SlugParams } },
    async (req, reply) => {
      const f = await festivalOf(req);
      const s = sections(req, f.id);
      const csv = await built.get(s.key('csv'), () => festivalCsv(f.titleZh, s.build()));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(f.slug, 'csv'))
        .send(csv);
    },
  );

  app.get(
    '/api/festivals/:slug/export.xlsx',
    { config: { ...limited.config, ...byFestival.config }, schema: { params: SlugParams } },
    async (req, reply) => {
      const f = await festivalOf(req);
      const s = sections(req, f.id);
      const xlsx = await built.get(s.key('xlsx'), () => festivalXlsx(f.titleZh, s.build()));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachment(f.slug, 'xlsx'))
        .send(xlsx);
    },
  );
};
export default routes;
