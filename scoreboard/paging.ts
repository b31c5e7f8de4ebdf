/** Rows on screen above the paged part at most: the podium (see {@link pinnedCount}). */
export const PINNED_ROWS = 3;
/** Default rows per page below the podium (1080 px at a size legible from 10 m). */
export const ROWS_PER_PAGE = 12;
/** How long each page stays up when paging automatically. */
export const PAGE_MS = 10_000;

export interface PageView<R> {
  /** The pinned rows followed by this page's rows, in rank order. */
  rows: R[];
  /** 0-based page shown, after clamping. */
  page: number;
  pages: number;
}

/**
 * How many rows the podium pins: of the first {@link PINNED_ROWS} ranked rows, those that lead
 * (`leads`: ranked, with at least one mark), counted from the top. Before anyone has scored it
 * is 0: the first rows by bib are not a podium, and the board pages every row alike.
 */
export function pinnedCount<R>(ranked: readonly R[], leads: (row: R) => boolean): number {
  let n = 0;
  while (n < Math.min(PINNED_ROWS, ranked.length) && leads(ranked[n]!)) n++;
  return n;
}

/**
 * Pages needed for `count` ranked rows at `perPage` rows below the `pinned` podium rows (at
 * least 1).
 */
export function pageCount(count: number, perPage: number, pinned: number = PINNED_ROWS): number {
  return Math.max(1, Math.ceil(Math.max(0, count - pinned) / Math.max(1, Math.floor(perPage))));
}

/**
 * Cuts the ranked rows into what one screen shows: the first `pinned` (the podium, see
 * {@link pinnedCount}) always, then page `page` (0-based, clamped to the pages there are) of
 * the rest at `perPage` rows.
 */
export function pageView<R>(
  ranked: readonly R[],
  page: number,
  perPage: number,
  pinned: number = PINNED_ROWS,
): PageView<R> {
  const rest = ranked.slice(pinned);
  const size = Math.max(1, Math.floor(perPage));
  const pages = pageCount(ranked.length, size, pinned);
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return {
    rows: [...ranked.slice(0, pinned), ...rest.slice(p * size, p * size + size)],
    page: p,
    pages,
  };
}

/** A positive integer from the query string, or null (absent or nonsense). */
export function positiveParam(params: URLSearchParams, name: string): number | null {
  const raw = params.get(name);
  if (raw === null || !/^\d{1,3}$/.test(raw.trim())) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}

/**
 * A phone, held either way: narrow, or short (a phone on its side). A projector or a laptop is
 * neither. The same data, another layout; no separate address to hand out.
 */
export const PHONE_QUERY = '(max-width: 760px), (max-height: 500px)';

/** The top rows a phone asks for first; "more" asks for the next view size, then every row. */
export const PHONE_ROWS = 20;

/**
 * The rows a phone showing `rows` asks for on "more": the next of the server's view sizes
 * (engine/view.ts `VIEW_SIZES`: 20, 50, 200), then null (every row), which stays.
 */
export function moreRows(rows: number | null, sizes: readonly number[]): number | null {
  if (rows === null) return null;
  return sizes.find((n) => n > rows) ?? null;
}
