import { z } from 'zod';
import { CompetitionInfo, ContestantInput, OfficialRole, recorderIssues } from './fixture.ts';
import { MarkingScheme } from './scheme.ts';

/**
 * The full JSON export of a competition (`GET /api/competitions/:slug/export.json`), and the
 * file `POST /api/competitions` creates one from (a re-import into a fresh server): settings,
 * scheme, contestants, officials (without tokens: new ones are issued on import), the whole
 * marks log and the station locks, in order. Parsed by zod on the way in, so a hand-made file
 * (a new competition from a scheme) gets the same path-named errors.
 */

/** One entry of the marks log in the file: officials by code, references by position. */
const LogEntry = z.object({
  kind: z.enum(['mark', 'void', 'rerun']),
  bib: z.string(),
  official: z.string(),
  sheetId: z.string().nullable(),
  stationId: z.string().nullable(),
  attempt: z.number().int().min(1),
  values: z.record(z.string(), z.unknown()),
  reason: z.string().nullable(),
  /** Position in `log` of the entry this one supersedes or voids. */
  supersedes: z.number().int().min(0).nullable(),
  target: z.number().int().min(0).nullable(),
  createdAt: z.string(),
  /**
   * The rules version the entry was written under (engine/log.ts MARK_RULES). Files written
   * before marks had owners carry none: they are rules 1 and keep that meaning.
   */
  rules: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Rules 2: the owner's official code; null for the line of a one-judge sheet. */
  owner: z.string().nullable().default(null),
  /** Rules 2: the mark carries the sheet's measurements (its author was the recorder). */
  measures: z.boolean().default(false),
});

const PlaceText = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
  label: z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
});

/** The competition file (`format: 'jiangxing-competition'`, version 1). */
export const CompetitionExport = z
  .object({
    format: z.literal('jiangxing-competition'),
    version: z.literal(1),
    competition: CompetitionInfo.extend({
      state: z.enum(['draft', 'live', 'frozen', 'final']).default('live'),
      nameDisplay: z.enum(['full', 'masked']).default('full'),
    }),
    /** Where it sat in its festival; an import makes it a festival of its own. */
    event: PlaceText.optional(),
    group: PlaceText.optional(),
    round: PlaceText.extend({ order: z.number().int().min(1).max(20) }).optional(),
    scheme: MarkingScheme,
    contestants: z
      .array(
        ContestantInput.extend({ carriedMilli: z.number().int().min(0).nullable().default(null) }),
      )
      .max(100_000),
    officials: z
      .array(
        z.object({
          code: z.string().regex(/^[A-Z0-9]{2,8}$/),
          name: z.string().min(1).max(60),
          role: OfficialRole,
          sheets: z.array(z.string()),
          records: z.array(z.string()).default([]),
        }),
      )
      .max(1000),
    log: z.array(LogEntry).max(5_000_000).default([]),
    locks: z
      .array(
        z.object({
          stationId: z.string(),
          action: z.enum(['lock', 'reopen']),
          official: z.string(),
          reason: z.string().nullable(),
          createdAt: z.string(),
        }),
      )
      .default([]),
  })
  .superRefine((f, ctx) => {
    // An export written before recorders existed names none: it still imports (its log keeps its
    // meaning), and new marks on such a panel are refused until the organiser names one.
    for (const issue of recorderIssues(f.scheme, f.officials, false))
      ctx.addIssue({ code: 'custom', ...issue });
  });
export type CompetitionExport = z.infer<typeof CompetitionExport>;
