import { parse } from 'pg-connection-string';
import qrcode from 'qrcode-terminal';
import type { Store } from '../db/store.ts';
import {
  hashToken,
  listCompetitions,
  listFestivals,
  shortCodeOf,
} from '../db/repositories/competitions.ts';
import { listOfficials } from '../db/repositories/officials.ts';
import type { FestivalFixture } from './protocol/fixture.ts';
import type { Custody } from './services/custody.ts';

/** What the start says about the organiser's password (services/password.ts). */
export type PasswordNews =
  | { kind: 'generated'; password: string }
  | { kind: 'set' | 'replaced' | 'unchanged' }
  | { kind: 'kept' };

export interface BannerInput {
  store: Store;
  custody: Custody;
  /** Where tablets and consoles reach the server: `http://192.168.1.5:3000`. */
  base: string;
  /** Every address of the scoreboard to list (local first). */
  addresses: { label: string; url: string }[];
  dataDir: string;
  /** On PostgreSQL: where the data is, without credentials (`db-host:5432/jiangxing`). */
  database?: string;
  /** The competition file the server was started with: its tokens, for rows made before sealing. */
  file?: FestivalFixture;
  password: PasswordNews;
  /**
   * The venue's set-up page and HTTPS (issue "The venue LAN as a secure site"): its QR code and
   * address are printed for staff devices, and what needs the organiser's eye at this start
   * (a new LAN address, HTTPS not listening) is said just before the console.
   */
  venue?: {
    /** `http://192.168.1.5:3000/setup/`. */
    setupUrl: string;
    /** `https://192.168.1.5:3443`, or null when HTTPS is off or could not listen. */
    httpsBase: string | null;
    /** The CA's name and SHA-256 fingerprint, which the set-up page asks people to compare. */
    ca?: { name: string; fingerprint: string };
    /** No CA because `HTTPS=off` was chosen (else, without `ca`, it could not be made). */
    httpsOff?: boolean;
    notices: string[];
  };
}

/**
 * Where a PostgreSQL database is, for the banner: host (or socket folder), port and database
 * name, never the user or password. Read by pg's own connection-string parser, so any URL pg
 * takes is shown (`postgres://user@/db?host=/socket` too).
 */
export function databaseShown(url: string): string {
  try {
    const c = parse(url);
    return `${c.host || 'localhost'}:${c.port || '5432'}/${c.database ?? ''}`;
  } catch {
    return '（DATABASE_URL）';
  }
}

/** A QR code in terminal blocks (qrcode-terminal answers synchronously). */
function qrText(text: string): string {
  let out = '';
  qrcode.generate(text, { small: true }, (qr) => (out = qr));
  return out;
}

/** `text` padded with spaces to `width` terminal columns (a CJK character takes two). */
function padWide(text: string, width: number): string {
  const used = [...text].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, width - used));
}

const ROLE = { organiser: '组委会', 'head-judge': '裁判长', judge: '裁判' } as const;

/**
 * The start banner, printed last (after the server listens and after the scoreboard's QR code)
 * so request logs never scroll it away: the addresses, then for EVERY competition the
 * organiser's and head judge's console links (`/console/#token=…`, which the console signs in
 * with) and every judge's short code and tablet link, then the console and what happened to
 * the organiser's password. A token comes from its seal (server/services/custody.ts) or, for a
 * row made before sealing, from the file the server was started with when its hash matches;
 * an official whose token is neither is named with what to do instead.
 */
export async function startBanner(input: BannerInput): Promise<string> {
  const { store, custody, base } = input;
  const competitions = await listCompetitions(store);
  const fromFile = new Map(
    (input.file?.competitions ?? []).flatMap((c) =>
      c.officials.map((o) => [hashToken(o.token), o.token] as const),
    ),
  );
  const lines = [
    '',
    '匠星 Jiangxing 已启动',
    ...input.addresses.map((a) => `  ${padWide(a.label, 12)}${a.url}`),
    // On PostgreSQL the folder keeps only this instance's server secret and lock.
    ...(input.database
      ? [
          `  ${padWide('数据库', 12)}PostgreSQL ${input.database}`,
          `  ${padWide('密钥目录', 12)}${input.dataDir}`,
        ]
      : [`  ${padWide('数据目录', 12)}${input.dataDir}`]),
  ];
  const venue = input.venue;
  if (venue) {
    lines.push(
      '',
      // Without a CA there is no certificate to install: the page then only checks the link.
      venue.ca
        ? '工作人员设备（裁判平板）先扫码打开设置页，安装场馆证书：'
        : venue.httpsOff
          ? '工作人员设备（裁判平板）可扫码打开设置页（HTTPS 已关闭，无需安装证书）：'
          : '工作人员设备（裁判平板）可扫码打开设置页（本次没有场馆证书，见下方注意）：',
      qrText(venue.setupUrl).trimEnd(),
      `  ${padWide('设置页', 12)}${venue.setupUrl}`,
    );
    if (venue.httpsBase)
      lines.push(`  ${padWide('HTTPS', 12)}${venue.httpsBase}/judge-tablet/（装好证书后用）`);
    if (venue.ca)
      lines.push(
        `  ${padWide('场馆证书', 12)}${venue.ca.name}`,
        `  ${padWide('SHA-256', 12)}${venue.ca.fingerprint}`,
      );
  }
  let foreignSeals = 0;
  for (const c of competitions) {
    const rows = (await listOfficials(store, c.id)).filter((o) => !o.revoked);
    if (!rows.length) continue;
    lines.push('', `登录：${c.titleZh}（${c.slug}）`);
    // The console's people first, then the judges.
    const order = { organiser: 0, 'head-judge': 1, judge: 2 } as const;
    rows.sort((a, b) => order[a.role] - order[b.role] || a.code.localeCompare(b.code));
    for (const o of rows) {
      const sealed = custody.unseal(o.tokenSealed, o.tokenHash);
      if (!sealed && o.tokenSealed) foreignSeals++;
      const token = sealed ?? fromFile.get(o.tokenHash) ?? null;
      const who = `${o.code} ${o.name.padEnd(4, '　')}`;
      if (o.role === 'judge')
        lines.push(
          token
            ? `  平板    ${who} 登录码 ${shortCodeOf(token)}  ${base}/judge-tablet/#token=${token}`
            : `  平板    ${who} （登录码无法再显示：请在控制台“裁判”页为其生成新登录码）`,
        );
      else
        lines.push(
          token
            ? `  控制台  ${who} ${ROLE[o.role]}  ${base}/console/#token=${token}`
            : `  控制台  ${who} ${ROLE[o.role]}  （登录码无法再显示：${o.role === 'organiser' ? '请用组委会密码登录控制台' : '请组委会在控制台为其生成新登录码'}）`,
        );
    }
  }
  for (const f of await listFestivals(store)) {
    const members = competitions.filter((c) => c.festivalId === f.id);
    if (members.length > 1)
      lines.push(
        '',
        `  ${padWide('轮播大屏', 12)}${base}/scoreboard/?festival=${f.slug}（${f.titleZh}）`,
      );
  }
  if (foreignSeals)
    lines.push(
      '',
      `注意：${foreignSeals} 位工作人员的登录码是在另一个服务器密钥（server-secret.key）下保存的：`,
      '  他们的登录卡不能再打印，手输的短登录码也不能用（二维码和登录链接仍可用）。',
      '  请把原来的 server-secret.key 放回数据目录后重启，或在控制台为他们生成新登录码。',
    );
  if (venue?.notices.length) lines.push('', ...venue.notices.map((n) => `注意：${n}`));
  lines.push('', `  ${padWide('控制台', 12)}${base}/console/`);
  const p = input.password;
  lines.push(
    p.kind === 'generated'
      ? `组委会控制台密码（首次启动生成，请记下；可用 ORGANISER_PASSWORD=新密码 重启更换）: ${p.password}`
      : p.kind === 'set'
        ? '组委会控制台密码：已按 ORGANISER_PASSWORD 设置。'
        : p.kind === 'replaced'
          ? '组委会控制台密码：已按 ORGANISER_PASSWORD 更换，旧密码从现在起无效，用旧密码登录的控制台已退出。'
          : p.kind === 'unchanged'
            ? '组委会控制台密码：与 ORGANISER_PASSWORD 相同，未更改。'
            : '组委会控制台密码：首次启动时已显示（忘记了可用 ORGANISER_PASSWORD=新密码 重启更换）。',
  );
  return lines.join('\n');
}
