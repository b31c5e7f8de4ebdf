/**
 * Resolves once `check` answers true, asking again every 50 ms; throws after `timeoutMs`. For
 * conditions no event announces (an IndexedDB count, a held socket frame, the server's socket
 * table); a page's own state is better awaited with a locator or `page.waitForFunction`.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
