import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { MAX_COMPETITION_FILE_BYTES } from '../../services/upload-bounds.ts';
import { recorderIssues } from '../../protocol/fixture.ts';
import { officialsById } from '../../../db/repositories/officials.ts';
import { and, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { credentialsOf, shortCodeOf } from '../../../db/repositories/competitions.ts';
import { auditLog, competitions, officials } from '../../../db/schema.ts';
import { CompetitionInfo, OfficialRole } from '../../protocol/fixture.ts';
import { SafeText } from '../../protocol/judge.ts';
import { CloseCode } from '../../protocol/constants.ts';
import type { LiveCompetition } from '../../services/live-competition.ts';
import {
  CompetitionExport,
  exportCompetition,
  importCompetition,
} from '../../services/transfer.ts';
import { competitionNotFound } from '../../plugins/errors.ts';
import { formatIssues } from '../../protocol/errors.ts';
import { Slug } from '../../protocol/fixture.ts';

const SlugParams = z.object({ slug: Slug });
const CodeParams = SlugParams.extend({ code: z.string().regex(/^[A-Z0-9]{2,8}$/) });

/** What the organiser may edit of a competition: everything but its slug and scheme. */
const Settings = CompetitionInfo.omit({ slug: true })
  .extend({
    title: z.object({ zh: SafeText.min(1).max(200), en: SafeText.min(1).max(200) }),
    venue: SafeText.max(120),
  })
  .partial();

const NewOfficial = z.object({
  code: z.string().regex(/^[A-Z0-9]{2,8}$/, 'code: 2–8 capital letters or digits'),
  name: SafeText.min(1).max(60),
  role: OfficialRole,
  sheets: z.array(z.string().max(64)).max(100).default([]),
  /** Stations whose panel measurements this judge records (docs/scheme.md). */
  records: z.array(z.string().max(64)).max(100).default([]),
});
const OfficialPatch = z.object({
  name: SafeText.min(1).max(60).optional(),
  sheets: z.array(z.string().max(64)).max(100).optional(),
  records: z.array(z.string().max(64)).max(100).optional(),
});

const issues = (e: z.ZodError) => formatIssues(e.issues);

/**
 * The organiser's management of a competition (Bearer token or password session):
 * - `PATCH /api/competitions/:slug` — title, venue, date, time zone, locale;
 * - `POST /api/competitions/:slug/officials` — a new judge, head judge or organiser with their
 *   sheets; the login token and short code are returned once;
 * - `PATCH /api/competitions/:slug/officials/:code` — rename, or assign other sheets (open
 *   tablets of that judge reconnect to see them).
 * Each change is in the audit log.
 */
const routes: FastifyPluginAsync = async (app) => {
  const organiser = app.requireOfficial(['organiser']);
  const own = (req: FastifyRequest): LiveCompetition | undefined => {
    const p = SlugParams.safeParse(req.params);
    const live = p.success ? app.live.get(p.data.slug) : undefined;
    return live && live.id === req.official?.competitionId ? live : undefined;
  };
  const audit = (live: LiveCompetition, officialId: number, action: string, detail: object) =>
    app.db
      .insert(auditLog)
      .values({
        competitionId: live.id,
        officialId,
        action,
        detailJson: JSON.stringify(detail),
        revision: live.revision,
        createdAt: new Date().toISOString(),
      })
      .run();
  const unknownSheets = (live: LiveCompetition, sheets: string[]) =>
    sheets.filter((s) => !live.index.sheets.has(s));

  /** The full JSON export: settings, scheme, contestants, officials (no tokens), the whole log, locks. */
  app.get(
    '/api/competitions/:slug/export.json',
    { onRequest: app.requireOfficial(['organiser', 'head-judge']) },
    async (req, reply) => {
      const live = own(req);
      if (!live) throw competitionNotFound();
      return reply
        .header('content-disposition', `attachment; filename="${live.slug}.json"`)
        .send(exportCompetition(app.db, live));
    },
  );

  /**
   * Creates a competition from a file: a full export (re-imported into a fresh server), or a
   * hand-made competition with a marking scheme and an empty log. Errors name the JSON path.
   * New login tokens for every official are returned once. `?slug=` picks another slug.
   */
  app.post(
    '/api/competitions',
    { onRequest: organiser, bodyLimit: MAX_COMPETITION_FILE_BYTES },
    async (req, reply) => {
      const q = z.object({ slug: SlugParams.shape.slug.optional() }).safeParse(req.query);
      // A full export, or a competition file like the default fixture (its tokens are not
      // reused: new ones are issued).
      const raw = req.body as { format?: unknown } | null;
      const body = CompetitionExport.safeParse(
        raw && typeof raw === 'object' && raw.format === undefined
          ? { format: 'jiangxing-competition', version: 1, ...raw }
          : raw,
      );
      if (!q.success || !body.success)
        return reply.code(400).send({
          error: 'competition/invalid',
          message: body.success ? '无效的 slug' : issues(body.error),
        });
      // A new competition file (not an export of an old one) names its panels' recorders.
      const recorders =
        raw && raw.format === undefined
          ? recorderIssues(body.data.scheme, body.data.officials)
          : [];
      if (recorders.length)
        return reply.code(400).send({
          error: 'competition/invalid',
          message: formatIssues(recorders, { root: '', join: '；' }),
        });
      const slug = q.data.slug ?? body.data.competition.slug;
      if (app.live.get(slug))
        return reply.code(409).send({
          error: 'competition/slug_taken',
          message: `已有比赛使用 “${slug}”，请用 ?slug= 另取一个`,
        });
      let created: ReturnType<typeof importCompetition>;
      try {
        created = importCompetition(app.db, app.custody, body.data, slug);
      } catch (err) {
        return reply
          .code(400)
          .send({ error: 'competition/invalid', message: (err as Error).message });
      }
      app.live.load(slug);
      return reply.code(201).send(created);
    },
  );

  app.patch('/api/competitions/:slug', { onRequest: organiser }, async (req, reply) => {
    const live = own(req);
    if (!live) throw competitionNotFound();
    const body = Settings.safeParse(req.body);
    if (!body.success)
      return reply.code(400).send({ error: 'request/invalid', message: issues(body.error) });
    if (body.data.timeZone && !isTimeZone(body.data.timeZone))
      return reply
        .code(400)
        .send({ error: 'request/invalid', message: `timeZone: 未知时区 “${body.data.timeZone}”` });
    const { title, ...rest } = body.data;
    const row = app.db
      .update(competitions)
      .set({
        ...rest,
        ...(title ? { titleZh: title.zh, titleEn: title.en } : {}),
        revision: sql`${competitions.revision} + 1`,
      })
      .where(eq(competitions.id, live.id))
      .returning()
      .get()!;
    audit(live, req.official!.officialId, 'competition.edit', body.data);
    app.live.publish(live, live.applyCourse(row, {}, null));
    return { competition: live.summary };
  });

  app.post('/api/competitions/:slug/officials', { onRequest: organiser }, async (req, reply) => {
    const live = own(req);
    if (!live) throw competitionNotFound();
    const body = NewOfficial.safeParse(req.body);
    if (!body.success)
      return reply.code(400).send({ error: 'request/invalid', message: issues(body.error) });
    const bad = unknownSheets(live, body.data.sheets);
    if (bad.length)
      return reply
        .code(400)
        .send({ error: 'official/unknown_sheet', message: `评分标准中没有：${bad.join('、')}` });
    const recording = recorderProblem(live, { ...body.data });
    if (recording) return reply.code(400).send({ error: 'official/recorder', message: recording });
    const taken = app.db
      .select()
      .from(officials)
      .where(and(eq(officials.competitionId, live.id), eq(officials.code, body.data.code)))
      .get();
    if (taken)
      return reply.code(409).send({
        error: 'official/code_taken',
        message: `编号 ${body.data.code} 已被 ${taken.name} 使用`,
      });
    const token = randomBytes(16).toString('hex');
    app.db
      .insert(officials)
      .values({
        competitionId: live.id,
        code: body.data.code,
        name: body.data.name,
        role: body.data.role,
        ...credentialsOf(app.custody, token),
        sheetsJson: JSON.stringify(body.data.sheets),
        recordsJson: JSON.stringify(body.data.records),
      })
      .run();
    audit(live, req.official!.officialId, 'official.create', {
      code: body.data.code,
      role: body.data.role,
      sheets: body.data.sheets,
      records: body.data.records,
    });
    live.setOfficials(officialsById(app.db, live.id).values());
    return reply.code(201).send({
      ...body.data,
      token,
      shortCode: shortCodeOf(token),
      loginPath: `/judge-tablet/#token=${token}`,
    });
  });

  app.patch(
    '/api/competitions/:slug/officials/:code',
    { onRequest: organiser },
    async (req, reply) => {
      const live = own(req);
      const p = CodeParams.safeParse(req.params);
      if (!live || !p.success) throw competitionNotFound();
      const body = OfficialPatch.safeParse(req.body);
      if (!body.success)
        return reply.code(400).send({ error: 'request/invalid', message: issues(body.error) });
      const bad = unknownSheets(live, body.data.sheets ?? []);
      if (bad.length)
        return reply
          .code(400)
          .send({ error: 'official/unknown_sheet', message: `评分标准中没有：${bad.join('、')}` });
      const target = app.db
        .select()
        .from(officials)
        .where(and(eq(officials.competitionId, live.id), eq(officials.code, p.data.code)))
        .get();
      if (!target)
        return reply
          .code(404)
          .send({ error: 'official/not_found', message: `没有编号为 ${p.data.code} 的工作人员` });
      const recording = recorderProblem(live, {
        code: target.code,
        sheets: body.data.sheets ?? (JSON.parse(target.sheetsJson) as string[]),
        records: body.data.records ?? (JSON.parse(target.recordsJson) as string[]),
      });
      if (recording)
        return reply.code(400).send({ error: 'official/recorder', message: recording });
      app.db
        .update(officials)
        .set({
          ...(body.data.name ? { name: body.data.name } : {}),
          ...(body.data.sheets ? { sheetsJson: JSON.stringify(body.data.sheets) } : {}),
          ...(body.data.records ? { recordsJson: JSON.stringify(body.data.records) } : {}),
        })
        .where(eq(officials.id, target.id))
        .run();
      audit(live, req.official!.officialId, 'official.edit', { code: target.code, ...body.data });
      live.setOfficials(officialsById(app.db, live.id).values());
      // The judge's open tablets reconnect and get a welcome with the new sheets; when the
      // recorder of a panel changed, so do the tablets of that panel (who records, read-only).
      const panelSheets = new Set(
        [...(body.data.records ?? []), ...(JSON.parse(target.recordsJson) as string[])].flatMap(
          (st) => live.index.stations.get(st)?.sheetIds ?? [],
        ),
      );
      const recordersMoved =
        body.data.records !== undefined && JSON.stringify(body.data.records) !== target.recordsJson;
      for (const [ws, officialId] of app.live.judges.get(live.id) ?? [])
        if (
          officialId === target.id ||
          (recordersMoved && [...live.sheetsOf(officialId)].some((s) => panelSheets.has(s)))
        )
          ws.close(CloseCode.serverShutdown, 'assignment changed');
      return {
        code: target.code,
        name: body.data.name ?? target.name,
        sheets: body.data.sheets ?? (JSON.parse(target.sheetsJson) as string[]),
        records: body.data.records ?? (JSON.parse(target.recordsJson) as string[]),
      };
    },
  );
};

/**
 * What is wrong with an official's recorder assignment once `changed` replaces his row among
 * the competition's other officials (not revoked): a second recorder for a station, a recorder
 * off the panel, an unknown station. A panel without a recorder yet is fine while assigning:
 * its marks are refused until one is named. Null when nothing is wrong.
 */
function recorderProblem(
  live: LiveCompetition,
  changed: { code: string; sheets: string[]; records: string[] },
): string | null {
  const others = [...live.recorderAssignments()].filter((o) => o.code !== changed.code);
  const all = [...others, changed];
  const issues = recorderIssues(live.index.scheme, all, false).filter(
    (i) => i.path[1] === all.length - 1 || i.message.includes(changed.code),
  );
  return issues.length ? issues.map((i) => i.message).join('；') : null;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export default routes;
