import '../web/base.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { detectPlatform, inAppBrowser } from './detect.ts';
import { DICTS, parseLang } from './i18n.ts';

/**
 * The venue set-up page (`/setup/`, `?lang=en`): served over plain HTTP so any device can open
 * it before trusting anything, and over HTTPS alike. Asks `GET /api/venue` for the HTTPS port
 * and the CA, then checks from here whether this device trusts the HTTPS origin.
 */
const lang = parseLang(new URLSearchParams(location.search).get('lang'));
const t = DICTS[lang];
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
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
