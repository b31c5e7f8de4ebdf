import '../web/base.css';
import './tablet.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { Desk } from './desk.svelte.ts';
import { htmlLang } from '../web/i18n.ts';
import { lang, loadLanguage, t } from './i18n.ts';
import { OfflineApp } from './offline.svelte.ts';
import { SecureHandoff } from './secure-handoff.svelte.ts';
import { JudgeSession } from './session.svelte.ts';
import { extractToken, loadToken } from './storage.ts';
import { ScreenWake } from './wake-lock.ts';

// English words are a chunk of their own, loaded before anything runs (a Chinese page waits
// for nothing). No top-level await: the lazy chunks import from this one.
void loadLanguage().then(start);

function start() {
  document.documentElement.lang = htmlLang(lang);
  document.title = t.app.name;

  const session = new JudgeSession();
  const desk = new Desk(session);

  // A login link carries the token in the fragment, which browsers never send to the server.
  // Keep it, then take it out of the address bar (and history) so it is not shown or shared.
  const fromUrl = location.hash ? extractToken(location.hash) : null;
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const token = fromUrl ?? loadToken();
  if (token) session.start(token);

  // Over HTTPS (venue CA installed) the page is an offline app; over plain HTTP it says it is
  // not, and offers the move to HTTPS once this device trusts it and nothing waits here.
  const offline = new OfflineApp();
  offline.start();
  const handoff = new SecureHandoff();
  void handoff.check();

  // The tablet's Wi-Fi is back: the socket (web/live-socket.ts) connects at once by itself, and
  // gone, drops at once; here only the move to HTTPS is checked again.
  window.addEventListener('online', () => void handoff.check());

  // Drafts: the device clock is checked against the monotonic clock every second (a jump makes a
  // running stopwatch uncertain); a hidden page writes its last tap and then nothing more, a page
  // shown again takes what another tab wrote meanwhile. Nothing waits for unload: every tap is
  // written as it happens, pagehide only writes once more.
  setInterval(() => desk.checkClock(), 1_000);
  document.addEventListener('visibilitychange', () =>
    desk.visibilityChanged(document.visibilityState === 'visible'),
  );
  window.addEventListener('pagehide', () => desk.flush());

  const wake = new ScreenWake();
  mount(App, {
    target: document.getElementById('app')!,
    props: { session, desk, wake, offline, handoff },
  });
}
