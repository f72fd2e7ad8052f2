/** JSON answers of the webhook endpoint. */
import type { TriggerHttpResponse } from '@containerops/sdk';

export function json(status: number, body: unknown): TriggerHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: `${JSON.stringify(body)}\n`,
  };
}

/** A refusal or a non-run outcome with a stable code and a message saying what to do. */
export function answer(status: number, code: string, message: string): TriggerHttpResponse {
  return json(status, { code, message });
}
