/**
 * The key that encrypts secrets at rest: `CONTAINEROPS_SECRET_KEY` (base64 of 32 bytes) when
 * configured, otherwise `<data>/secret.key`, generated on first start with mode 0600. Losing the
 * file makes the stored secrets unreadable (back it up with the database).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@containerops/core';

export const SECRET_KEY_FILE = 'secret.key';

export function loadSecretKey(dataDir: string, configured?: string): Buffer {
  if (configured !== undefined) return decode(configured, 'CONTAINEROPS_SECRET_KEY');
  const path = join(dataDir, SECRET_KEY_FILE);
  if (existsSync(path)) return decode(readFileSync(path, 'utf8').trim(), path);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: never overwrite a key another process wrote meanwhile.
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new UserError(
      'INVALID_CONFIG',
      `${where}: the secret key must be the base64 of 32 bytes`,
    );
  }
  return key;
}
