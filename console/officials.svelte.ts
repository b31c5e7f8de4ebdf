import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type {
  CardsResponse,
  NewOfficial,
  Official,
  OfficialCreated,
  OfficialEdited,
  OfficialPatch,
  OfficialsResponse,
  Rotated,
} from '#protocol';
import { failText, type Api, type ApiResult } from './api.ts';
import type { Dict } from './i18n.ts';
import { parseIssued, type Issued } from './login-code.ts';
import { isLoopback } from '../web/qr/loopback.ts';

/** Official codes the server accepts: 2–8 capital letters or digits ("J11"). */
export const OFFICIAL_CODE_RE = /^[A-Z0-9]{2,8}$/;

/** sessionStorage: codes issued in this tab, so the print view survives a reload of the tab. */
const ISSUED_KEY = 'jx.console.issued';

function readIssued(): Map<string, Issued> {
  try {
    return parseIssued(sessionStorage.getItem(ISSUED_KEY));
  } catch {
    return new Map();
  }
}

/**
 * The organiser's officials: the list, their login codes for printing (the server shows each
 * official's code again, `GET …/officials/cards`, except for codes made before it kept them:
 * those are reprinted only with a new code; codes issued in this tab are kept too), which cards
 * to print, and the address tablets open (what the cards' QR codes link to). Revoke and
 * rotate go through the confirmation dialog.
 */
export class OfficialsState {
  #list = $state.raw<Official[]>([]);
  #loaded = $state.raw(false);
  #error = $state.raw<string | null>(null);
  /** code → login code issued in this session. */
  #issued = new SvelteMap<string, Issued>(readIssued());
  /** code → login code the server printed (`GET …/officials/cards`), in memory only. */
  #printable = new SvelteMap<string, Issued>();
  #cardsLoaded = $state.raw(false);
  /** Codes whose cards are to be printed. */
  #selected = new SvelteSet<string>();
  #lastIssued = $state.raw<({ code: string; name: string } & Issued) | null>(null);
  #selectionTouched = false;
  #base = $state.raw(location.origin);
  #baseFromServer = $state.raw(false);
  #baseTouched = false;
  #baseAsked = false;
  readonly #t: Dict;

  constructor(t: Dict) {
    this.#t = t;
  }

  get list(): Official[] {
    return this.#list;
  }
  /** Officials who get a login card: judges and the head judge. */
  get cardHolders(): Official[] {
    return this.#list.filter((o) => o.role !== 'organiser');
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  get lastIssued(): ({ code: string; name: string } & Issued) | null {
    return this.#lastIssued;
  }
  tokenOf(code: string): string | null {
    return this.issuedOf(code)?.token ?? null;
  }
  /** The login code of `code` for his card: as the server printed it, or as issued in this tab. */
  issuedOf(code: string): Issued | null {
    return this.#printable.get(code) ?? this.#issued.get(code) ?? null;
  }
  /** Whether `code`'s card can be printed without a new code. */
  canPrint(code: string): boolean {
    const o = this.#list.find((x) => x.code === code);
    return !!o && !o.revoked && (!!o.printable || !!this.issuedOf(code));
  }
  get cardsLoaded(): boolean {
    return this.#cardsLoaded;
  }

  /** The address tablets open: the cards' and the issued code's QR links start with it. */
  get base(): string {
    return this.#base;
  }
  set base(v: string) {
    this.#baseTouched = true;
    this.#baseFromServer = false;
    this.#base = v;
  }
  /** True while {@link base} is the LAN address the server suggested. */
  get baseFromServer(): boolean {
    return this.#baseFromServer;
  }

  /**
   * When this console is opened on the server itself (localhost), its own address is useless
   * to a tablet: take the server's first LAN address instead (`GET /api/server-info`), unless
   * the organiser has typed one already. Asked once per sign-in.
   */
  async suggestBase(): Promise<void> {
    if (this.#baseAsked || this.#baseTouched || !isLoopback(location.origin)) return;
    this.#baseAsked = true;
    try {
      const res = await fetch('/api/server-info', { cache: 'no-store' });
      if (!res.ok) return;
      const info = (await res.json()) as { lanUrls?: unknown };
      const first = Array.isArray(info.lanUrls) ? info.lanUrls[0] : undefined;
      if (typeof first === 'string' && first && !this.#baseTouched) {
        this.#base = first;
        this.#baseFromServer = true;
      }
    } catch {
      // Keep this page's own address; the field stays editable and warns.
    }
  }
  isSelected(code: string): boolean {
    return this.#selected.has(code);
  }
  /** Selected card holders, in list order. */
  get selected(): Official[] {
    return this.cardHolders.filter((o) => this.#selected.has(o.code));
  }
  /** Selected card holders whose card cannot carry a code yet. */
  get selectedWithoutToken(): Official[] {
    return this.selected.filter((o) => !this.issuedOf(o.code) || o.revoked);
  }

  toggle(code: string, on: boolean): void {
    this.#selectionTouched = true;
    if (on) this.#selected.add(code);
    else this.#selected.delete(code);
  }

  selectAll(on: boolean): void {
    this.#selectionTouched = true;
    this.#selected.clear();
    if (on) for (const o of this.cardHolders) this.#selected.add(o.code);
  }

  dismissIssued(): void {
    this.#lastIssued = null;
  }

  async load(api: Api): Promise<void> {
    const r = await api.request<OfficialsResponse>(api.competition('/officials'));
    this.#loaded = true;
    if (!r.ok) {
      this.#error = failText(r, this.#t);
      return;
    }
    this.#error = null;
    this.#list = r.data.officials.map((o) => ({ ...o, records: o.records ?? [] }));
    // Every active judge is selected until the organiser chooses otherwise; the head judge's
    // card is opt-in.
    if (!this.#selectionTouched)
      for (const o of this.cardHolders)
        if (o.role === 'judge' && !o.revoked) this.#selected.add(o.code);
  }

  revoke(api: Api, code: string): Promise<ApiResult<unknown>> {
    return api.request(api.competition(`/officials/${encodeURIComponent(code)}/revoke`), {
      json: {},
    });
  }

  async rotate(api: Api, code: string): Promise<ApiResult<Rotated>> {
    const r = await api.request<Rotated>(
      api.competition(`/officials/${encodeURIComponent(code)}/rotate`),
      { json: {} },
    );
    if (r.ok) {
      const issued = {
        token: r.data.token,
        shortCode: typeof r.data.shortCode === 'string' ? r.data.shortCode : null,
      };
      this.#remember(code, issued);
      if (this.#cardsLoaded) this.#printable.set(code, issued);
    }
    return r;
  }

  /**
   * Fetches every official's login code for printing (`GET …/officials/cards`): the same codes
   * every time, nobody rotated, no tablet logged out.
   */
  async loadCards(api: Api): Promise<ApiResult<CardsResponse>> {
    const r = await api.request<CardsResponse>(api.competition('/officials/cards'));
    this.#cardsLoaded = true;
    if (!r.ok) return r;
    this.#printable.clear();
    for (const c of r.data.cards)
      if (c.token) this.#printable.set(c.code, { token: c.token, shortCode: c.shortCode });
    return r;
  }

  /** Issues new codes for several officials in turn; stops at the first refusal. */
  async rotateMany(api: Api, codes: readonly string[]): Promise<ApiResult<{ count: number }>> {
    let count = 0;
    for (const code of codes) {
      const r = await this.rotate(api, code);
      if (!r.ok) return r;
      count++;
    }
    return { ok: true, status: 200, data: { count } };
  }

  /**
   * Adds an official (`POST …/officials`); the new login code is kept for the cards, shown at
   * once, and the card is ticked for printing (a judge or head judge).
   */
  async create(api: Api, o: NewOfficial): Promise<ApiResult<OfficialCreated>> {
    const r = await api.request<OfficialCreated>(api.competition('/officials'), { json: o });
    if (!r.ok) return r;
    this.#remember(r.data.code, { token: r.data.token, shortCode: r.data.shortCode ?? null });
    if (r.data.role !== 'organiser') this.#selected.add(r.data.code);
    this.#lastIssued = {
      code: r.data.code,
      name: r.data.name,
      token: r.data.token,
      shortCode: r.data.shortCode ?? null,
    };
    await this.load(api);
    return r;
  }

  /**
   * Renames an official, gives other sheets or other panel stations to record
   * (`PATCH …/officials/:code`); the list follows. A second recorder for a station, or one off
   * its panel, is refused (400 `official/recorder`, the server's message).
   */
  async update(api: Api, code: string, patch: OfficialPatch): Promise<ApiResult<OfficialEdited>> {
    const r = await api.request<OfficialEdited>(
      api.competition(`/officials/${encodeURIComponent(code)}`),
      {
        method: 'PATCH',
        json: patch,
      },
    );
    if (r.ok)
      this.#list = this.#list.map((o) =>
        o.code === code
          ? {
              ...o,
              name: r.data.name,
              sheets: r.data.sheets,
              records: r.data.records ?? patch.records ?? o.records,
            }
          : o,
      );
    return r;
  }

  /**
   * Takes login codes issued elsewhere in this tab (a competition just created from a file),
   * so their cards can be printed.
   */
  adopt(logins: readonly ({ code: string } & Issued)[]): void {
    for (const l of logins) this.#remember(l.code, { token: l.token, shortCode: l.shortCode });
  }

  /** Ticks one card only (to print the card of the code just issued). */
  selectOnly(code: string): void {
    this.#selectionTouched = true;
    this.#selected.clear();
    this.#selected.add(code);
  }

  /** Shows the code just issued (the dialog's follow-up). */
  showIssued(code: string): void {
    const issued = this.#issued.get(code);
    const o = this.#list.find((x) => x.code === code);
    if (issued) this.#lastIssued = { code, name: o?.name ?? code, ...issued };
  }

  #remember(code: string, issued: Issued): void {
    this.#issued.set(code, issued);
    try {
      sessionStorage.setItem(ISSUED_KEY, JSON.stringify(Object.fromEntries(this.#issued)));
    } catch {
      // Kept in memory only.
    }
  }

  reset(): void {
    this.#list = [];
    this.#loaded = false;
    this.#error = null;
    this.#issued.clear();
    this.#printable.clear();
    this.#cardsLoaded = false;
    this.#selected.clear();
    this.#lastIssued = null;
    this.#selectionTouched = false;
    this.#base = location.origin;
    this.#baseFromServer = false;
    this.#baseTouched = false;
    this.#baseAsked = false;
    try {
      sessionStorage.removeItem(ISSUED_KEY);
    } catch {
      // nothing kept
    }
  }
}
