import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashToken, listCompetitions } from '../../db/repositories/competitions.ts';
import { listOfficials } from '../../db/repositories/officials.ts';
import { addSetting, getSetting, putSetting } from '../../db/repositories/settings.ts';
import type { Store } from '../../db/store.ts';

/** The server secret's file in the data folder: 32 random bytes, mode 0600, never in a backup. */
export const SECRET_FILE = 'server-secret.key';
const SECRET_BYTES = 32;
const SEALED = /^v1\.([A-Za-z0-9_-]+)$/;

/**
 * Custody of login tokens: how the organiser can print the same card twice while a stolen
 * database alone reveals no token.
 *
 * Each official's token is stored SEALED: AES-256-GCM under a key derived from a server secret
 * kept OUTSIDE the database (`DATA_DIR/server-secret.key`), with the row's token hash as
 * associated data. The database keeps the SHA-256 of the token for lookups (a presented token is
 * still found by its hash), the sealed token for printing, and the short code only as an HMAC
 * under the same secret (a 50-bit code under a plain hash would fall to an offline search in a
 * day). Sealing, not deriving tokens as HMAC(secret, official, generation), because tokens also
 * come from outside: a competition file (the fixtures, a festival file) GIVES its officials'
 * tokens and those must keep working as given; sealing stores any token, given or random, the
 * same way, and rotation stays "a new random token". A row whose seal is absent (made before
 * sealing) or does not open (a database moved without its secret) prints a card only by
 * rotating. docs/guarantees.md says the same.
 */
export class Custody {
  readonly #sealKey: Buffer;
  readonly #codeKey: Buffer;
  /** What the database keeps of this secret to recognise it (services/custody.ts `reconcileSecret`). */
  readonly fingerprint: string;

  constructor(secret: Uint8Array) {
    if (secret.length !== SECRET_BYTES)
      throw new Error(`the server secret must be ${SECRET_BYTES} bytes`);
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), info, 32));
    // One key per use, so a seal and a short-code HMAC never share a key.
    this.#sealKey = derive('jiangxing/official-token-seal/v1');
    this.#codeKey = derive('jiangxing/short-code-hmac/v1');
    this.fingerprint = derive('jiangxing/secret-fingerprint/v1').toString('hex');
  }

  /** The token sealed for the row whose `token_hash` is `tokenHash`: `v1.` + base64url(iv‖tag‖ciphertext). */
  seal(token: string, tokenHash: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    cipher.setAAD(Buffer.from(tokenHash, 'utf8'));
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /**
   * The token of a row, or null when it cannot be recovered: no seal (a row made before
   * sealing), a seal made under another secret, or one that does not belong to `tokenHash`.
   */
  unseal(sealed: string | null | undefined, tokenHash: string): string | null {
    const m = sealed ? SEALED.exec(sealed) : null;
    if (!m) return null;
    const raw = Buffer.from(m[1]!, 'base64url');
    if (raw.length < 12 + 16 + 1) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(tokenHash, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      const token = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
        'utf8',
      );
      return hashToken(token) === tokenHash ? token : null;
    } catch {
      return null;
    }
  }

  /** What the database keeps of a (normalised) short code: HMAC-SHA256 under the secret, hex. */
  shortCodeKey(shortCode: string): string {
    return createHmac('sha256', this.#codeKey).update(shortCode, 'utf8').digest('hex');
  }
}

/**
 * Reads the server secret of `dataDir`, creating it at first start (32 random bytes, mode
 * 0600, written with O_EXCL so two starts never make two). A wider mode found on an existing
 * file is narrowed to 0600. Throws on a file that is not a 32-byte key: a damaged secret must
 * not be replaced silently.
 * @returns the custody and whether the secret was just created.
 */
export function openCustody(dataDir: string): { custody: Custody; created: boolean; file: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRET_FILE);
  let created = false;
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(SECRET_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // The umask may only narrow the mode; an old copy may have been made readable by others.
  if ((statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
  const secret = readFileSync(file);
  if (secret.length !== SECRET_BYTES)
    throw new Error(
      `${file} 不是 ${SECRET_BYTES} 字节的服务器密钥（已损坏？）。请从原处恢复它；若确已丢失，删除它后重启，然后在控制台为所有工作人员生成新登录码。`,
    );
  return { custody: new Custody(secret), created, file };
}

/** An instance's server secret is not the one its shared database was sealed under. */
export class SecretMismatchError extends Error {}

/** The setting that names the database's server secret by its fingerprint. */
const SECRET_SETTING = 'serverSecret';

/**
 * What REPLACE_SERVER_SECRET must say to replace the database's recorded secret: the first 12
 * hex digits of its fingerprint, or `none` for a database that records none yet (one from
 * before fingerprints, whose seals do not open). Naming what is replaced makes the setting
 * harmless if left in place: it replaces that one secret once, never a later one.
 */
export function replacementKey(storedJson: string | undefined): string {
  if (storedJson === undefined) return 'none';
  return (JSON.parse(storedJson) as { fingerprint: string }).fingerprint.slice(0, 12);
}

/**
 * Makes the database and this process agree on the server secret. The database keeps the
 * secret's fingerprint (an HKDF output under its own label; the secret, the seal key and the
 * short-code key cannot be had from it).
 *
 * - SQLite (`shared` false): this folder's secret is the one; the fingerprint follows it (a
 *   file restored without its secret: the banner says which cards cannot print).
 * - PostgreSQL (`shared` true), where several instances share the database: the first start
 *   records its fingerprint (of two at once, one); every later instance must hold the same
 *   secret (docs/deployment.md: copy `server-secret.key`), or a judge's typed short code would
 *   work on some instances and fail on others, and no card would print. A database from before
 *   the fingerprint is judged by its seals: when there are some and none opens, the secret is
 *   another one. `replace` (REPLACE_SERVER_SECRET, when every copy of the old secret is lost)
 *   must name the recorded secret ({@link replacementKey}, which the refusal prints): this
 *   instance's then becomes the database's; cards sealed under the old one print after rotating.
 *   Call it before loading a contest, so a refused instance writes nothing.
 * @returns whether this start replaced the recorded secret (the banner says so).
 * @throws SecretMismatchError saying which file to copy where, in Chinese and English.
 */
export async function reconcileSecret(
  store: Store,
  custody: Custody,
  file: string,
  opts: { shared: boolean; replace?: string },
): Promise<{ replaced: boolean }> {
  const ours = JSON.stringify({ fingerprint: custody.fingerprint });
  const stored = await getSetting(store, SECRET_SETTING);
  if (stored === ours) return { replaced: false };
  if (!opts.shared) {
    await putSetting(store, SECRET_SETTING, ours);
    return { replaced: false };
  }
  const key = replacementKey(stored);
  if (opts.replace === key) {
    await putSetting(store, SECRET_SETTING, ours);
    return { replaced: true };
  }
  const refuse = (zh: string, en: string) =>
    new SecretMismatchError(
      `这个实例的服务器密钥（${file}）不是${zh}：共用一个数据库的所有实例必须用同一个 server-secret.key。` +
        `请把第一个实例数据目录中的 server-secret.key 复制到 ${file}，再启动（docs/deployment.md）。` +
        `只有原密钥的所有副本都已丢失时，才用 REPLACE_SERVER_SECRET=${key} 启动一次本实例，让它的密钥成为数据库的密钥：其余实例再复制它，此前打印的登录卡须在控制台重新生成。\n` +
        `This instance's server secret (${file}) is not ${en}: every instance sharing a database needs the same server-secret.key. ` +
        `Copy server-secret.key from the first instance's data folder to ${file}, then start again. ` +
        `Only if every copy of the old secret is lost, start this instance once with REPLACE_SERVER_SECRET=${key} to make its secret the database's: the other instances then copy it, and the login cards printed before must be made again in the console.`,
    );
  const recorded = () => refuse('数据库所记录的那一个', 'the one the database records');
  if (stored !== undefined) throw recorded();
  // No fingerprint yet: a new database, or one from before fingerprints (judged by its seals).
  let sealed = 0;
  let opened = false;
  scan: for (const c of await listCompetitions(store))
    for (const o of await listOfficials(store, c.id)) {
      if (!o.tokenSealed) continue;
      if (custody.unseal(o.tokenSealed, o.tokenHash)) {
        opened = true;
        break scan;
      }
      sealed++;
    }
  if (sealed && !opened)
    throw refuse(
      `数据库中 ${sealed} 个登录码所用的那一个`,
      `the one the database's ${sealed} login codes were sealed under`,
    );
  // Of two instances recording at once, one does; the other must then hold the same secret.
  if (!(await addSetting(store, SECRET_SETTING, ours))) {
    if ((await getSetting(store, SECRET_SETTING)) !== ours) throw recorded();
  }
  return { replaced: false };
}
