/**
 * A competition file picked on the import screen (an `export.json`, or a hand-made competition
 * with a marking scheme): read enough of it to say what it is before it is sent. The server
 * checks the whole file (`POST /api/competitions`) and names the JSON path of any fault.
 */

/** Slugs the server accepts (server/protocol/fixture.ts `CompetitionInfo.slug`). */
export const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,63}$/;

export type CompetitionFile =
  | {
      ok: true;
      /** The parsed file, sent as is. */
      json: unknown;
      /** `competition.slug` of the file, when it has a usable one. */
      slug: string | null;
      /** `competition.title` of the file, when it has one. */
      title: { zh: string; en: string } | null;
      /** How many contestants and log entries it carries (a hand-made file has no log). */
      contestants: number;
      logEntries: number;
    }
  | { ok: false; error: 'not_json' | 'not_competition' };

/** Reads a picked file's text; the server does the real validation. */
export function readCompetitionFile(text: string): CompetitionFile {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, error: 'not_json' };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    return { ok: false, error: 'not_competition' };
  const f = json as {
    competition?: { slug?: unknown; title?: { zh?: unknown; en?: unknown } };
    contestants?: unknown;
    log?: unknown;
  };
  if (!f.competition || typeof f.competition !== 'object')
    return { ok: false, error: 'not_competition' };
  const slug = typeof f.competition.slug === 'string' ? f.competition.slug : null;
  const t = f.competition.title;
  const title =
    t && typeof t.zh === 'string' && typeof t.en === 'string' ? { zh: t.zh, en: t.en } : null;
  return {
    ok: true,
    json,
    slug: slug && SLUG_RE.test(slug) ? slug : null,
    title,
    contestants: Array.isArray(f.contestants) ? f.contestants.length : 0,
    logEntries: Array.isArray(f.log) ? f.log.length : 0,
  };
}

/** `POST /api/competitions` 201: the new competition's slug and every official's new login. */
export interface CreatedCompetition {
  slug: string;
  logins: NewLogin[];
}

export interface NewLogin {
  code: string;
  name: string;
  role: 'judge' | 'head-judge' | 'organiser';
  token: string;
  shortCode: string;
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
