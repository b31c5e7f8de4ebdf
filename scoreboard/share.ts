/**
 * Query parameters a phone should keep: the competition (or the festival and its list, which a
 * phone picks from) and the language. Paging and the rotation's seconds are the projector's.
 */
const KEPT = ['festival', 'show', 'competition', 'lang'] as const;
/** Longest value of a kept parameter passed on (a `show` list of a dozen slugs fits). */
const MAX_KEPT = 400;

/**
 * The address the projector's QR code gives to phones: this board's page with only the
 * parameters a phone needs (`festival`, `show`, `competition`, `lang`), on `base` when given (`?share=URL`, or a LAN
 * address the server reports), else on the page's own origin. Returns null for a `base` that is
 * not an http(s) URL.
 */
export function shareUrl(page: URL, base: string | null = null): string | null {
  let target: URL;
  try {
    target = new URL(base ?? page.pathname, page);
  } catch {
    return null;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
  if (!base || target.pathname === '/') target.pathname = page.pathname;
  const q = new URLSearchParams();
  for (const k of KEPT) {
    const v = page.searchParams.get(k);
    // A QR code holds a few hundred characters: junk in the address is not passed on.
    if (v !== null && v.length <= MAX_KEPT) q.set(k, v);
  }
  target.search = q.toString();
  target.hash = '';
  return target.toString();
}

/**
 * The shared address with `competition` set to `slug`: a rotating projector's QR code names
 * the competition on screen, so a phone opens on it (and can pick the festival's others).
 */
export function withCompetition(url: string, slug: string): string {
  const u = new URL(url);
  u.searchParams.set('competition', slug);
  return u.toString();
}
