/**
 * Runs one attempt of a `service` job: calls a third-party HTTP API instead of starting a
 * container. See {@link ServiceRunner}.
 */
import type { JobDefinition, RetryPolicy } from '../definition/model.js';
import { isValidOutputKey } from '../definition/names.js';
import { ContainerOpsError } from '../errors.js';
import { jobAttemptId } from './ids.js';
import { messageOf } from './job-environment.js';
import { outcome } from './job-runner.js';
import type { AttemptOutcome, JobAttempt, JobRunner } from './job-runner.js';
import {
  CALLBACK_TOKEN_HEADER,
  CALLBACK_URL_HEADER,
  isObject,
  stringifyFields,
} from './service-callbacks.js';
import type {
  CallbackPayload,
  CallbackRegistration,
  ServiceCallbacks,
} from './service-callbacks.js';
import {
  MAX_SERVICE_RESPONSE_BYTES,
  sendServiceRequest,
  SERVICE_TRANSPORT_RETRY,
} from './service-request.js';
import type { ServiceReply } from './service-request.js';
import { resolveServiceCall } from './service-template.js';
import type { ServiceRequest, ServiceTemplateValues } from './service-template.js';
import { formatMs, stoppedStatus } from './timeouts.js';

/** Why an async service job cannot run on an engine without `serviceCallbacks`. */
export const NO_SERVICE_CALLBACKS =
  'async service job needs a callback endpoint, and this engine has none: configure ' +
  '`serviceCallbacks` (containerops run starts one), or drop `async: true`';

/** Characters of a response body quoted in a failure reason. */
const EXCERPT_CHARS = 200;

export interface ServiceRunnerOptions {
  /** Default: the platform `fetch`. */
  readonly fetch?: typeof fetch;
  /** Required by async service jobs. */
  readonly callbacks?: ServiceCallbacks;
}

/**
 * Runs `service` jobs.
 *
 * - The call's `${{ ... }}` references are resolved first (see `service-template.ts`); a missing
 *   value fails the job without a request, not retried.
 * - Sync: a 2xx response whose body is a JSON object succeeds; its top-level fields become the
 *   outputs (strings; numbers/booleans as text, nested values JSON-encoded, `null` left out; keys
 *   that are not valid output keys are dropped with a log line). An empty body gives no outputs.
 *   Any other status, a body that is not JSON or not an object, or outputs over the workflow's
 *   output limit fail the job with the status and a short excerpt of the body.
 * - Async: the request also carries a one-time callback URL and token (headers
 *   `X-ContainerOps-Callback-Url`/`-Token`; and fields `CO_CALLBACK_URL`/`CO_CALLBACK_TOKEN` added
 *   to a JSON object body, or as the body when there is none, except for GET/HEAD). A 2xx answer
 *   means "accepted"; its body is ignored. The job then waits, bounded by its timeout, for the
 *   service to post `{ result, outputs?, logs? }`: `logs` go to the job's log (stdout),
 *   `outputs` become the outputs, `result: false` fails the job. Refused callbacks are logged.
 * - Retries: a job with `retries` gets exactly that (every failed attempt, with the job's
 *   backoff, as for components). A job without gets {@link SERVICE_TRANSPORT_RETRY} within the
 *   attempt, for network errors, 5xx and 429 only.
 * - The attempt's scope (job timeout, cancel) aborts the request and the wait.
 */
export class ServiceRunner implements JobRunner {
  private readonly fetch: typeof fetch;
  private readonly callbacks: ServiceCallbacks | undefined;

  constructor(options: ServiceRunnerOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.callbacks = options.callbacks;
  }

  async run(a: JobAttempt): Promise<AttemptOutcome> {
    const { exec, job, scope } = a;
    const stopped = (): AttemptOutcome | undefined => {
      const cause = scope.cause();
      if (cause === undefined) return undefined;
      const own = cause.kind === 'timeout' && cause.path === a.path;
      return outcome(stoppedStatus(cause), cause.reason, own, { exitCode: null });
    };
    const call = job.service;
    if (call === undefined) {
      return outcome('failed', 'a service job needs "service: {url: ...}"', false);
    }
    let request: ServiceRequest;
    try {
      request = await resolveServiceCall(call, templateValues(a));
    } catch (error) {
      const why = error instanceof ContainerOpsError ? `${error.code}: ` : '';
      return stopped() ?? outcome('failed', `service call: ${why}${messageOf(error)}`, false);
    }
    const early = stopped();
    if (early !== undefined) return early;
    if (!call.async) {
      const reply = await this.send(a, request);
      return stopped() ?? responseOutcome(a, reply);
    }
    if (this.callbacks === undefined) return outcome('failed', NO_SERVICE_CALLBACKS, false);
    const registration = this.callbacks.register(jobAttemptId(exec.runId, a.path, a.attempt), {
      onRefused: (r) => a.log.system(`refused a callback: ${r.code}: ${r.message}`),
    });
    try {
      exec.masker.add(registration.token);
      return await this.runAsync(a, withCallback(request, registration), registration, stopped);
    } finally {
      registration.dispose();
    }
  }

  private async runAsync(
    a: JobAttempt,
    request: ServiceRequest,
    registration: CallbackRegistration,
    stopped: () => AttemptOutcome | undefined,
  ): Promise<AttemptOutcome> {
    const reply = await this.send(a, request);
    const stop = stopped();
    if (stop !== undefined) return stop;
    const failure = replyFailure(reply);
    if (failure !== undefined) return failure;
    const limit = a.job.timeoutMs;
    a.log.system(
      `waiting for the service's callback ` +
        (limit === undefined
          ? '(the job has no timeout: until the callback comes or the run is cancelled)'
          : `(up to the job timeout of ${formatMs(limit)})`),
    );
    const payload = await untilStopped(registration.result, a);
    const late = stopped();
    if (late !== undefined || payload === undefined) {
      // untilStopped gives undefined only once the scope stopped, so `late` is set here.
      const why = late?.reason ?? 'stopped';
      return {
        ...(late ?? outcome('cancelled', why, false)),
        reason: `${why} waiting for the service's callback`,
      };
    }
    a.log.system(`callback accepted: result ${String(payload.result)}`);
    for (const line of payload.logs) a.log.write('stdout', line);
    return payloadOutcome(a, payload);
  }

  private send(a: JobAttempt, request: ServiceRequest): Promise<ServiceReply> {
    return sendServiceRequest({
      fetch: this.fetch,
      request: withContentType(request),
      scope: a.scope,
      log: a.log,
      retry: retryWithin(a.job),
    });
  }
}

/** Retries inside one attempt: none when the job's own policy retries whole attempts. */
function retryWithin(job: JobDefinition): RetryPolicy {
  return job.retry.limit > 0 ? { ...job.retry, limit: 0 } : SERVICE_TRANSPORT_RETRY;
}

function templateValues(a: JobAttempt): ServiceTemplateValues {
  let inputs: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(a.env['CO_DATA_JSON'] ?? '{}');
    if (isObject(parsed)) inputs = stringifyFields(parsed);
  } catch {
    // CO_DATA_JSON is built by the engine; a hook that broke it leaves the job without inputs.
  }
  return {
    inputs,
    env: a.env,
    links: new Set(a.job.subscriptions.map((s) => s.env)),
    secret: (name) => a.exec.lookupSecret(name),
  };
}

function withContentType(request: ServiceRequest): ServiceRequest {
  if (request.body === undefined || !looksJson(request.body)) return request;
  const has = Object.keys(request.headers).some((h) => h.toLowerCase() === 'content-type');
  return has
    ? request
    : { ...request, headers: { ...request.headers, 'Content-Type': 'application/json' } };
}

function looksJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

function withCallback(request: ServiceRequest, registration: CallbackRegistration): ServiceRequest {
  const headers = {
    ...request.headers,
    [CALLBACK_URL_HEADER]: registration.url,
    [CALLBACK_TOKEN_HEADER]: registration.token,
  };
  const fields = { CO_CALLBACK_URL: registration.url, CO_CALLBACK_TOKEN: registration.token };
  if (request.method === 'GET' || request.method === 'HEAD') return { ...request, headers };
  if (request.body === undefined) {
    return { ...request, headers, body: JSON.stringify(fields), jsonObject: true };
  }
  if (!request.jsonObject) return { ...request, headers };
  const body = { ...(JSON.parse(request.body) as Record<string, unknown>), ...fields };
  return { ...request, headers, body: JSON.stringify(body) };
}

/** Resolves with `promise`'s value, or undefined as soon as the attempt's scope stops. */
function untilStopped<T>(promise: Promise<T>, a: JobAttempt): Promise<T | undefined> {
  return new Promise((resolve) => {
    const off = a.scope.onAbort(() => resolve(undefined));
    void promise.then((value) => {
      off();
      resolve(value);
    });
  });
}

/** A failed outcome for a transport error or a non-2xx response; undefined for a 2xx one. */
function replyFailure(reply: ServiceReply): AttemptOutcome | undefined {
  if (reply.kind === 'stopped') return outcome('cancelled', 'stopped', false);
  if (reply.kind === 'transport') {
    return outcome('failed', `service request failed: ${reply.message}`, true);
  }
  if (reply.status < 200 || reply.status > 299) {
    const body = excerpt(reply.text);
    return outcome(
      'failed',
      `service responded ${reply.status} ${reply.statusText}`.trimEnd() +
        (body === '' ? '' : `: ${body}`),
      true,
    );
  }
  return undefined;
}

function responseOutcome(a: JobAttempt, reply: ServiceReply): AttemptOutcome {
  const failure = replyFailure(reply);
  if (failure !== undefined || reply.kind !== 'response')
    return failure ?? outcome('failed', 'no response', true);
  if (reply.truncated) {
    return outcome('failed', `service response is over ${MAX_SERVICE_RESPONSE_BYTES} bytes`, true);
  }
  if (reply.text.trim() === '') return outcome('succeeded', undefined, false);
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return outcome('failed', `service response is not JSON: ${excerpt(reply.text)}`, true);
  }
  if (!isObject(body)) {
    const what = Array.isArray(body) ? 'a list' : body === null ? 'null' : typeof body;
    return outcome('failed', `service response must be a JSON object, got ${what}`, true);
  }
  return outputsOutcome(a, stringifyFields(body), true, undefined);
}

function payloadOutcome(a: JobAttempt, payload: CallbackPayload): AttemptOutcome {
  return outputsOutcome(
    a,
    payload.outputs,
    payload.result,
    payload.result ? undefined : 'the service reported failure (result: false)',
  );
}

function outputsOutcome(
  a: JobAttempt,
  raw: Readonly<Record<string, string>>,
  succeeded: boolean,
  reason: string | undefined,
): AttemptOutcome {
  const outputs: Record<string, string> = {};
  let bytes = 0;
  const encoder = new TextEncoder();
  for (const [key, value] of Object.entries(raw)) {
    if (!isValidOutputKey(key)) {
      a.log.system(`field "${key}" ignored: output keys are [A-Za-z_][A-Za-z0-9_.-]*`);
      continue;
    }
    outputs[key] = value;
    bytes += encoder.encode(key).length + encoder.encode(value).length;
  }
  const limit = a.exec.workflow.outputLimitBytes;
  if (bytes > limit) {
    return outcome(
      'failed',
      `outputs too large: ${bytes} bytes, over the limit of ${limit} bytes`,
      true,
    );
  }
  return outcome(succeeded ? 'succeeded' : 'failed', reason, !succeeded, { outputs });
}

/** The start of a body on one line, for reasons (secrets are masked by the job executor). */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS)}…`;
}
