/**
 * The contract between the engine and whoever receives the callbacks of async service jobs
 * (`service: { async: true }`). The HTTP endpoint belongs to the host (the CLI's loopback server,
 * the API server); the host-independent logic is {@link CallbackRegistry}.
 */

/** The header that carries the callback URL in an async service request (also `CO_CALLBACK_URL`). */
export const CALLBACK_URL_HEADER = 'X-ContainerOps-Callback-Url';
/** The header that carries the callback token, both ways: in the request and in the callback. */
export const CALLBACK_TOKEN_HEADER = 'X-ContainerOps-Callback-Token';
/** Bytes a callback body may have; a host should stop reading one byte after it. */
export const MAX_CALLBACK_BODY_BYTES = 1024 * 1024;

/** What a service posts to its callback URL, normalised: `{ result, outputs?, logs? }`. */
export interface CallbackPayload {
  /** True when the service's work succeeded. */
  readonly result: boolean;
  /** Output values as strings (numbers/booleans as text, nested values JSON-encoded). */
  readonly outputs: Readonly<Record<string, string>>;
  /** Lines for the job's log, in order. */
  readonly logs: readonly string[];
}

/**
 * Stable codes of a delivery's outcome (the host answers with {@link CallbackDelivery.status} and
 * may show the code in the response body). Add, never rename.
 */
export const CallbackCode = {
  accepted: 'CALLBACK_ACCEPTED',
  notFound: 'CALLBACK_NOT_FOUND',
  tokenInvalid: 'CALLBACK_TOKEN_INVALID',
  alreadyUsed: 'CALLBACK_ALREADY_USED',
  expired: 'CALLBACK_EXPIRED',
  invalidBody: 'CALLBACK_INVALID_BODY',
  tooLarge: 'CALLBACK_TOO_LARGE',
} as const;

export type CallbackCode = (typeof CallbackCode)[keyof typeof CallbackCode];

/** The outcome of one delivery attempt: the HTTP status to answer with, a code and a message. */
export interface CallbackDelivery {
  readonly status: number;
  readonly code: CallbackCode;
  readonly message: string;
}

/** A refused callback, as reported to listeners (job log while the job waits, host otherwise). */
export interface CallbackRefusal extends CallbackDelivery {
  /** The callback id (the last segment of its URL). */
  readonly id: string;
  /** The `jobId` it was registered for, when the id is known. */
  readonly jobId?: string;
}

export interface CallbackRegistration {
  /** The one-time URL to send to the service (`CO_CALLBACK_URL`). */
  readonly url: string;
  /** The one-time token the service must send back (`CO_CALLBACK_TOKEN`). */
  readonly token: string;
  /**
   * Resolves with the first accepted payload. Never rejects; stays pending when none comes, so
   * the caller races it against its own timeout.
   */
  readonly result: Promise<CallbackPayload>;
  /**
   * Ends the registration: later callbacks are refused as `CALLBACK_EXPIRED`. Idempotent. Must be
   * called when the job attempt ends, whatever happened.
   */
  dispose(): void;
}

export interface RegisterOptions {
  /**
   * Called for each refused callback (wrong token, second one, invalid body) while the
   * registration is open, so the job's log records it. Refusals after `dispose` go to the host.
   */
  onRefused?(refusal: CallbackRefusal): void;
}

/**
 * Where the engine gets one-time callback URLs for async service jobs (`EngineOptions
 * .serviceCallbacks`). One `register` per job attempt; safe to call concurrently. Without it, an
 * async service job fails with a reason that says so.
 */
export interface ServiceCallbacks {
  register(jobId: string, options?: RegisterOptions): CallbackRegistration;
}

/**
 * The callback token of a request's headers: {@link CALLBACK_TOKEN_HEADER}, else
 * `Authorization: Bearer <token>`. Header names are matched case-insensitively.
 */
export function callbackTokenFromHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): string | undefined {
  let bearer: string | undefined;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[0] : (raw as string | undefined);
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === CALLBACK_TOKEN_HEADER.toLowerCase()) return value.trim();
    if (lower === 'authorization') bearer = /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
  }
  return bearer;
}

/**
 * Parses a callback body: a JSON object with a boolean `result`, optional `outputs` (an object;
 * strings kept, numbers/booleans as text, other values JSON-encoded; `null` skipped) and optional
 * `logs` (a list of strings). Returns the payload or the reason it is invalid.
 */
export function parseCallbackPayload(
  text: string,
): { readonly payload: CallbackPayload } | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      error: 'the body is not JSON: send {"result": true, "outputs": {...}, "logs": [...]}',
    };
  }
  if (!isObject(value)) return { error: 'the body must be a JSON object' };
  if (typeof value['result'] !== 'boolean') return { error: '"result" must be true or false' };
  const outputs: Record<string, string> = {};
  const rawOutputs = value['outputs'];
  if (rawOutputs !== undefined && rawOutputs !== null) {
    if (!isObject(rawOutputs)) return { error: '"outputs" must be an object' };
    Object.assign(outputs, stringifyFields(rawOutputs));
  }
  const logs: string[] = [];
  const rawLogs = value['logs'];
  if (rawLogs !== undefined && rawLogs !== null) {
    if (!Array.isArray(rawLogs) || rawLogs.some((l) => typeof l !== 'string')) {
      return { error: '"logs" must be a list of strings' };
    }
    logs.push(...(rawLogs as string[]));
  }
  return { payload: { result: value['result'], outputs, logs } };
}

/**
 * The fields of a JSON object as output strings: strings as they are, numbers and booleans as
 * their JSON text, objects and arrays JSON-encoded; `null` fields are left out.
 */
export function stringifyFields(object: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
