/** Rows always on screen above the paged part: the podium. */
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

/** Pages needed for `count` ranked rows at `perPage` rows below the podium (at least 1). */
export function pageCount(count: number, perPage: number): number {
  return Math.max(
    1,
    Math.ceil(Math.max(0, count - PINNED_ROWS) / Math.max(1, Math.floor(perPage))),
  );
}

/**
 * Cuts the ranked rows into what one screen shows: the first {@link PINNED_ROWS} always, then
 * page `page` (0-based, clamped to the pages there are) of the rest at `perPage` rows.
 */
export function pageView<R>(ranked: readonly R[], page: number, perPage: number): PageView<R> {
  const rest = ranked.slice(PINNED_ROWS);
  const size = Math.max(1, Math.floor(perPage));
  const pages = pageCount(ranked.length, size);
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return {
    rows: [...ranked.slice(0, PINNED_ROWS), ...rest.slice(p * size, p * size + size)],
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
