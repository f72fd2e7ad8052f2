/**
 * How a receiver checks that a notification came from this server: the same scheme as the
 * server's generic webhook, so one verifier serves both directions.
 *
 * ```
 * X-ContainerOps-Timestamp: <unix seconds>
 * X-ContainerOps-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * X-ContainerOps-Delivery:  <run id>:<status>   (the same for every retry of one notification)
 * ```
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-containerops-signature';
export const TIMESTAMP_HEADER = 'x-containerops-timestamp';
export const DELIVERY_HEADER = 'x-containerops-delivery';

export function signNotification(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
