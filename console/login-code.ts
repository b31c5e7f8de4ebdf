/**
 * The login code from what a person pasted: the code itself, or a login link carrying
 * `#token=…` / `?token=…`. Codes are lower-case hex; the spaces a printed card groups them
 * with are dropped. Returns '' when nothing is left.
 */
export function extractToken(input: string): string {
  const text = input.trim();
  const m = /[#?&]token=([^&#\s]+)/.exec(text);
  return (m ? m[1]! : text).replace(/[\s-]/g, '').toLowerCase();
}

/**
 * True when what was typed has the shape of a card's short code ("7KQ2M-XD4PA": 10 letters
 * and digits). The console exchanges a short code for a session (`POST /api/session {code}`);
 * HTTP calls take only full codes and session tokens. No full code is that short.
 */
export function isShortCode(input: string): boolean {
  return /^[0-9A-Za-z]{10}$/.test(input.trim().replace(/[\s-]/g, ''));
}

/**
 * The login code a console link carries in its fragment (`/console/#token=…`, as the server's
 * start prints it), or null. The fragment never reaches the server's logs.
 */
export function tokenInHash(hash: string): string | null {
  const m = /^#(?:.*&)?token=([0-9a-fA-F]{32,128})(?:&|$)/.exec(hash);
  return m ? m[1]!.toLowerCase() : null;
}

/** The login link a card's QR code holds: the judge tablet with the token in the fragment. */
export function loginUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/judge-tablet/#token=${token}`;
}

/** A login code in groups of four, easier to read out and type from a card. */
export function groupCode(token: string): string {
  return token.replace(/(.{4})(?=.)/g, '$1 ');
}

/** A login code issued in this tab: the full token (in the QR link) and its short code. */
export interface Issued {
  token: string;
  /** Null for a code issued by a server that did not send one. */
  shortCode: string | null;
}

/**
 * The codes kept in this tab, code → issued. An entry that is a bare string (kept by an
 * earlier console) is a token without its short code.
 */
export function parseIssued(text: string | null): Map<string, Issued> {
  const out = new Map<string, Issued>();
  let v: unknown;
  try {
    v = JSON.parse(text ?? '{}');
  } catch {
    return out;
  }
  if (!v || typeof v !== 'object') return out;
  for (const [code, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out.set(code, { token: x, shortCode: null });
    else if (x && typeof x === 'object' && typeof (x as Issued).token === 'string') {
      const shortCode = (x as Issued).shortCode;
      out.set(code, {
        token: (x as Issued).token,
        shortCode: typeof shortCode === 'string' ? shortCode : null,
      });
    }
  }
  return out;
}
