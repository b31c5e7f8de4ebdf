import { z } from 'zod';
import { OfficialRole, Slug } from './fixture.ts';
import { SafeText } from './judge.ts';

/**
 * The HTTP contract's requests (params, query, bodies) and the answers whose shape clients
 * rely on, as zod schemas the routes declare (`schema: {params, querystring, body, response}`).
 * Answers that are open (standings rows, a competition summary) are declared loose: their
 * named fields are checked, the rest passes as it is, so a schema never strips what a page
 * reads. Answers that are files (CSV, XLSX, HTML, a database) have no response schema.
 */

export const SlugParams = z.object({ slug: Slug });
/** An official's code in a URL. */
export const OfficialCode = z.string().regex(/^[A-Z0-9]{2,8}$/);
export const OfficialParams = SlugParams.extend({ code: OfficialCode });

/** `?lang=zh|en` of the exports (anything else: Chinese). */
export const ExportQuery = z.looseObject({ lang: z.unknown().optional() });

/**
 * An open answer (standings, a summary, the marks log): checked to be an object and sent as
 * it is, nothing stripped or copied, so a large answer costs no more than JSON.stringify.
 */
export const JsonAnswer = z.custom<object>((v) => typeof v === 'object' && v !== null);
/**
 * An answer declared by its protocol schema (protocol/http.ts, course.ts) and sent as it is:
 * the handler must return `z.output<S>` (the compiler checks it), and nothing is parsed,
 * stripped or copied on the way out, so a large answer costs no more than JSON.stringify and a
 * field the schema does not name yet still reaches the page. server/protocol-answers.test.ts
 * parses the real answers with the schemas themselves, so a declared shape cannot drift from
 * what is sent.
 */
export function sentAs<S extends z.ZodType>(_schema: S): z.ZodType<z.output<S>> {
  return JsonAnswer as unknown as z.ZodType<z.output<S>>;
}
/** The answers of a route that also sends bodies with 4xx/5xx (an import's refused lines). */
export const JsonAnswers = { 200: JsonAnswer, '4xx': JsonAnswer, '5xx': JsonAnswer };
/** `{ok: true}`, and the revision a write produced. */
export const Ok = z.object({ ok: z.literal(true) });
export const WriteOk = z.object({ ok: z.literal(true), revision: z.number().int() });

// ── /api/session ─────────────────────────────────────────────────────────────

export const PasswordLogin = z.object({ slug: Slug, password: z.string().min(1).max(200) });
/** A short code as typed (7KQ2M-XD4PA; case, spaces and look-alikes are forgiven). */
export const CodeLogin = z.object({ code: z.string().min(10).max(40) });
export const SessionSwitch = z.object({ slug: Slug });
export const Session = z.object({
  token: z.string(),
  expiresAt: z.string(),
  role: OfficialRole,
  code: z.string().optional(),
  name: z.string().optional(),
  competition: z.string().optional(),
});
export const Me = z.object({
  code: z.string(),
  name: z.string(),
  role: OfficialRole,
  sheets: z.array(z.string()),
  competition: z.string().nullable(),
});

// ── /api/competitions/:slug/… (head judge) ───────────────────────────────────

const Reason = SafeText.min(2).max(200);
const OptionalClientId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/)
  .optional();
export const MarkParams = SlugParams.extend({ id: z.coerce.number().int() });
export const VoidRequest = z.object({
  reason: z.string().trim().min(2).max(200),
  clientId: OptionalClientId,
});
export const RerunRequest = VoidRequest.extend({
  contestantId: z.number().int().positive(),
  stationId: z.string().max(64),
  attempt: z.number().int().min(1).max(20),
});
export const RescoreRequestBody = z.object({
  contestantId: z.number().int().positive(),
  sheetId: z.string().max(64),
  reason: Reason,
});
export const RescoreAnswer = z.object({
  ok: z.literal(true),
  id: z.number().int(),
  tabletsTold: z.number().int(),
});

// ── officials ────────────────────────────────────────────────────────────────

const SheetIds = z.array(z.string().max(64)).max(100);
export const NewOfficialRequest = z.object({
  code: z.string().regex(/^[A-Z0-9]{2,8}$/, 'code: 2–8 capital letters or digits'),
  name: SafeText.min(1).max(60),
  role: OfficialRole,
  sheets: SheetIds.default([]),
  /** Stations whose panel measurements this judge records (docs/scheme.md). */
  records: SheetIds.default([]),
});
export const OfficialPatchRequest = z.object({
  name: SafeText.min(1).max(60).optional(),
  sheets: SheetIds.optional(),
  records: SheetIds.optional(),
});
/** Revoke or rotate: an optional reason for the audit log. */
export const CredentialChange = z
  .object({ reason: SafeText.max(200).optional() })
  .default({})
  .optional();
export const Login = z.object({
  code: z.string(),
  token: z.string(),
  shortCode: z.string(),
  loginPath: z.string(),
});

// ── set-up ───────────────────────────────────────────────────────────────────

export const DryRunQuery = z.looseObject({ dryRun: z.unknown().optional() });
export const DrawRequest = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .optional();
export const DrawAnswer = z.object({
  seed: z.number().int(),
  order: z.array(z.object({ bib: z.string(), drawOrder: z.number().int() })),
});
export const NewCompetitionQuery = z.object({ slug: Slug.optional() });

// ── imports ──────────────────────────────────────────────────────────────────

export const ImportParams = SlugParams.extend({ criterionId: z.string().max(64) });
export const ImportQuery = z.object({
  dryRun: z.enum(['0', '1', 'true', 'false']).optional(),
});

// ── festivals ────────────────────────────────────────────────────────────────

export const CertificateQuery = z.object({
  award: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/)
    .optional(),
  bib: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,12}$/)
    .optional(),
});
export const AdvanceAnswer = z.object({ next: z.string(), count: z.number().int() });
