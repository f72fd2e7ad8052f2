/**
 * GitLab's webhook proof: the secret token set on the webhook, sent as is in `X-Gitlab-Token`.
 * Compared in constant time (digests of both sides, so lengths never leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const TOKEN_HEADER = 'x-gitlab-token';

export function tokenMatches(secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(header), digest(secret));
}
