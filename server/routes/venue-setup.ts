import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { mobileconfig } from '../services/venue-ca.ts';
import { errorBody } from '../plugins/errors.ts';
import { safeHostname } from '../plugins/https.ts';
import { CA_DOWNLOADS as DOWNLOADS, type VenueResponse } from '../protocol/venue.ts';

/**
 * The set-up page's server side (issue "The venue LAN as a secure site", 3): the venue CA in
 * the form each system installs — Android a DER `.crt` (`application/x-x509-ca-cert`),
 * iPadOS/iOS a configuration profile (`application/x-apple-aspen-config`), Windows a DER
 * `.cer` — and `GET /api/venue`, what the page needs to check whether this device trusts the
 * HTTPS origin. The page itself is built by Vite (`setup/`) and served from dist/ like the
 * others, on HTTP and HTTPS alike; its CSP lets it ask the HTTPS origin's `/healthz`.
 * Only the CA's certificate leaves the server, never a key.
 */
const routes: FastifyPluginAsync = async (app) => {
  const tls = app.https?.tls ?? null;
  const ca = tls ? { der: tls.caDer, profile: mobileconfig(tls) } : null;

  app.get('/api/venue', async (): Promise<VenueResponse> => {
    if (!app.https || !tls) return { https: null };
    return {
      https: {
        port: app.https.port(),
        ca: {
          name: tls.caName,
          fingerprint: tls.caFingerprint,
          notAfter: tls.caNotAfter.toISOString(),
        },
        server: { ips: tls.ips, dnsNames: tls.dnsNames, notAfter: tls.notAfter.toISOString() },
        downloads: DOWNLOADS,
      },
    };
  });

  const notFound = errorBody('https/off', {});
  app.get(DOWNLOADS.android, async (_req, reply) => {
    if (!ca) return reply.code(404).send(notFound);
    return reply
      .type('application/x-x509-ca-cert')
      .header('content-disposition', 'attachment; filename="jiangxing-ca.crt"')
      .header('cache-control', 'no-cache')
      .send(ca.der);
  });
  app.get(DOWNLOADS.windows, async (_req, reply) => {
    if (!ca) return reply.code(404).send(notFound);
    return reply
      .type('application/pkix-cert')
      .header('content-disposition', 'attachment; filename="jiangxing-ca.cer"')
      .header('cache-control', 'no-cache')
      .send(ca.der);
  });
  app.get(DOWNLOADS.ios, async (_req, reply) => {
    if (!ca) return reply.code(404).send(notFound);
    // Safari offers to install a profile only when it is served with this type.
    return reply
      .type('application/x-apple-aspen-config')
      .header('cache-control', 'no-cache')
      .send(ca.profile);
  });

  // The set-up page and the judge tablet (which offers the move to HTTPS once the device
  // trusts it) ask `https://<this host>:<HTTPS port>/healthz` whether the device trusts the
  // CA; every other page keeps `connect-src 'self'`.
  app.addHook('onSend', async (req, reply) => {
    if (!/^\/(setup|judge-tablet)\//.test(req.url) || !app.https) return;
    const port = app.https.port();
    const host = safeHostname(req.hostname);
    const csp = reply.getHeader('content-security-policy');
    if (!port || !host || typeof csp !== 'string') return;
    reply.header(
      'content-security-policy',
      csp.replace("connect-src 'self'", `connect-src 'self' https://${host}:${port}`),
    );
  });
};

export default fp(routes, { name: 'venue-setup', dependencies: ['https'] });
