import type { Page } from 'playwright-core';

/**
 * The elements of a test id with the given `data-*` attributes:
 * `byTestId(page, 'queue-row', { bib: 7 })` → `[data-testid="queue-row"][data-bib="7"]`.
 */
export const byTestId = (page: Page, id: string, attrs: Record<string, string | number> = {}) =>
  page.locator(testIdSelector(id, attrs));

export const testIdSelector = (id: string, attrs: Record<string, string | number> = {}) =>
  `[data-testid="${id}"]` +
  Object.entries(attrs)
    .map(([k, v]) => `[data-${k}="${v}"]`)
    .join('');

/**
 * Resolves once every finite animation running now on an element matching `selector` (or
 * inside one) has finished: the end of a row's move or a spotlight's rise, not a guess at its
 * length. Endless animations (a pulsing dot) are left out; a glow on the same rows is waited
 * for only when `selector` matches it.
 */
export function animationsDone(page: Page, selector = '*'): Promise<void> {
  return page.evaluate(async (sel) => {
    const running = document.getAnimations().filter((a) => {
      const target = (a.effect as KeyframeEffect | null)?.target;
      const end = a.effect?.getComputedTiming().endTime;
      return (
        target instanceof Element &&
        (target.matches(sel) || target.closest(sel) !== null) &&
        typeof end === 'number' &&
        Number.isFinite(end)
      );
    });
    await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
  }, selector);
}
