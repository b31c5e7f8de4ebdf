import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import qrcode from 'qrcode-terminal';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { databaseShown, startBanner, type PasswordNews } from './banner.ts';
import { readFestival } from './plugins/seed.ts';
import {
  ensureOrganiserPassword,
  forgetUnshownPassword,
  setOrganiserPassword,
} from './services/password.ts';
import { lockDataDir } from './data-lock.ts';
import { SecretMismatchError } from './services/custody.ts';
import {
  caDirInsideDataDir,
  ensureVenueTls,
  venueNames,
  type VenueTls,
} from './services/venue-ca.ts';
import { rememberAddresses } from './services/venue-address.ts';

/** The process shell: the only place that listens, prints, and handles signals. */
const config = loadConfig();
// The competition file of this start (FIXTURE, else the default), read once for the banner: one
// that cannot be loaded is a wrong setting, said before anything is made.
const file = (() => {
  try {
    return readFestival(config.FIXTURE && resolve(config.FIXTURE));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(
      `配置错误 FIXTURE=${config.FIXTURE}：` +
        (e.code === 'ENOENT'
          ? '文件不存在'
          : e.code === 'EISDIR'
            ? '这是一个文件夹，不是比赛文件'
            : e instanceof SyntaxError
              ? `不是有效的 JSON（${e.message}）`
              : e.message),
    );
    process.exit(2);
  }
})();
const lock = lockDataDir(resolve(config.DATA_DIR));
if (!lock.ok) {
  console.error(lock.message);
  process.exit(1);
}
// Listening on every interface: tablets use a LAN address; on one address, that address.
const everywhere = ['0.0.0.0', '::', ''].includes(config.HOST);
// What the organiser must see at this start, said in the banner just before the console.
const notices: string[] = [];
const names = venueNames();
if (everywhere) {
  const lanNow = [...names.lan, ...names.outside];
  const moved = rememberAddresses(resolve(config.DATA_DIR), lanNow);
  if (moved.changed)
    notices.push(
      `本机局域网地址与上次启动不同（上次 ${moved.previous!.join('、') || '无'}，这次 ${lanNow.join('、') || '无'}）：` +
        '平板上的链接、已打印的登录卡和二维码里的地址要换成新的（场馆证书不用重装）。' +
        '要让地址固定：在路由器上为本机做 DHCP 保留，或让本机当路由器（docs/venue.md）。',
    );
}
// HTTPS for staff devices, from the venue's own CA kept in CA_DIR (services/venue-ca.ts).
let tls: VenueTls | null = null;
if (config.HTTPS === 'on') {
  if (caDirInsideDataDir(config.CA_DIR, config.DATA_DIR)) {
    console.error(
      `证书目录 CA_DIR=${config.CA_DIR} 在数据目录 ${config.DATA_DIR} 里面：重新开始一场比赛会删掉它，` +
        '每台平板就得重装证书。请把 CA_DIR 设在数据目录之外（默认 ./ca）。',
    );
    lock.release();
    process.exit(2);
  }
  try {
    tls = await ensureVenueTls({ caDir: config.CA_DIR, ips: names.ips, dnsNames: names.dnsNames });
    if (tls.createdCa)
      notices.push(
        `已生成场馆证书（CA）${tls.caName}，保存在 ${resolve(config.CA_DIR)}：` +
          '请保留这个目录，以后的比赛平板不必重装证书（不要把它放进备份或发给别人）。',
      );
    else if (tls.renewed === 'names')
      notices.push('服务器证书已按本机现在的地址重新签发（平板不必重装场馆证书）。');
    else if (tls.renewed === 'expiry') notices.push('服务器证书快到期，已重新签发。');
  } catch (err) {
    notices.push(`无法准备场馆证书（${(err as Error).message}）：本次只提供 HTTP。`);
  }
  if (tls && names.outside.length)
    notices.push(
      `地址 ${names.outside.join('、')} 不是局域网私有地址，场馆证书不能包含它：` +
        '平板请连到场馆局域网（10.x、172.16–31.x、192.168.x）再用 HTTPS。',
    );
}
const app = await buildApp({
  dataDir: resolve(config.DATA_DIR),
  databaseUrl: config.DATABASE_URL,
  fixture: config.FIXTURE && resolve(config.FIXTURE),
  logger: { level: config.LOG_LEVEL },
  publicUrls: config.PUBLIC_URL,
  trustProxy: config.TRUST_PROXY,
  replaceServerSecret: config.REPLACE_SERVER_SECRET,
  tls,
}).catch((err: unknown) => {
  // PostgreSQL away, unknown or unsafe: one line that says which, not a stack trace.
  if (!config.DATABASE_URL) throw err;
  if (err instanceof SecretMismatchError) {
    console.error(`无法启动：${err.message}`);
    lock.release();
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException & { cause?: { message?: string } };
  const why =
    e.code === 'ECONNREFUSED'
      ? '连接被拒绝（PostgreSQL 没有运行，或端口不对）'
      : e.code === 'ENOTFOUND'
        ? '找不到这台主机'
        : e.code === '3D000'
          ? '没有这个数据库（请先 createdb）'
          : e.code === '28P01' || e.code === '28000'
            ? '用户名或密码不对'
            : (e.cause?.message ?? e.message);
  console.error(`配置错误 DATABASE_URL：无法使用这个 PostgreSQL 数据库：${why}`);
  lock.release();
  process.exit(2);
});
if (app.secretReplaced)
  notices.push(
    `本实例的服务器密钥已成为数据库的密钥（REPLACE_SERVER_SECRET）：请把 ${resolve(config.DATA_DIR, 'server-secret.key')} 复制到其余每个实例的数据目录，` +
      '并去掉这个设置；此前打印的登录卡和手输登录码须在控制台重新生成（二维码和登录链接仍可用）。',
  );
// A competition file is loaded only into an empty database: one that holds competitions keeps
// them, and the organiser who named a file is told it was not loaded.
if (config.FIXTURE && !app.seeded)
  notices.push(
    `FIXTURE=${config.FIXTURE} 未载入：${config.DATABASE_URL ? '数据库' : `数据目录 ${resolve(config.DATA_DIR)}`}` +
      ' 里已有比赛，本次沿用其中的数据。要载入这个文件，请换一个空的 DATA_DIR（或空的数据库）再启动。',
  );
// The password is in place before anyone can try it: ORGANISER_PASSWORD replaces the stored
// one at any start (a new one refuses the old at once).
const password: PasswordNews = config.ORGANISER_PASSWORD
  ? { kind: await setOrganiserPassword(app.store, config.ORGANISER_PASSWORD) }
  : await (async () => {
      const generated = await ensureOrganiserPassword(app.store);
      return generated ? { kind: 'generated', password: generated } : { kind: 'kept' };
    })();
try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  console.error(
    e.code === 'EADDRINUSE'
      ? `端口 ${config.PORT} 已被占用（是否已有一个匠星在运行？）。请先停止它，或用 PORT=其他端口 启动。`
      : `无法启动：${e.message}`,
  );
  if (password.kind === 'generated') await forgetUnshownPassword(app.store, password.password);
  lock.release();
  process.exit(1);
}
// HTTPS beside HTTP; HTTP is what matters most, so HTTPS failing to listen is said, not fatal.
let httpsPort: number | null = null;
if (app.https)
  try {
    httpsPort = await app.https.listen(config.HTTPS_PORT, config.HOST);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    notices.push(
      e.code === 'EADDRINUSE'
        ? `HTTPS 端口 ${config.HTTPS_PORT} 已被占用：本次不提供 HTTPS（HTTP 照常），可用 HTTPS_PORT=其他端口 重启。`
        : `HTTPS 无法启动（${e.message}）：本次只提供 HTTP。`,
    );
  }

let closing = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.on(sig, () => {
    if (closing) return;
    closing = true;
    // Said on stdout whatever LOG_LEVEL is: the person who pressed Ctrl-C must know it worked.
    console.log(`\n正在停止（${sig}）：写完已确认的评分，关闭连接…`);
    app.close().then(
      () => {
        lock.release();
        console.log(
          `匠星已停止。已确认的评分都保存在 ${config.DATABASE_URL ? 'PostgreSQL 数据库中' : resolve(config.DATA_DIR)}。`,
        );
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`停止时出错：${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  });

const port = (app.server.address() as { port: number }).port;
const lan = everywhere
  ? Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => `http://${a!.address}:${port}`)
  : [];
const here = everywhere || config.HOST === 'localhost' ? 'localhost' : config.HOST;
// Behind a load balancer (PUBLIC_URL, docs/deployment.md) people reach the festival there, not
// at this instance: its links and QR code are the ones to hand out.
const publicBases = config.PUBLIC_URL.map((u) => u.replace(/\/+$/, ''));
const own = lan[0] ?? `http://${here.includes(':') ? `[${here}]` : here}:${port}`;
const base = publicBases[0] ?? own;
// HTTPS on an address the certificate holds (a private one), else this machine's own name.
const httpsHost = everywhere
  ? (names.lan[0] ?? 'localhost')
  : here.includes(':')
    ? `[${here}]`
    : here;
// The scoreboard's QR code first, the banner last: nothing scrolls it away (request logs are
// warnings and errors only unless LOG_LEVEL asks for more).
console.log('\n大屏二维码（手机扫码观看）:');
const banner = await startBanner({
  store: app.store,
  custody: app.custody,
  base,
  addresses: [
    ...publicBases.map((u) => ({ label: '公开地址', url: `${u}/scoreboard/` })),
    { label: '本机', url: `http://localhost:${port}/scoreboard/` },
    ...lan.map((u) => ({ label: '局域网', url: `${u}/scoreboard/` })),
    ...(everywhere || here === 'localhost' ? [] : [{ label: '地址', url: `${own}/scoreboard/` }]),
  ],
  dataDir: resolve(config.DATA_DIR),
  ...(config.DATABASE_URL ? { database: databaseShown(config.DATABASE_URL) } : {}),
  file,
  password,
  venue: {
    setupUrl: `${base}/setup/`,
    httpsBase: httpsPort === null ? null : `https://${httpsHost}:${httpsPort}`,
    ca: tls ? { name: tls.caName, fingerprint: tls.caFingerprint } : undefined,
    httpsOff: config.HTTPS === 'off',
    notices,
  },
});
qrcode.generate(`${base}/scoreboard/`, { small: true }, (qr) => {
  console.log(qr);
  console.log(banner);
});
