/**
 * The request of a webhook delivery as `trigger_deliveries` keeps it: method, path (after
 * `/hooks/<plugin>`), query, headers and body, sealed with the server's secret key (the
 * {@link SecretCipher} that encrypts organisation secrets), bound to its row by the AAD, so a
 * sealed request copied into another row does not open.
 *
 * Headers that carry a credential itself — `Authorization`, cookies, and any header whose name
 * says token, secret, password, API key or session (`X-Gitlab-Token`, `X-ContainerOps-Token`) —
 * are dropped before sealing and never stored. A redelivery of a delivery that proved itself with
 * such a header is therefore refused by its plugin, as it should be: the server cannot vouch for
 * a credential it does not keep.
 *
 * Signature headers (`X-Hub-Signature-256`, `X-ContainerOps-Signature`) are an HMAC of the body,
 * not the key: they are sealed with the request so that a redelivery passes the plugin's own
 * signature check again (same body, same headers), but {@link viewOfRequest} never shows them,
 * not even to administrators.
 */
import type { TriggerHttpRequest } from '@containerops/sdk';
import type { SealedSecret, SecretCipher } from '../secrets/secret-cipher.js';

/** A header whose value is a credential: never stored. */
const CREDENTIAL_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|passw|api-?key|session/i;
/** A header holding a signature of the body: stored sealed, never shown. */
const SIGNATURE_HEADER = /signature/i;

/** What the payload view shows in place of a signature header's value. */
export const WITHHELD = '(kept for redelivery, not shown)';

/** The sealed form's JSON (the body as base64: it may not be UTF-8). */
interface StoredRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** True when a header of this name is never stored (its value is a credential). */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** The headers that may be stored: every one but the credentials (names lower-cased). */
export function storableHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!isCredentialHeader(lower)) kept[lower] = value;
  }
  return kept;
}

/** The AAD of a delivery's sealed request: its row. */
function aadOf(deliveryRowId: string): string {
  return `trigger_deliveries/${deliveryRowId}`;
}

/** Seals `request` (credential headers dropped) for the delivery row `deliveryRowId`. */
export function sealRequest(
  cipher: SecretCipher,
  deliveryRowId: string,
  request: TriggerHttpRequest,
): SealedSecret {
  const stored: StoredRequest = {
    method: request.method,
    path: request.path,
    query: { ...request.query },
    headers: storableHeaders(request.headers),
    body: Buffer.from(request.body).toString('base64'),
  };
  return cipher.seal(JSON.stringify(stored), aadOf(deliveryRowId));
}

/**
 * The request sealed for `deliveryRowId`, as a plugin handler takes it.
 * @throws when the key is not the one it was sealed with, or the row was altered.
 */
export function openRequest(
  cipher: SecretCipher,
  deliveryRowId: string,
  sealed: SealedSecret,
): TriggerHttpRequest {
  const stored = JSON.parse(cipher.open(sealed, aadOf(deliveryRowId))) as StoredRequest;
  return {
    method: stored.method,
    path: stored.path,
    query: { ...stored.query },
    headers: { ...stored.headers },
    body: new Uint8Array(Buffer.from(stored.body, 'base64')),
  };
}

/** A stored request as an administrator sees it: signature values withheld, body as text. */
export interface DeliveryRequestView {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8 (webhook bodies are JSON or form data). */
  readonly body: string;
}

export function viewOfRequest(request: TriggerHttpRequest): DeliveryRequestView {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = SIGNATURE_HEADER.test(name) ? WITHHELD : value;
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    headers,
    body: Buffer.from(request.body).toString('utf8'),
  };
}
