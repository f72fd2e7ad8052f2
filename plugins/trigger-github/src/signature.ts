/**
 * GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 * Compared in constant time (digests of both sides, so lengths never leak either).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** The header value GitHub sends for `body` signed with `secret`. */
export function signGithubPayload(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `header` is the signature of `body` with `secret`. */
export function verifyGithubSignature(
  secret: string,
  body: Uint8Array,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(
    digest(header.trim().toLowerCase()),
    digest(signGithubPayload(secret, body)),
  );
}
