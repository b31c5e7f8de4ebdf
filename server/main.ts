import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import qrcode from 'qrcode-terminal';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { findOfficialByToken, shortCodeOf } from '../db/repositories/competitions.ts';
import { readFestival } from './plugins/seed.ts';
import { ensureOrganiserPassword } from './services/password.ts';
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
});
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
const lan = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && a.family === 'IPv4' && !a.internal)
  .map((a) => `http://${a!.address}:${port}`);
const base = lan[0] ?? `http://localhost:${port}`;
const lines = [
  '',
  '匠星 Jiangxing 已启动',
  `  本机        http://localhost:${port}/scoreboard/`,
  ...lan.map((u) => `  局域网      ${u}/scoreboard/`),
  `  数据目录    ${resolve(config.DATA_DIR)}`,
];
// Demo logins of the loaded file's competitions, while their demo tokens are still valid.
const festival = readFestival(config.FIXTURE && resolve(config.FIXTURE));
for (const f of festival.competitions) {
  // Judges get their tablet link; in a festival, the organiser's and head judge's codes too
  // (the console's password opens the first competition; these open the others).
  const demo = f.officials.filter(
    (o) =>
      (o.role === 'judge' || festival.competitions.length > 1) &&
      findOfficialByToken(app.db, o.token),
  );
  if (!demo.length) continue;
  lines.push('', `登录（${f.competition.title.zh}，演示用）:`);
  for (const o of demo)
    lines.push(
      o.role === 'judge'
        ? `  ${o.code} ${o.name.padEnd(4, '　')} 登录码 ${shortCodeOf(o.token)}  ${base}/judge-tablet/#token=${o.token}`
        : `  ${o.code} ${o.name.padEnd(4, '　')} 控制台登录码 ${shortCodeOf(o.token)}（${o.role === 'organiser' ? '组委会' : '裁判长'}）`,
    );
}
if (festival.competitions.length > 1)
  lines.push('', `  轮播大屏    ${base}/scoreboard/?festival=${festival.festival.slug}`);
const generated = ensureOrganiserPassword(app.db, config.ORGANISER_PASSWORD);
if (generated)
  lines.push(
    '',
    `组委会控制台密码（只显示这一次，请记下）: ${generated}`,
    `  控制台      ${base}/console/`,
  );
else lines.push('', `  控制台      ${base}/console/`);
console.log(lines.join('\n'));
console.log('\n大屏二维码（手机扫码观看）:');
qrcode.generate(`${base}/scoreboard/`, { small: true });
