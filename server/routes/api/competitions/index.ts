import { storageComplaint } from '../../../services/mark-writer.ts';
import { competitionPayload } from '../../../../db/pg/revision-channel.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, isStorageError, isUniqueViolation } from '../../../plugins/errors.ts';
import { CompetitionCreated, NewCompetitionQuery, sentAs } from '../../../protocol/api.ts';
import { CompetitionsResponse } from '../../../protocol/http.ts';
import { formatIssues } from '../../../protocol/errors.ts';
import { recorderIssues } from '../../../protocol/fixture.ts';
import { MAX_COMPETITION_FILE_BYTES } from '../../../services/upload-bounds.ts';
import { CompetitionExport } from '../../../protocol/export.ts';
import { importCompetition } from '../../../services/transfer.ts';

/**
 * `/api/competitions`:
 * - `GET` — every competition's public summary;
 * - `POST` (organiser) — creates a competition from a file: a full export (re-imported into a
 *   fresh server), or a hand-made competition with a marking scheme and an empty log. Errors
 *   name the JSON path. New login tokens for every official are returned once. `?slug=` picks
 *   another slug.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', { schema: { response: { 200: sentAs(CompetitionsResponse) } } }, async () => ({
    competitions: app.live.all().map((l) => l.publicSummary),
  }));

  app.post(
    '/',
    {
      onRequest: app.requireOfficial(['organiser']),
      bodyLimit: MAX_COMPETITION_FILE_BYTES,
      config: { invalid: { error: 'competition/invalid', params: {} } },
      // The body is checked below, after the format of a file without one is filled in.
      schema: { querystring: NewCompetitionQuery, response: { 201: sentAs(CompetitionCreated) } },
    },
    async (req, reply) => {
      // A full export, or a competition file like the default fixture (its tokens are not
      // reused: new ones are issued).
      const raw = req.body as { format?: unknown } | null;
      const body = CompetitionExport.safeParse(
        raw && typeof raw === 'object' && raw.format === undefined
          ? { format: 'jiangxing-competition', version: 1, ...raw }
          : raw,
      );
      if (!body.success)
        throw new DomainError('competition/invalid', { issues: formatIssues(body.error.issues) });
      // A new competition file (not an export of an old one) names its panels' recorders.
      const recorders =
        raw && raw.format === undefined
          ? recorderIssues(body.data.scheme, body.data.officials)
          : [];
      if (recorders.length)
        throw new DomainError('competition/invalid', {
          issues: formatIssues(recorders, { root: '', join: '；' }),
        });
      const slug = req.query.slug ?? body.data.competition.slug;
      if (app.live.get(slug)) throw new DomainError('competition/slug_taken', { slug });
      let created: Awaited<ReturnType<typeof importCompetition>>;
      try {
        created = await importCompetition(app.store, app.custody, body.data, slug);
      } catch (err) {
        if (isStorageError(err as Error)) throw err;
        // Taken on another instance meanwhile (the check above knows this instance's only).
        if (isUniqueViolation(err as Error))
          throw new DomainError('competition/slug_taken', { slug });
        throw new DomainError('competition/invalid', { issues: storageComplaint(err) });
      }
      await app.live.load(slug);
      await app.store.notify(competitionPayload({ origin: app.store.instance, slug }));
      return reply.code(201).send(created);
    },
  );
};
export default routes;
