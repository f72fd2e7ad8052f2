/**
 * Sends a service job's HTTP request, retrying transient failures (network errors, 5xx, 429)
 * with exponential backoff, and writes a one-line summary of each request and response to the
 * job's log. Stops at once when the attempt's scope aborts (job timeout, cancel).
 */
import type { RetryPolicy } from '../definition/model.js';
import type { AttemptLog } from './attempt-log.js';
import { messageOf } from './job-environment.js';
import type { ServiceRequest } from './service-template.js';
import { formatMs, sleep } from './timeouts.js';
import type { StopScope } from './timeouts.js';

/**
 * Retries of a service job that has no `retries` of its own, within one attempt, for network
 * errors, 5xx and 429 only: two more tries, after 0.5 s and 1 s.
 */
export const SERVICE_TRANSPORT_RETRY: RetryPolicy = {
  limit: 2,
  backoffMs: 500,
  factor: 2,
  maxBackoffMs: 5_000,
};

/** Response bytes read at most; a longer response fails the job. */
export const MAX_SERVICE_RESPONSE_BYTES = 4 * 1024 * 1024;

export type ServiceReply =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly statusText: string;
      readonly text: string;
      /** The body was longer than {@link MAX_SERVICE_RESPONSE_BYTES}; `text` is cut. */
      readonly truncated: boolean;
    }
  | { readonly kind: 'transport'; readonly message: string }
  | { readonly kind: 'stopped' };

export interface SendOptions {
  readonly fetch: typeof fetch;
  readonly request: ServiceRequest;
  readonly scope: StopScope;
  readonly log: AttemptLog;
  /** `limit` extra tries for transient failures; 0 = one try. */
  readonly retry: RetryPolicy;
}

/** True for replies another try may fix. */
export function isTransient(reply: ServiceReply): boolean {
  if (reply.kind === 'transport') return true;
  return reply.kind === 'response' && (reply.status >= 500 || reply.status === 429);
}

/** Sends the request; never rejects. Returns the last reply when every try was transient. */
export async function sendServiceRequest(options: SendOptions): Promise<ServiceReply> {
  const { request, scope, log, retry } = options;
  const tries = 1 + Math.max(0, retry.limit);
  for (let attempt = 1; ; attempt++) {
    const suffix = tries > 1 && attempt > 1 ? ` (try ${attempt} of ${tries})` : '';
    log.system(`request: ${request.method} ${request.url}${suffix}`);
    const reply = await sendOnce(options);
    if (reply.kind === 'stopped' || scope.aborted) return { kind: 'stopped' };
    if (!isTransient(reply) || attempt >= tries) return reply;
    const raw = retry.backoffMs * Math.pow(retry.factor, attempt - 1);
    const delay = Math.max(0, Math.min(raw, retry.maxBackoffMs));
    log.system(`retrying in ${formatMs(delay)}`);
    if (!(await sleep(delay, scope))) return { kind: 'stopped' };
  }
}

async function sendOnce(options: SendOptions): Promise<ServiceReply> {
  const { request, scope, log } = options;
  const started = Date.now();
  try {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: scope.signal,
    });
    const { text, bytes, truncated } = await readCapped(response);
    const ms = Date.now() - started;
    log.system(
      `response: ${response.status} ${response.statusText} in ${ms} ms, ` +
        `${truncated ? `over ${MAX_SERVICE_RESPONSE_BYTES}` : bytes} bytes`,
    );
    return {
      kind: 'response',
      status: response.status,
      statusText: response.statusText,
      text,
      truncated,
    };
  } catch (error) {
    if (scope.aborted) return { kind: 'stopped' };
    const message = transportMessage(error);
    log.system(`request failed: ${message}`);
    return { kind: 'transport', message };
  }
}

/** The body as text, reading at most {@link MAX_SERVICE_RESPONSE_BYTES}. */
async function readCapped(
  response: Response,
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const body = response.body;
  if (body === null) return { text: '', bytes: 0, truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_SERVICE_RESPONSE_BYTES) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
  }
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  return { text, bytes, truncated };
}

/** `fetch failed (connect ECONNREFUSED 127.0.0.1:9)`: undici hides the reason in `cause`. */
function transportMessage(error: unknown): string {
  const message = messageOf(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause === undefined || cause === null) return message;
  const detail = messageOf(cause);
  return detail === '' || detail === message ? message : `${message} (${detail})`;
}
