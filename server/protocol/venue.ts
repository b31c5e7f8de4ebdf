/** Where each system's form of the venue CA is downloaded (server/routes/venue-setup.ts). */
export const CA_DOWNLOADS = {
  /** DER, `application/x-x509-ca-cert`: Android installs it from Settings. */
  android: '/setup/jiangxing-ca.crt',
  /** A configuration profile, `application/x-apple-aspen-config`: iPadOS and iOS. */
  ios: '/setup/jiangxing.mobileconfig',
  /** DER, `application/pkix-cert`: Windows' certificate import wizard. */
  windows: '/setup/jiangxing-ca.cer',
} as const;

/** What the set-up page (`/setup/`) learns from `GET /api/venue`. */
export interface VenueResponse {
  /** Null when the server runs without HTTPS (`HTTPS=off`). */
  https: null | {
    /** The port HTTPS listens on (null: it could not listen, the start says why). */
    port: number | null;
    ca: { name: string; fingerprint: string; notAfter: string };
    /** What the server certificate covers, and until when. */
    server: { ips: string[]; dnsNames: string[]; notAfter: string };
    downloads: typeof CA_DOWNLOADS;
  };
}
