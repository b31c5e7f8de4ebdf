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
import { hashToken } from '../../db/repositories/competitions.ts';

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

  constructor(secret: Uint8Array) {
    if (secret.length !== SECRET_BYTES)
      throw new Error(`the server secret must be ${SECRET_BYTES} bytes`);
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), info, 32));
    // One key per use, so a seal and a short-code HMAC never share a key.
    this.#sealKey = derive('jiangxing/official-token-seal/v1');
    this.#codeKey = derive('jiangxing/short-code-hmac/v1');
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
