/**
 * The console's HTTP client: every staff call carries `Authorization: Bearer TOKEN`, and every
 * answer becomes a value — the body on success, `{error, message}` otherwise — never an
 * exception. A refusal's message is its code worded in the console's language
 * (server/protocol/messages.ts, from the answer's `params`), or the server's own (Chinese)
 * message for a code the table does not know.
 */
import type { Lang } from '../web/i18n.ts';
import { describeError } from '../server/protocol/messages.ts';
import { describeLineProblem } from '../server/protocol/line-problems.ts';
import type { LineError } from '#protocol';

/** The language refusals are worded in: the console's, set once at start ({@link setErrorLang}). */
let errorLang: Lang = 'zh';

/** Words every later refusal in `lang` (the console calls it once, with the page's language). */
export function setErrorLang(lang: Lang): void {
  errorLang = lang;
}

export type ApiOk<T> = { ok: true; status: number; data: T };
export type ApiFail = {
  ok: false;
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  /** The server's code (`course/stations_unlocked`), `network`, or `api/missing` (no such route yet). */
  error: string;
  /**
   * The refusal in the console's language (its code and parameters worded), else the server's
   * message as sent (Chinese), or '' when there is none (the screen words it).
   */
  message: string;
  /** The whole body, for answers that carry more (e.g. 422 `{errors:[{line,message}]}`). */
  body: unknown;
};
export type ApiResult<T> = ApiOk<T> | ApiFail;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is with `contentType` (a file's bytes, CSV text). */
  raw?: BodyInit;
  contentType?: string;
}

/** A downloaded file: its bytes and the name the server suggests. */
export interface Download {
  blob: Blob;
  filename: string;
}

/** True when a 404 is the router's "no such route" (an endpoint not deployed yet). */
function isMissingRoute(status: number, body: unknown): boolean {
  if (status !== 404 || !body || typeof body !== 'object') return false;
  const b = body as { message?: unknown; error?: unknown };
  return b.error === 'Not Found' && typeof b.message === 'string' && b.message.startsWith('Route ');
}

/** The file name of a `content-disposition` header, preferring the UTF-8 `filename*`. */
export function dispositionName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1]!.trim() : fallback;
}

export class Api {
  readonly token: string;
  readonly slug: string;

  constructor(token: string, slug: string) {
    this.token = token;
    this.slug = slug;
  }

  /** `/api/competitions/SLUG` + `rest`. */
  competition(rest: string): string {
    return `/api/competitions/${encodeURIComponent(this.slug)}${rest}`;
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<ApiResult<T>> {
    // No token (a login call): no Authorization header at all, rather than an empty one.
    const headers: Record<string, string> = this.token
      ? { authorization: `Bearer ${this.token}` }
      : {};
    let body: BodyInit | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.raw !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
      body = opts.raw;
    }
    let res: Response;
    try {
      res = await fetch(path, {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        cache: 'no-store',
      });
    } catch {
      return { ok: false, status: 0, error: 'network', message: '', body: null };
    }
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (res.ok) return { ok: true, status: res.status, data: data as T };
    return failure(res.status, data);
  }

  /** Fetches a file with the Bearer header (exports, backup). */
  async download(path: string, fallbackName: string): Promise<ApiResult<Download>> {
    let res: Response;
    try {
      res = await fetch(path, {
        headers: { authorization: `Bearer ${this.token}` },
        cache: 'no-store',
      });
    } catch {
      return { ok: false, status: 0, error: 'network', message: '', body: null };
    }
    if (!res.ok) {
      let data: unknown = null;
      try {
        data = await res.json();
      } catch {
        data = null;
      }
      return failure(res.status, data);
    }
    const blob = await res.blob();
    return {
      ok: true,
      status: res.status,
      data: {
        blob,
        filename: dispositionName(res.headers.get('content-disposition'), fallbackName),
      },
    };
  }
}

function failure(status: number, data: unknown): ApiFail {
  if (isMissingRoute(status, data))
    return { ok: false, status, error: 'api/missing', message: '', body: data };
  const b = (data ?? {}) as { error?: unknown; params?: unknown; message?: unknown };
  return {
    ok: false,
    status,
    error: typeof b.error === 'string' ? b.error : `http/${status}`,
    message: describeError(b, errorLang),
    body: data,
  };
}

/**
 * The problems of an imported file's lines (an import answer's `errors`) in the console's
 * language: each keeps its line, code and parameters, and its `message` becomes the code worded
 * in that language (server/protocol/line-problems.ts), or stays the server's Chinese for a code
 * the table does not know.
 */
export function wordLineErrors(errors: readonly LineError[]): LineError[] {
  return errors.map((e) => ({ ...e, message: describeLineProblem(e, errorLang) }));
}

/** What to show for a failure: the server's message, else a worded fallback. */
export function failText(f: ApiFail, t: { network: string; notAvailable: string }): string {
  if (f.error === 'network') return t.network;
  if (f.error === 'api/missing') return t.notAvailable;
  return f.message || `${f.error} (HTTP ${f.status})`;
}
