/**
 * The generic webhook's signature scheme. The sender signs the timestamp together with the body,
 * so a captured request cannot be replayed later:
 *
 * ```
 * X-ContainerOps-Timestamp: <unix time in seconds>
 * X-ContainerOps-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * X-ContainerOps-Delivery:  <the sender's id of this delivery>   (optional, 1–128 visible characters)
 * ```
 *
 * A timestamp further than the replay window from the server's clock (either way) is refused;
 * within the window, copies of one delivery are recognised by the signature itself (an exact
 * copy has the same one) and by the delivery id (a re-send signed anew keeps it), see
 * replay-guard.ts. Comparisons run in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_HEADER = 'x-containerops-token';
export const SIGNATURE_HEADER = 'x-containerops-signature';
export const TIMESTAMP_HEADER = 'x-containerops-timestamp';
export const DELIVERY_HEADER = 'x-containerops-delivery';

/** Default replay window: how far a signed timestamp may be from the server's clock. */
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;

const DELIVERY_ID = /^[\x21-\x7e]{1,128}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** Why a request was refused: a stable code and a message that says what to send instead. */
export interface SignatureRefusal {
  readonly code: 'UNSIGNED' | 'BAD_SIGNATURE' | 'TIMESTAMP_REQUIRED' | 'STALE_TIMESTAMP';
  readonly message: string;
}

/** A request that proved the secret; `signature` is set when it was signed (not token-only). */
export interface Authenticated {
  readonly signature?: string;
}

/** The signature a sender computes: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function signWebhook(secret: string, timestamp: string, body: Uint8Array | string): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${hmac}`;
}

/**
 * Checks the proof of the secret: the token header (the secret itself; no replay protection but
 * the delivery id), or a signature of the timestamp and body within `windowMs` of `now`.
 */
export function authenticateWebhook(
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
  secret: string,
  now: number,
  windowMs: number = DEFAULT_REPLAY_WINDOW_MS,
): Authenticated | SignatureRefusal {
  const token = headers[TOKEN_HEADER];
  const signature = headers[SIGNATURE_HEADER]?.trim().toLowerCase();
  const timestamp = headers[TIMESTAMP_HEADER]?.trim();
  if (token === undefined && signature === undefined) {
    return {
      code: 'UNSIGNED',
      message:
        `sign "<timestamp>.<body>" with the secret: ${SIGNATURE_HEADER}: sha256=<hex> and ` +
        `${TIMESTAMP_HEADER}: <unix seconds> (or send the secret in ${TOKEN_HEADER})`,
    };
  }
  if (signature !== undefined) {
    if (timestamp === undefined || !TIMESTAMP.test(timestamp)) {
      return {
        code: 'TIMESTAMP_REQUIRED',
        message:
          `a signed request needs ${TIMESTAMP_HEADER}: <unix seconds>, and the signature ` +
          'must cover "<timestamp>.<body>"',
      };
    }
    if (!sameText(signature, signWebhook(secret, timestamp, body))) {
      return { code: 'BAD_SIGNATURE', message: 'the signature does not match' };
    }
    const skewMs = Math.abs(now - Number(timestamp) * 1000);
    if (skewMs > windowMs) {
      return {
        code: 'STALE_TIMESTAMP',
        message:
          `the timestamp is ${Math.round(skewMs / 1000)} s away from the server's clock; ` +
          `at most ${Math.round(windowMs / 1000)} s is accepted (sign each delivery when you send it)`,
      };
    }
    return { signature };
  }
  if (token !== undefined && sameText(token, secret)) return {};
  return { code: 'BAD_SIGNATURE', message: 'the token does not match' };
}

export function isRefusal(value: Authenticated | SignatureRefusal): value is SignatureRefusal {
  return 'code' in value;
}

/** The sender's delivery id header; undefined when absent, a message when malformed. */
export function deliveryIdOf(
  headers: Readonly<Record<string, string>>,
): { id?: string } | { problem: string } {
  const id = headers[DELIVERY_HEADER]?.trim();
  if (id === undefined || id === '') return {};
  if (!DELIVERY_ID.test(id))
    return { problem: `${DELIVERY_HEADER} must be 1 to 128 visible ASCII characters` };
  return { id };
}

/** Constant-time comparison of two strings of any length (compares their digests). */
function sameText(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
