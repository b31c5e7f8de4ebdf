/**
 * `DATA_DIR=… DATABASE_URL=postgres://… npm run move-to-pg`: moves a venue's contest from its
 * SQLite file (`DATA_DIR/jiangxing.db`) into an empty PostgreSQL database, every row with its
 * id (db/pg/copy.ts `copySqliteToPg`, one transaction), so that the instances started on
 * DATABASE_URL serve the same competitions, marks and logins (docs/deployment.md). The venue's
 * server must be stopped: the data folder's lock is taken as a server takes it. The SQLite file
 * is opened as a server opens it (an older one is migrated first, its record of the folder's
 * secret brought up to date) and otherwise only read: it stays the venue's backup. The server secret stays the venue's: the instances' data folders need a copy
 * of `DATA_DIR/server-secret.key`, and this says so.
 *
 * Exits 0 with the rows copied per table; 1 when the folder is in use, holds no database, or
 * PostgreSQL already holds competitions (nothing is copied); 2 on a bad setting.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, sqliteStore } from '../db/client.ts';
import { openPgDatabase } from '../db/pg/client.ts';
import { copySqliteToPg } from '../db/pg/copy.ts';
import { dbFile } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { lockDataDir } from '../server/data-lock.ts';
import { openCustody, reconcileSecret, SECRET_FILE } from '../server/services/custody.ts';

const config = loadConfig();
if (!config.DATABASE_URL) {
  console.error('配置错误 DATABASE_URL：请给出要搬入的 PostgreSQL 数据库（postgres://…）。');
  process.exit(2);
}
const dataDir = resolve(config.DATA_DIR);
const file = dbFile(dataDir);
if (!existsSync(file)) {
  console.error(`数据目录 ${dataDir} 里没有数据库（jiangxing.db）：没有可搬的比赛。`);
  process.exit(1);
}
const lock = lockDataDir(dataDir);
if (!lock.ok) {
  console.error(lock.message);
  process.exit(1);
}
// Opened as a server opens it: a file of an older version is brought to the current schema
// first (its migrations), which is the schema PostgreSQL gets, and its record of the server
// secret names this folder's (a folder restored without its secret made a new one): the
// instances that get a copy of it are then the ones PostgreSQL accepts.
const from = openDatabase(file);
let code = 0;
try {
  const { custody, file: secretFile } = openCustody(dataDir);
  await reconcileSecret(sqliteStore(from), custody, secretFile, { shared: false });
  const to = await openPgDatabase(config.DATABASE_URL, 1);
  try {
    const counts = await copySqliteToPg(from, to);
    console.log(`已把 ${file} 搬入 PostgreSQL：`);
    for (const [table, n] of Object.entries(counts)) console.log(`  ${table.padEnd(16)}${n}`);
    console.log(
      `请把 ${resolve(dataDir, SECRET_FILE)} 复制到每个实例的 DATA_DIR，再启动它们（docs/deployment.md）。`,
    );
  } finally {
    await to.$client.end();
  }
} catch (err) {
  const message = (err as Error).message;
  console.error(
    /already holds competitions/.test(message)
      ? '这个 PostgreSQL 数据库里已经有比赛：只能搬入一个空的数据库（PostgreSQL 里什么也没有改）。'
      : `搬迁失败（PostgreSQL 里什么也没有改）：${message}`,
  );
  code = 1;
} finally {
  from.$client.close();
  lock.release();
}
process.exit(code);
