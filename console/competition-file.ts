/**
 * A file picked on the import screen to create from: a competition (an `export.json`, or a
 * hand-made competition with a marking scheme), or a festival (技能节: several competitions,
 * events × groups × rounds). Read enough of it to say what it is before it is sent. The server
 * checks the whole file (`POST /api/competitions`, `POST /api/festivals`) and names the JSON
 * path of any fault.
 */
import type {
  CompetitionCreated,
  FestivalCreated,
  MarkingScheme,
  NewLogin,
  Rounding,
} from '#protocol';
import { SLUG_PATTERN } from '../server/protocol/constants.ts';
import { pick, type Lang } from './i18n.ts';

type Label = { zh: string; en: string };

/** A competition file, as read. */
export interface CompetitionFileInfo {
  ok: true;
  kind: 'competition';
  /** The parsed file, sent as is. */
  json: unknown;
  /** `competition.slug` of the file, when it has a usable one. */
  slug: string | null;
  /** `competition.title` of the file, when it has one. */
  title: Label | null;
  /** How many contestants and log entries it carries (a hand-made file has no log). */
  contestants: number;
  logEntries: number;
  /** The scheme's version and totals rule; null when the file has no readable scheme. */
  scheme: SchemeTotals | null;
}

/**
 * What the new-competition panel says of a scheme before it is sent: its version and how its
 * total is made, with version 2's defaults filled in (docs/scheme.md, "Version 2"). The
 * server validates the scheme; this only reads it.
 */
export interface SchemeTotals {
  version: MarkingScheme['schemaVersion'];
  basis: NonNullable<MarkingScheme['basis']>;
  stage: Rounding['stage'];
  mode: Rounding['mode'];
}

/** Reads {@link SchemeTotals} from a file's `scheme`; null when it is not a version 1 or 2 scheme. */
export function schemeTotals(v: unknown): SchemeTotals | null {
  if (!isObject(v) || (v.schemaVersion !== 1 && v.schemaVersion !== 2)) return null;
  const r = isObject(v.rounding) ? v.rounding : {};
  const stages = ['attempt', 'station', 'module', 'total'] as const;
  return {
    version: v.schemaVersion,
    basis: v.basis === 'points' ? 'points' : 'weighted',
    stage: stages.find((s) => s === r.stage) ?? 'station',
    mode: r.mode === 'truncate' ? 'truncate' : 'half-up',
  };
}

/** One competition of a festival file, placed as the server will place it. */
export interface FestivalFileCompetition {
  /** `competition.slug`, when it is a usable one. */
  slug: string | null;
  title: Label | null;
  /** Event (工种), group (组别) and round (轮次), with the server's defaults when absent. */
  event: Label;
  group: Label;
  round: Label;
  roundOrder: number;
  contestants: number;
  officials: number;
  scheme: SchemeTotals | null;
}

/** A festival file (top-level `festival` object and `competitions` array), as read. */
export interface FestivalFileInfo {
  ok: true;
  kind: 'festival';
  /** The parsed file, sent as is. */
  json: unknown;
  /** `festival.slug`, when it is a usable one. */
  slug: string | null;
  title: Label | null;
  venue: string;
  date: string;
  /** The competitions in file order. */
  competitions: FestivalFileCompetition[];
}

export type CompetitionFile =
  CompetitionFileInfo | FestivalFileInfo | { ok: false; error: 'not_json' | 'not_competition' };

/** The placement defaults of a competition that names none (db/repositories/competitions.ts). */
export const OPEN_GROUP: Label = { zh: '不分组', en: 'Open' };
export const FINAL_ROUND: Label = { zh: '决赛', en: 'Final' };

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

function labelOf(v: unknown): Label | null {
  return isObject(v) && typeof v.zh === 'string' && typeof v.en === 'string'
    ? { zh: v.zh, en: v.en }
    : null;
}

const slugOf = (v: unknown): string | null =>
  typeof v === 'string' && SLUG_PATTERN.test(v) ? v : null;

const countOf = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

function readFestivalCompetition(v: unknown): FestivalFileCompetition {
  const c = isObject(v) ? v : {};
  const info = isObject(c.competition) ? c.competition : {};
  const title = labelOf(info.title);
  const placed = (p: unknown) => (isObject(p) ? labelOf(p.label) : null);
  const order = isObject(c.round) ? c.round.order : undefined;
  return {
    slug: slugOf(info.slug),
    title,
    event: placed(c.event) ?? title ?? { zh: '—', en: '—' },
    group: placed(c.group) ?? OPEN_GROUP,
    round: placed(c.round) ?? FINAL_ROUND,
    roundOrder: typeof order === 'number' ? order : 1,
    contestants: countOf(c.contestants),
    officials: countOf(c.officials),
    scheme: schemeTotals(c.scheme),
  };
}

/**
 * Reads a picked file's text: a festival when it has a `festival` object and a `competitions`
 * array, else a competition when it has a `competition` object. The server does the real
 * validation.
 */
export function readCompetitionFile(text: string): CompetitionFile {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, error: 'not_json' };
  }
  if (!isObject(json)) return { ok: false, error: 'not_competition' };
  if (isObject(json.festival) && Array.isArray(json.competitions)) {
    const f = json.festival;
    return {
      ok: true,
      kind: 'festival',
      json,
      slug: slugOf(f.slug),
      title: labelOf(f.title),
      venue: typeof f.venue === 'string' ? f.venue : '',
      date: typeof f.date === 'string' ? f.date : '',
      competitions: json.competitions.map(readFestivalCompetition),
    };
  }
  if (!isObject(json.competition)) return { ok: false, error: 'not_competition' };
  const c = json.competition;
  return {
    ok: true,
    kind: 'competition',
    json,
    slug: slugOf(c.slug),
    title: labelOf(c.title),
    contestants: countOf(json.contestants),
    logEntries: countOf(json.log),
    scheme: schemeTotals(json.scheme),
  };
}

/** "工种 · 组别 · 轮次" of a competition in a festival file, in the console's language. */
export function fileCompetitionLabel(c: FestivalFileCompetition, lang: Lang): string {
  return [c.event, c.group, c.round].map((l) => pick(l, lang)).join(' · ');
}

/** A festival just created, as the console shows it: each competition placed, logins sorted. */
export interface CreatedFestival {
  slug: string;
  title: Label | null;
  competitions: (CompetitionCreated & { placed: FestivalFileCompetition | null })[];
}

/** Role order in the list of new logins: the organiser first (the code the console takes). */
const ROLE_ORDER = { organiser: 0, 'head-judge': 1, judge: 2 } as const;

/** The new logins, organiser first, then the head judge, then judges by code. */
export function sortLogins(logins: readonly NewLogin[]): NewLogin[] {
  return [...logins].sort(
    (a, b) =>
      (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) ||
      a.code.localeCompare(b.code, 'en', { numeric: true }),
  );
}

/**
 * The server's answer joined with the file as read: each competition (server order) with its
 * placement from the file and its new logins, organiser first.
 */
export function createdFestival(answer: FestivalCreated, file: FestivalFileInfo): CreatedFestival {
  return {
    slug: answer.slug,
    title: file.title,
    competitions: (answer.competitions ?? []).map((c) => ({
      slug: c.slug,
      placed: file.competitions.find((p) => p.slug === c.slug) ?? null,
      logins: sortLogins(c.logins ?? []),
    })),
  };
}

/**
 * Where the console enters a festival just created: the first competition with an organiser
 * login, and that login. The console signs in with it; from there the festival view switches
 * to the other competitions without a code.
 */
export function festivalEntry(
  f: CreatedFestival,
): { competition: CreatedFestival['competitions'][number]; organiser: NewLogin } | null {
  for (const competition of f.competitions) {
    const organiser = competition.logins.find((l) => l.role === 'organiser');
    if (organiser) return { competition, organiser };
  }
  return null;
}
