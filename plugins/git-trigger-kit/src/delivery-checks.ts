/**
 * The checks a git host's webhook delivery passes before its event is read, in this order (each
 * answer with its stable code): a secret must be configured (503 `WEBHOOK_NOT_CONFIGURED`), the
 * sender's proof header must be present (401 `UNSIGNED`) and prove the secret (401
 * `BAD_SIGNATURE`), the event header must name an event (400), the delivery id must be 1 to 128
 * visible ASCII characters (400: it becomes the `once` key), and the body must be a JSON object
 * (400). What differs between hosts (header names, how the proof is checked, the wording) is in
 * {@link DeliveryRules}.
 */
import type { TriggerHttpRequest, TriggerHttpResponse } from '@containerops/sdk';
import { jsonObjectOf, refusal } from '@containerops/sdk';
import type { Json } from './payload-fields.js';

/** How one git host sends its deliveries. */
export interface DeliveryRules {
  /** The 503 message while no secret is configured. */
  readonly notConfigured: string;
  /** The header carrying the sender's proof (a signature, or the token itself). */
  readonly proofHeader: string;
  /** The 401 message when the proof header is absent. */
  readonly proofMissing: string;
  /** The 401 message when the proof does not match. */
  readonly proofMismatch: string;
  /** True when `proof` proves the sender knows `secret` (constant time). */
  readonly proves: (secret: string, body: Uint8Array, proof: string) => boolean;
  /** The header naming the event. */
  readonly eventHeader: string;
  /** An answer to an event that needs no delivery id nor payload (GitHub's `ping`). */
  readonly answerAtOnce?: (eventName: string) => TriggerHttpResponse | undefined;
  /** The header carrying the sender's id of the delivery. */
  readonly deliveryHeader: string;
  /** The 400 message for a body that is not a JSON object. */
  readonly notJson: string;
}

/** A delivery that passed the checks. */
export interface CheckedDelivery {
  readonly eventName: string;
  readonly deliveryId: string;
  readonly payload: Json;
}

const DELIVERY_ID = /^[\x21-\x7e]{1,128}$/;

/** The checked delivery, or the answer that refuses it. */
export function checkDelivery(
  request: TriggerHttpRequest,
  secret: string | undefined,
  rules: DeliveryRules,
): CheckedDelivery | TriggerHttpResponse {
  if (secret === undefined || secret === '')
    return refusal(503, 'WEBHOOK_NOT_CONFIGURED', rules.notConfigured);
  const proof = request.headers[rules.proofHeader];
  if (proof === undefined) return refusal(401, 'UNSIGNED', rules.proofMissing);
  if (!rules.proves(secret, request.body, proof))
    return refusal(401, 'BAD_SIGNATURE', rules.proofMismatch);
  const eventName = request.headers[rules.eventHeader]?.trim() ?? '';
  if (eventName === '') return refusal(400, 'BAD_USER_INPUT', `${rules.eventHeader} is required`);
  const atOnce = rules.answerAtOnce?.(eventName);
  if (atOnce !== undefined) return atOnce;
  const deliveryId = request.headers[rules.deliveryHeader]?.trim() ?? '';
  if (!DELIVERY_ID.test(deliveryId))
    return refusal(
      400,
      'BAD_USER_INPUT',
      `${rules.deliveryHeader} must be 1 to 128 visible characters`,
    );
  const payload = jsonObjectOf(request.body);
  if (payload === undefined) return refusal(400, 'BAD_USER_INPUT', rules.notJson);
  return { eventName, deliveryId, payload };
}

/** True for the answer {@link checkDelivery} returns instead of a delivery. */
export function isAnswer(
  checked: CheckedDelivery | TriggerHttpResponse,
): checked is TriggerHttpResponse {
  return 'status' in checked;
}
