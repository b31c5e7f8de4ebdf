import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import qrcode from 'qrcode-terminal';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { startBanner, type PasswordNews } from './banner.ts';
import { readFestival } from './plugins/seed.ts';
import { ensureOrganiserPassword, setOrganiserPassword } from './services/password.ts';
import { lockDataDir } from './data-lock.ts';

/** The process shell: the only place that listens, prints, and handles signals. */
const config = loadConfig();
const lock = lockDataDir(resolve(config.DATA_DIR));
if (!lock.ok) {
  console.error(lock.message);
  process.exit(1);
}
const app = await buildApp({
  dataDir: resolve(config.DATA_DIR),
  fixture: config.FIXTURE && resolve(config.FIXTURE),
  logger: { level: config.LOG_LEVEL },
  publicUrls: config.PUBLIC_URL,
});
// The password is in place before anyone can try it: ORGANISER_PASSWORD replaces the stored
// one at any start (a new one refuses the old at once).
const password: PasswordNews = config.ORGANISER_PASSWORD
  ? { kind: setOrganiserPassword(app.db, config.ORGANISER_PASSWORD) }
  : (() => {
      const generated = ensureOrganiserPassword(app.db);
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
  lock.release();
  process.exit(1);
}

let closing = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.on(sig, () => {
    if (closing) return;
    closing = true;
    app.log.info(`${sig}: closing`);
    app.close().then(
      () => {
        lock.release();
        process.exit(0);
      },
      () => process.exit(1),
    );
  });

const port = (app.server.address() as { port: number }).port;
// Listening on every interface: tablets use a LAN address; on one address, that address.
const everywhere = ['0.0.0.0', '::', ''].includes(config.HOST);
const lan = everywhere
  ? Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => `http://${a!.address}:${port}`)
  : [];
const here = everywhere || config.HOST === 'localhost' ? 'localhost' : config.HOST;
const base = lan[0] ?? `http://${here.includes(':') ? `[${here}]` : here}:${port}`;
// The scoreboard's QR code first, the banner last: nothing scrolls it away (request logs are
// warnings and errors only unless LOG_LEVEL asks for more).
console.log('\n大屏二维码（手机扫码观看）:');
qrcode.generate(`${base}/scoreboard/`, { small: true }, (qr) => {
  console.log(qr);
  console.log(
    startBanner({
      db: app.db,
      custody: app.custody,
      base,
      addresses: [
        { label: '本机', url: `http://localhost:${port}/scoreboard/` },
        ...lan.map((u) => ({ label: '局域网', url: `${u}/scoreboard/` })),
        ...(everywhere || here === 'localhost'
          ? []
          : [{ label: '地址', url: `${base}/scoreboard/` }]),
      ],
      dataDir: resolve(config.DATA_DIR),
      file: readFestival(config.FIXTURE && resolve(config.FIXTURE)),
      password,
    }),
  );
});
