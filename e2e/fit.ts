import type { Page } from 'playwright-core';

/** How one element showing a value is drawn: its text and every way it is not shown in full. */
export interface Fit {
  text: string;
  /** Empty when the text is drawn whole, on the lines it should be. */
  problems: string[];
}

/**
 * Measures every visible element matching `selector`: its text overflows its own box
 * (scrollWidth > clientWidth: cut or ellipsised), it lies outside an ancestor that clips
 * (overflow other than visible: hidden, or scrolled out of view) or outside the viewport, or,
 * with `oneLine`, its text wraps onto a second line. A value cut at 100 or hidden by overflow
 * shows up here, whatever the page's CSS.
 */
export function fitOf(page: Page, selector: string, opts: { oneLine?: boolean } = {}) {
  return page.evaluate(
    ({ selector, oneLine }) => {
      const out: { text: string; problems: string[] }[] = [];
      for (const el of document.querySelectorAll<HTMLElement>(selector)) {
        if (el.getClientRects().length === 0) continue;
        const problems: string[] = [];
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        // A plain inline box has no client width of its own; its ancestors say if it is cut.
        if (style.display !== 'inline' && el.scrollWidth > el.clientWidth + 1)
          problems.push(`overflows its box (${el.scrollWidth} > ${el.clientWidth})`);
        if (box.left < -1 || box.right > window.innerWidth + 1)
          problems.push(`outside the viewport (${Math.round(box.left)}–${Math.round(box.right)})`);
        for (let a = el.parentElement; a; a = a.parentElement) {
          const s = getComputedStyle(a);
          if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
          const r = a.getBoundingClientRect();
          if (box.left < r.left - 1 || box.right > r.right + 1)
            problems.push(`clipped by <${a.tagName.toLowerCase()} class="${a.className}">`);
        }
        if (oneLine) {
          // One rect per line box of each text node. Text on one line overlaps vertically
          // (mixed sizes on a baseline); a rect wholly below the ones before is a new line.
          const rects: DOMRect[] = [];
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.textContent?.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            for (const r of range.getClientRects()) if (r.width > 0) rects.push(r);
          }
          rects.sort((a, b) => a.top - b.top);
          let lines = 0;
          let bottom = -Infinity;
          for (const r of rects) {
            if (r.top >= bottom - 2) lines++;
            bottom = r.top >= bottom - 2 ? r.bottom : Math.max(bottom, r.bottom);
          }
          if (lines > 1) problems.push(`wraps onto ${lines} lines`);
        }
        out.push({ text: el.innerText.replace(/\s+/g, ' ').trim(), problems });
      }
      return out;
    },
    { selector, oneLine: !!opts.oneLine },
  ) as Promise<Fit[]>;
}

/** The problems of every match, each prefixed with its text ([] when all fit). */
export async function unfit(page: Page, selector: string, opts: { oneLine?: boolean } = {}) {
  return (await fitOf(page, selector, opts)).flatMap((f) =>
    f.problems.map((p) => `${selector} "${f.text}": ${p}`),
  );
}
