import { rankRows, type StandingRow } from './standings.ts';

/**
 * Boards that show only the top of the standings (a phone: the top 20, more on request), sent
 * only what changes there (issue 14, part 4: frames bounded by what a viewer can see, not by
 * the marking rate). The rule, and why it keeps the view exact:
 *
 * - the rank of a row among the top `n` counts only the rows ahead of it, all of which are in
 *   the top `n`; so a board that holds exactly the current top `n` rows ranks them right;
 * - between two frames, a board is sent the changed rows that were in its view, and every row
 *   that is in its view now and was not before (changed or pushed up by a row that fell out);
 * - it merges them into what it holds and keeps the top `n` of the result
 *   ({@link keepView}): every row it then holds is current, so its top `n` is the true one.
 *
 * The order is {@link compareForDisplay}, a total order (ties end on bib, then id), which the
 * server's standings and the board's `rankRows` share, so both agree on who is `n`th.
 */

/** The views a board may ask for, in rows; a larger one gets every row. */
export const VIEW_SIZES = [20, 50, 200] as const;

/**
 * The view a board asking for `rows` is served: the smallest of {@link VIEW_SIZES} that holds
 * them, or null (every row) when none does or none was asked. Boards with the same view share
 * one frame.
 */
export function viewSize(rows: number | null | undefined): number | null {
  if (rows === null || rows === undefined || !(rows > 0)) return null;
  return VIEW_SIZES.find((n) => n >= rows) ?? null;
}

/**
 * The contestants a board showing the top `n` is sent in one frame: the changed ones that were
 * in its view at the last frame, and those in its view now that were not (moved up, pushed up,
 * or new). O(changed + n).
 * @param changed contestant ids whose rows changed since the last frame (any order, repeats allowed).
 * @param before contestant ids of the top `n` at the last frame.
 * @param after contestant ids of the top `n` now.
 * @returns contestant ids, each once: `before ∩ changed`, then `after \ before`.
 */
export function viewChanges(
  changed: Iterable<number>,
  before: readonly number[],
  after: readonly number[],
): number[] {
  const was = new Set(before);
  const out = new Set<number>();
  for (const id of changed) if (was.has(id)) out.add(id);
  for (const id of after) if (!was.has(id)) out.add(id);
  return [...out];
}

/**
 * What a board with a view of `n` rows keeps after merging a frame: the top `n` of `rows` in
 * display order, ranked (standard competition ranks, exact for every row kept: everything
 * ranked ahead of a kept row is kept). `n` null: every row, ranked.
 */
export function keepView<R extends StandingRow>(rows: readonly R[], n: number | null): R[] {
  const ranked = rankRows(rows);
  return n === null || ranked.length <= n ? ranked : ranked.slice(0, n);
}
