/**
 * The JSON answers of a webhook trigger's `handleHttp`, and the JSON body it reads. One shape for
 * every trigger, so senders and the host's delivery log see the same `{ code, message }` on a
 * refusal whichever plugin answered.
 */
import type { TriggerHttpResponse } from '../kinds/trigger.js';

/** `body` as a JSON answer (one line, newline-terminated). */
export function jsonResponse(status: number, body: unknown): TriggerHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: `${JSON.stringify(body)}\n`,
  };
}

/** A refusal: `{ code, message }` with a stable code and a message saying what to do. */
export function refusal(status: number, code: string, message: string): TriggerHttpResponse {
  return jsonResponse(status, { code, message });
}

/** The body (raw, or as text) as a JSON object; undefined when it is not valid JSON or not an object. */
export function jsonObjectOf(body: Uint8Array | string): Record<string, unknown> | undefined {
  try {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
