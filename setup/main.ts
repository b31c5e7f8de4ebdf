import '../web/base.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { detectPlatform, inAppBrowser } from './detect.ts';
import { htmlLang, parseLang } from '../web/i18n.ts';
import { DICTS } from './i18n.ts';

/**
 * The venue set-up page (`/setup/`, `?lang=en`): served over plain HTTP so any device can open
 * it before trusting anything, and over HTTPS alike. Asks `GET /api/venue` for the HTTPS port
 * and the CA, then checks from here whether this device trusts the HTTPS origin.
 */
const lang = parseLang(location.search);
const t = DICTS[lang];
document.documentElement.lang = htmlLang(lang);
document.title = `${t.brand} · ${t.title}`;

mount(App, {
  target: document.getElementById('app')!,
  props: {
    t,
    lang,
    platform: detectPlatform(navigator.userAgent, navigator.maxTouchPoints),
    inApp: inAppBrowser(navigator.userAgent),
    hostname: location.hostname,
    onHttps: location.protocol === 'https:',
  },
});
