import type { CompetitionsResponse, Me, Session as SessionAnswer } from '#protocol';
import { Api, failText } from './api.ts';
import type { Dict, Role } from './i18n.ts';
import { extractToken, isShortCode, tokenInHash } from './login-code.ts';

/** sessionStorage: the login lasts as long as the tab, and is not shared with other tabs. */
export const TOKEN_KEY = 'jx.console.token';
/**
 * sessionStorage: the login of every competition this tab has been signed in to (slug → token),
 * so the competition switcher can go back to one without its code. Forgotten at sign-out.
 */
export const LOGINS_KEY = 'jx.console.logins';

function readLogins(): Record<string, string> {
  try {
    const raw = JSON.parse(sessionStorage.getItem(LOGINS_KEY) ?? '{}') as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
    return Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}

function storeLogins(logins: Record<string, string>): void {
  try {
    if (Object.keys(logins).length) sessionStorage.setItem(LOGINS_KEY, JSON.stringify(logins));
    else sessionStorage.removeItem(LOGINS_KEY);
  } catch {
    // Private mode: the switcher goes back only within the festival.
  }
}

function readStored(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function store(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode: the login lasts until the page is reloaded.
  }
}

/** Ends a session on the server (a judge's short code exchanged here by mistake). */
function endSession(token: string): void {
  void fetch('/api/session', {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => {});
}

/**
 * Who is signed in: the token, the competition it belongs to, the role (organiser or head
 * judge) and the name, as `GET /api/me` answers for the token. A judge's code is refused here:
 * it belongs on the judge tablet.
 */
export class Session {
  #api = $state.raw<Api | null>(null);
  #role = $state.raw<Role | null>(null);
  #name = $state.raw<string | null>(null);
  #busy = $state.raw(false);
  #error = $state.raw<string | null>(null);
  /** The logins this tab has held, by competition slug (see {@link LOGINS_KEY}). */
  #logins = $state.raw<Record<string, string>>(readLogins());
  readonly #t: Dict;
  readonly #preferredSlug: string | null;
  /** Called with the new Api after a login, and with null after a logout. */
  onChange: (api: Api | null) => void = () => {};

  constructor(t: Dict, preferredSlug: string | null) {
    this.#t = t;
    this.#preferredSlug = preferredSlug;
  }

  get api(): Api | null {
    return this.#api;
  }
  get role(): Role | null {
    return this.#role;
  }
  /** The signed-in official's name ("孔德胜"; "组委会" for the organiser). */
  get name(): string | null {
    return this.#name;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get isOrganiser(): boolean {
    return this.#role === 'organiser';
  }
  get isHeadJudge(): boolean {
    return this.#role === 'head-judge';
  }
  /** The competition named by `?competition=` (the password's first choice). */
  get preferredSlug(): string | null {
    return this.#preferredSlug;
  }

  /** True when this tab holds a login of that competition (it was signed in to it before). */
  remembers(slug: string): boolean {
    return slug in this.#logins;
  }

  /**
   * Goes back to a competition this tab was signed in to before, with the login it held then.
   * Returns null on success, else why not (a login since revoked is forgotten).
   */
  async returnTo(slug: string): Promise<string | null> {
    const token = this.#logins[slug];
    if (!token) return this.#t.login.noLoginHere;
    if (this.#busy) return null;
    this.#busy = true;
    try {
      const found = await this.#identify(token);
      if ('message' in found) {
        if (found.forget) this.#forget(slug);
        return found.message;
      }
      if (found.api.slug !== slug) {
        this.#forget(slug);
        return this.#t.login.noLoginHere;
      }
      this.#adopt(token, found);
      return null;
    } finally {
      this.#busy = false;
    }
  }

  #forget(slug: string): void {
    const rest = Object.fromEntries(Object.entries(this.#logins).filter(([s]) => s !== slug));
    this.#logins = rest;
    storeLogins(rest);
  }

  /**
   * Signs in with the login link the page was opened with (`/console/#token=…`, printed by the
   * server at start), taking the code out of the address bar first; otherwise again with the
   * token kept in this tab, if any. A link whose code is cut or mistyped says so, instead of
   * showing the empty sign-in as if no link had been opened.
   */
  async restore(): Promise<void> {
    const fromLink = tokenInHash(location.hash);
    const linkGiven = /^#(?:.*&)?token=/.test(location.hash);
    if (linkGiven) history.replaceState(null, '', location.pathname + location.search);
    if (fromLink) {
      await this.login(fromLink);
      return;
    }
    if (linkGiven) {
      this.#error = this.#t.login.badLink;
      return;
    }
    const token = readStored();
    if (token) await this.login(token);
  }

  /**
   * Checks a login code with the server; on success keeps it for this tab. A short code from a
   * card (7KQ2M-XD4PA) is first exchanged for a session (`POST /api/session {code}`).
   */
  async login(input: string): Promise<boolean> {
    let token = extractToken(input);
    if (!token) {
      this.#error = this.#t.login.empty;
      return false;
    }
    this.#busy = true;
    this.#error = null;
    try {
      if (isShortCode(input)) {
        const r = await new Api('', '').request<SessionAnswer>('/api/session', {
          json: { code: input.trim() },
        });
        if (!r.ok) {
          this.#error = r.status === 401 ? this.#t.login.invalid : failText(r, this.#t);
          return false;
        }
        token = r.data.token;
      }
      const found = await this.#identify(token);
      if ('message' in found && isShortCode(input)) endSession(token);
      if ('message' in found) {
        this.#error = found.message;
        if (found.forget) store(null);
        return false;
      }
      this.#adopt(token, found);
      return true;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Signs the organiser in with the password (`POST /api/session`), which answers with a
   * session token used like a login code from then on.
   */
  async loginWithPassword(password: string, chosen: string | null = null): Promise<boolean> {
    if (!password) {
      this.#error = this.#t.login.emptyPassword;
      return false;
    }
    this.#busy = true;
    this.#error = null;
    let token: string | null = null;
    try {
      const slugs = chosen ? [chosen] : await this.#candidateSlugs();
      const slug = slugs?.[0];
      if (!slug) {
        this.#error = slugs ? this.#t.login.noCompetition : this.#t.network;
        return false;
      }
      const r = await new Api('', slug).request<SessionAnswer>('/api/session', {
        json: { slug, password },
      });
      if (!r.ok) {
        this.#error = failText(r, this.#t);
        return false;
      }
      token = r.data.token;
    } finally {
      this.#busy = false;
    }
    return this.login(token);
  }

  /**
   * Moves the organiser to another competition of the same festival without the password
   * (`POST /api/session/switch {slug}` with the current token): the server answers with a
   * session for that competition's organiser, which replaces the current login in this tab.
   * The current session is left to expire (12 h), so another tab opened from this one keeps
   * working. Returns null on success, else why not (the server's Chinese message as sent).
   */
  async switchCompetition(slug: string): Promise<string | null> {
    const api = this.#api;
    if (!api || this.#busy) return null;
    this.#busy = true;
    try {
      const r = await api.request<SessionAnswer>('/api/session/switch', { json: { slug } });
      if (!r.ok) return failText(r, this.#t);
      const found = await this.#identify(r.data.token);
      if ('message' in found) return found.message;
      this.#adopt(r.data.token, found);
      return null;
    } finally {
      this.#busy = false;
    }
  }

  #adopt(token: string, found: { api: Api; role: Role; name: string }): void {
    store(token);
    this.#logins = { ...this.#logins, [found.api.slug]: token };
    storeLogins(this.#logins);
    this.#role = found.role;
    this.#name = found.name;
    this.#api = found.api;
    this.onChange(found.api);
  }

  /** Signs out; `message` (e.g. the token was revoked) is shown on the login screen. */
  logout(message: string | null = null): void {
    const api = this.#api;
    // A password session ends on the server too (harmless for an official's login code), and
    // so do the sessions of the other competitions this tab was signed in to.
    if (api && !message)
      for (const token of [api.token, ...Object.values(this.#logins)].filter(
        (x, i, all) => all.indexOf(x) === i,
      ))
        endSession(token);
    store(null);
    this.#logins = {};
    storeLogins({});
    this.#api = null;
    this.#role = null;
    this.#name = null;
    this.#error = message;
    this.onChange(null);
  }

  async #identify(
    token: string,
  ): Promise<{ api: Api; role: Role; name: string } | { message: string; forget: boolean }> {
    const t = this.#t;
    const r = await new Api(token, '').request<Me>('/api/me');
    if (!r.ok) {
      if (r.status === 401) return { message: t.login.invalid, forget: true };
      // Network trouble or a server fault: keep the code, the next try may work.
      return { message: failText(r, t), forget: false };
    }
    const me = r.data;
    if (me.role === 'judge') return { message: t.login.judgeToken, forget: true };
    if (me.role !== 'organiser' && me.role !== 'head-judge')
      return { message: t.login.invalid, forget: true };
    if (!me.competition) return { message: t.login.noCompetition, forget: true };
    return { api: new Api(token, me.competition), role: me.role, name: me.name };
  }

  /** The competition named by `?competition=` first, then every other one the server lists. */
  async #candidateSlugs(): Promise<string[] | null> {
    try {
      const res = await fetch('/api/competitions', { cache: 'no-store' });
      if (!res.ok) return null;
      const body = (await res.json()) as CompetitionsResponse;
      const slugs = body.competitions.map((c) => c.slug);
      const first = this.#preferredSlug;
      return first && slugs.includes(first) ? [first, ...slugs.filter((s) => s !== first)] : slugs;
    } catch {
      return null;
    }
  }
}
