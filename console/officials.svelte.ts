import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { failText, type Api, type ApiResult } from './api.ts';
import type { Dict } from './i18n.ts';

/** `GET /api/competitions/:slug/officials`: one official (never a token). */
export interface Official {
  code: string;
  name: string;
  role: 'judge' | 'head-judge' | 'organiser';
  sheets: string[];
  revoked: boolean;
}

/** `POST …/officials/:code/rotate`: the new token, shown once. */
export interface Rotated {
  code: string;
  token: string;
  loginPath: string;
}

/** sessionStorage: codes issued in this tab, so the print view survives a reload of the tab. */
const ISSUED_KEY = 'jx.console.issued';

function readIssued(): Record<string, string> {
  try {
    const v = JSON.parse(sessionStorage.getItem(ISSUED_KEY) ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The login link a card's QR code holds: the judge tablet with the token in the fragment. */
export function loginUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/judge-tablet/#token=${token}`;
}

/** A login code in groups of four, easier to read out and type from a card. */
export function groupCode(token: string): string {
  return token.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The organiser's officials: the list, the login codes issued in this session (the server
 * keeps only hashes, so a card can carry a code only when it was issued here), and which cards
 * to print. Revoke and rotate go through the confirmation dialog.
 */
export class OfficialsState {
  #list = $state.raw<Official[]>([]);
  #loaded = $state.raw(false);
  #error = $state.raw<string | null>(null);
  /** code → token issued in this session. */
  #issued = new SvelteMap<string, string>(Object.entries(readIssued()));
  /** Codes whose cards are to be printed. */
  #selected = new SvelteSet<string>();
  #lastIssued = $state.raw<{ code: string; name: string; token: string } | null>(null);
  #selectionTouched = false;
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
  get lastIssued(): { code: string; name: string; token: string } | null {
    return this.#lastIssued;
  }
  tokenOf(code: string): string | null {
    return this.#issued.get(code) ?? null;
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
    return this.selected.filter((o) => !this.#issued.has(o.code) || o.revoked);
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
    const r = await api.request<{ officials: Official[] }>(api.competition('/officials'));
    this.#loaded = true;
    if (!r.ok) {
      this.#error = failText(r, this.#t);
      return;
    }
    this.#error = null;
    this.#list = r.data.officials;
    // Every active judge is selected until the organiser chooses otherwise. The head judge's
    // card is opt-in: issuing it a new code would sign the head judge out of this console.
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
    if (r.ok) this.#remember(code, r.data.token);
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

  /** Shows the code just issued (the dialog's follow-up). */
  showIssued(code: string): void {
    const token = this.#issued.get(code);
    const o = this.#list.find((x) => x.code === code);
    if (token) this.#lastIssued = { code, name: o?.name ?? code, token };
  }

  #remember(code: string, token: string): void {
    this.#issued.set(code, token);
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
    this.#selected.clear();
    this.#lastIssued = null;
    this.#selectionTouched = false;
    try {
      sessionStorage.removeItem(ISSUED_KEY);
    } catch {
      // nothing kept
    }
  }
}
