import type { VenueResponse } from '#protocol';
import { checkTrust, hostCovered, httpsOrigin } from '../setup/detect.ts';

/**
 * Moving a tablet from plain HTTP to the venue's HTTPS origin (issue 20, point 1). Never a
 * redirect: storage, the login and the outbox belong to one origin, so the HTTP page first
 * sends its outbox (and the judge finishes his drafts), and only then offers the move. The
 * login travels in the URL fragment (never sent to a server); the HTTPS page reads it, signs
 * in and takes it out of the address bar (main.ts).
 *
 * `state`: `none` (already HTTPS, no HTTPS origin, or this device does not trust it),
 * `trusted` (the HTTPS origin answers this device: the move can be offered).
 */
export class SecureHandoff {
  #origin = $state<string | null>(null);
  #checked = $state<'pending' | 'trusted' | 'untrusted' | 'none'>('pending');
  #dismissed = $state(false);
  #checking = false;

  /** The trusted HTTPS origin (`https://192.168.1.5:3443`), or null. */
  get origin() {
    return this.#origin;
  }
  get state(): 'none' | 'trusted' {
    return this.#origin && !this.#dismissed ? 'trusted' : 'none';
  }
  /**
   * What the last check found: `none` (already HTTPS, no HTTPS port, a host the certificate
   * does not hold, or the server could not be asked), `trusted`, `untrusted`; `pending` before.
   */
  get checked() {
    return this.#checked;
  }
  /** Hides the offer for this page's life ("later"). */
  dismiss(): void {
    this.#dismissed = true;
  }

  /**
   * On a page served over plain HTTP: asks the server for its HTTPS port (`GET /api/venue`)
   * and whether this device trusts it (setup/detect.ts checkTrust). Quiet on any failure.
   */
  async check(fetcher: typeof fetch = fetch): Promise<void> {
    if (location.protocol !== 'http:') {
      this.#checked = 'none';
      return;
    }
    if (this.#origin || this.#checking) return;
    this.#checking = true;
    let found: 'trusted' | 'untrusted' | 'none' = 'none';
    try {
      const res = await fetcher('/api/venue', { cache: 'no-store' });
      const https = res.ok ? ((await res.json()) as VenueResponse).https : null;
      // A host the certificate does not hold (a public address) can never be trusted.
      if (https?.port && hostCovered(location.hostname, https.server.ips, https.server.dnsNames)) {
        const origin = httpsOrigin(location.hostname, https.port);
        found = await checkTrust(origin, fetcher);
        if (found === 'trusted') this.#origin = origin;
      }
    } catch {
      // Offline or an older server: no offer.
    } finally {
      this.#checked = found;
      this.#checking = false;
    }
  }
}

/**
 * The tablet's address on the HTTPS origin with the login in the fragment, keeping the
 * page's query (`?lang=en`): `https://192.168.1.5:3443/judge-tablet/?lang=en#token=…`.
 */
export function handoffUrl(origin: string, token: string, search = ''): string {
  return `${origin}/judge-tablet/${search}#token=${encodeURIComponent(token)}`;
}

/**
 * Whether the move may be offered now: nothing waits in the outbox and no draft holds taps
 * (they live in this origin's storage and would stay behind).
 */
export function mayHandOff(work: { unsent: number; drafts: number; unsaved: boolean }): boolean {
  return work.unsent === 0 && work.drafts === 0 && !work.unsaved;
}
