/**
 * API tokens: `co_` + base64url of 32 random bytes. Only the SHA-256 of a token and its first
 * characters (to recognise it in a list) are stored; the token itself is shown once.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'co_';
const SHOWN_PREFIX_LENGTH = 8;

export interface NewToken {
  readonly secret: string;
  readonly hash: string;
  readonly prefix: string;
}

export function generateToken(): NewToken {
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashToken(secret), prefix: secret.slice(0, SHOWN_PREFIX_LENGTH) };
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
