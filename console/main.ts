import '../web/base.css';
import './console.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { ConsoleState } from './console-state.svelte.ts';
import { openFeed } from './feed.ts';
import { htmlLang, parseLang } from '../web/i18n.ts';

/**
 * The organiser console (`/console/`, `?lang=en` for English, `?competition=SLUG` to pick a
 * competition for the organiser's password when the server holds several). Signs in with the
 * organiser's or head judge's login code (or the organiser's password), fetches the marking
 * scheme, then follows the staff board socket: one socket, owned here, feeding the state every
 * screen reads.
 */
const params = new URLSearchParams(location.search);
const app = new ConsoleState(parseLang(location.search), params.get('competition'));
document.documentElement.lang = htmlLang(app.lang);
document.title = `${app.t.brand} · ${app.t.app}`;

let closeFeed: (() => void) | null = null;
app.session.onChange = (api) => {
  closeFeed?.();
  closeFeed = null;
  app.clear(!api);
  if (!api) return;
  void app.scheme.load(api);
  closeFeed = openFeed({
    board: app.board,
    slug: api.slug,
    token: api.token,
    onAuthFailed: () => app.session.logout(app.t.login.revoked),
    onOutdated: () => app.session.logout(app.t.login.outdated),
  });
};

mount(App, { target: document.getElementById('app')!, props: { app } });
void app.session.restore();
