import proxyAddr from '@fastify/proxy-addr';
import { z } from 'zod';
import { formatIssues } from './protocol/errors.ts';

/**
 * Whether `entry` is what Fastify's `trustProxy` takes, asked of the library that reads it
 * (proxy-addr): an IP address, a range (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`) or one of its names
 * (`loopback`, `linklocal`, `uniquelocal`). Anything else made it throw at start.
 */
function trustedProxy(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/** Process environment, parsed once at start. Documented in README.md. */
export const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /**
   * `postgres://user@host:port/db`: run on PostgreSQL, which several instances may share
   * (docs/deployment.md); absent, the embedded SQLite file in DATA_DIR (the default).
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 须以 postgres:// 开头')
    .optional(),
  /** HTTPS for staff devices that installed the venue CA (`/setup/`); HTTP stays on PORT. */
  HTTPS_PORT: z.coerce.number().int().min(0).max(65535).default(3443),
  /** `off`: HTTP only, no CA is made. */
  HTTPS: z
    .string()
    .default('on')
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['on', 'off'])),
  /**
   * Folder of the venue CA and server certificate (services/venue-ca.ts), outside DATA_DIR so a
   * new contest keeps the CA every tablet installed.
   */
  CA_DIR: z.string().default('./ca'),
  /** Competition file loaded into an empty database (default: fixtures/gaoxin-2024/fixture.json). */
  FIXTURE: z.string().optional(),
  /**
   * The organiser's console password: given at any start, it replaces the stored one (the start
   * says so); absent, one is generated and printed once at first start.
   */
  ORGANISER_PASSWORD: z.string().min(8).max(200).optional(),
  /** Warnings and errors only by default, so the start banner stays readable; `info` logs requests. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  /**
   * Comma-separated addresses (or CIDR ranges) of load balancers in front of this instance
   * (docs/deployment.md): their X-Forwarded-For names the client, so rate limits and the
   * failed-login budget count each phone, not the balancer. Absent: no proxy is trusted.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((a) => a.trim()) : []))
    .refine(
      (list) => list.every(trustedProxy),
      'TRUST_PROXY 须为逗号分隔的 IP 地址或网段（如 127.0.0.1,10.0.0.0/8），或 loopback、linklocal、uniquelocal',
    ),
  /**
   * Comma-separated public URLs the pages are also served from (a load balancer, a host name):
   * websocket upgrades from pages there are accepted besides this machine's own addresses.
   */
  PUBLIC_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((u) => u.trim()) : []))
    .pipe(z.array(z.url())),
  /**
   * On PostgreSQL, when every copy of the shared server secret is lost: the first 12 hex digits
   * of the recorded secret's fingerprint (or `none`), as the refusal to start prints them. This
   * instance's secret then replaces that one (services/custody.ts `reconcileSecret`); left set,
   * it replaces nothing more.
   */
  REPLACE_SERVER_SECRET: z
    .string()
    .regex(
      /^([0-9a-f]{12}|none)$/,
      'REPLACE_SERVER_SECRET 须为启动时提示的 12 位十六进制数（或 none）',
    )
    .optional(),
});
export type Config = z.infer<typeof Config>;

/**
 * The settings of an environment: a variable set to nothing (`PORT=` in an env file or a
 * service unit) counts as not set, so it takes its default; `z.coerce` alone would have read
 * `PORT=` as 0, a random port, and every QR code and tablet link would change at each start.
 */
export function parseConfig(env: NodeJS.ProcessEnv): ReturnType<typeof Config.safeParse> {
  return Config.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')),
  );
}

/** Parses the environment; exits with a readable message on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = parseConfig(env);
  if (!r.success) {
    for (const i of r.error.issues) console.error(`配置错误 ${formatIssues([i], { root: '' })}`);
    process.exit(2);
  }
  return r.data;
}
