import { CompetitionFixture, FestivalFixture, festivalOfOne, formatIssues } from '#protocol';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../db/store.ts';
import { countCompetitions, insertFestival } from '../../db/repositories/competitions.ts';
import type { Custody } from '../services/custody.ts';

/** Path of the default contest: the 2024 Gaoxin rider contest (SPEC.md). */
export const DEFAULT_FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/gaoxin-2024/fixture.json',
);

/** A file's issues, one indented `path: problem` line each. */
const FILE_ISSUES = { root: '', join: '\n', indent: '  ' };

/**
 * Reads and validates a competition file with the same zod schema the server uses everywhere.
 * Throws with "path: problem" lines when the file is not a valid competition.
 */
export function readFixture(file: string = DEFAULT_FIXTURE): CompetitionFixture {
  const r = CompetitionFixture.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!r.success)
    throw new Error(
      `${file} is not a valid competition:\n${formatIssues(r.error.issues, FILE_ISSUES)}`,
    );
  return r.data;
}

/**
 * Reads a festival file (`{festival, competitions}`) or a competition file, which is a
 * festival of one. Throws with "path: problem" lines when it is neither.
 */
export function readFestival(file: string = DEFAULT_FIXTURE): FestivalFixture {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (json && typeof json === 'object' && 'festival' in json) {
    const r = FestivalFixture.safeParse(json);
    if (!r.success)
      throw new Error(
        `${file} is not a valid festival:\n${formatIssues(r.error.issues, FILE_ISSUES)}`,
      );
    return r.data;
  }
  return festivalOfOne(readFixture(file));
}

/** Loads the default fixture (or `file`) when the database holds no competition. @returns true if it loaded. */
export async function seedIfEmpty(
  s: Store,
  custody: Custody,
  file: string = DEFAULT_FIXTURE,
): Promise<boolean> {
  if ((await countCompetitions(s)) > 0) return false;
  await insertFestival(s, custody, readFestival(file));
  return true;
}
