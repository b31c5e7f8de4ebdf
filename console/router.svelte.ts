import type { Route } from './i18n.ts';

/** Screens in the navigation's order. */
export const ROUTES: readonly Route[] = [
  'festival',
  'progress',
  'review',
  'course',
  'judges',
  'import',
  'export',
  'settings',
];

/** A navigation screen, or the print view of the login cards (no navigation around it). */
export type View = Route | 'cards';

/** The view a location hash names (`#review`); the progress screen otherwise. */
export function parseHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '');
  return name === 'cards' || (ROUTES as readonly string[]).includes(name)
    ? (name as View)
    : 'progress';
}

/**
 * The screen shown, kept in the location hash so a reload (or the browser's back button)
 * returns to it.
 */
export class Router {
  #view = $state.raw<View>('progress');

  constructor() {
    this.#view = parseHash(location.hash);
    addEventListener('hashchange', () => {
      this.#view = parseHash(location.hash);
    });
  }

  get view(): View {
    return this.#view;
  }

  go(view: View): void {
    this.#view = view;
    if (location.hash !== `#${view}`) history.pushState(null, '', `#${view}`);
  }
}
