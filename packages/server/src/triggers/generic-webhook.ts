/**
 * The built-in `generic` webhook: `POST /hooks/generic/<org>/<repo>/<name>` starts that workflow,
 * with the string fields of the JSON body as inputs. Only workflows that opt in are reachable:
 *
 * ```yaml
 * triggers:
 *   - type: generic
 *     secret: DEPLOY_HOOK_SECRET   # an organisation secret
 * ```
 *
 * The caller proves it knows the secret's value, either by sending it in `X-ContainerOps-Token`
 * or by signing the raw body: `X-ContainerOps-Signature: sha256=<hex HMAC-SHA256(value, body)>`
 * (GitHub's scheme). Unsigned or wrongly signed requests are refused (401) before anything runs;
 * unknown workflows and those without a generic trigger answer the same 404, so the endpoint
 * does not tell which workflows exist. A misconfigured trigger (no secret named, or the secret
 * unset) answers a generic 503: which secret is missing goes to `onMisconfigured` (the server
 * log), not to anonymous callers.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TriggerDefinition, WorkflowDefinition } from '@containerops/core';
import type { TriggerHttpRequest, TriggerHttpResponse } from '@containerops/sdk';
import type { HookHandler } from '../http/hook-routes.js';

export const GENERIC_TRIGGER = 'generic';
export const TOKEN_HEADER = 'x-containerops-token';
export const SIGNATURE_HEADER = 'x-containerops-signature';

export interface GenericWebhookDeps {
  /** The workflow's latest model; undefined when there is none. */
  readonly workflow: (uri: string) => Promise<WorkflowDefinition | undefined>;
  /** The value of an organisation secret. */
  readonly secret: (organization: string, name: string) => Promise<string | undefined>;
  /** Told why a workflow's generic trigger cannot work (for the server log). */
  readonly onMisconfigured?: (uri: string, why: string) => void;
  /** Starts a run; resolves with its id (and notes it on the delivery). */
  readonly start: (
    uri: string,
    inputs: Record<string, string>,
    trigger: Record<string, unknown>,
  ) => Promise<string>;
}

export function genericWebhook(deps: GenericWebhookDeps): HookHandler {
  return async (request) => {
    if (request.method !== 'POST') return answer(405, 'METHOD_NOT_ALLOWED', 'use POST');
    const parts = request.path.split('/').filter(Boolean);
    if (parts.length !== 3)
      return answer(404, 'NOT_FOUND', 'use /hooks/generic/<organization>/<repository>/<name>');
    const uri = parts.join('/');
    const workflow = await deps.workflow(uri);
    const block = workflow?.triggers.find((t) => t.type === GENERIC_TRIGGER);
    if (workflow === undefined || block === undefined)
      return answer(404, 'NOT_FOUND', `no workflow ${uri} with a generic trigger`);
    const notConfigured = (why: string): TriggerHttpResponse => {
      deps.onMisconfigured?.(uri, why);
      return answer(
        503,
        'WEBHOOK_NOT_CONFIGURED',
        'this webhook is not configured yet: its workflow administrators were told',
      );
    };
    const secretName = secretNameOf(block);
    if (secretName === undefined) return notConfigured('its generic trigger names no secret');
    const secret = await deps.secret(workflow.namespace, secretName);
    if (secret === undefined || secret === '')
      return notConfigured(`secret ${secretName} is not set`);
    const refused = checkAuthentication(request, secret);
    if (refused !== undefined) return refused;
    const inputs = inputsOf(request.body);
    if (typeof inputs === 'string') return answer(400, 'BAD_USER_INPUT', inputs);
    const runId = await deps.start(uri, inputs, { type: GENERIC_TRIGGER });
    return {
      status: 202,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: `${JSON.stringify({ runId })}\n`,
    };
  };
}

function secretNameOf(block: TriggerDefinition): string | undefined {
  const name = block['secret'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Undefined when the token or the signature proves the secret; else the 401 to send. */
function checkAuthentication(
  request: TriggerHttpRequest,
  secret: string,
): TriggerHttpResponse | undefined {
  const token = request.headers[TOKEN_HEADER];
  const signature = request.headers[SIGNATURE_HEADER];
  if (token === undefined && signature === undefined) {
    return answer(
      401,
      'UNSIGNED',
      `send the secret in ${TOKEN_HEADER} or sign the body in ${SIGNATURE_HEADER}: sha256=<hex>`,
    );
  }
  if (token !== undefined && sameText(token, secret)) return undefined;
  if (signature !== undefined) {
    const expected = `sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`;
    if (sameText(signature.trim().toLowerCase(), expected)) return undefined;
  }
  return answer(401, 'BAD_SIGNATURE', 'the token or signature does not match');
}

/** Constant-time comparison of two strings of any length (compares their digests). */
function sameText(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The string fields of a JSON object body (others are ignored); a message when it is not one. */
function inputsOf(body: Uint8Array): Record<string, string> | string {
  const text = Buffer.from(body).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return 'the body must be a JSON object';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'the body must be a JSON object';
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') inputs[key] = value;
  }
  return inputs;
}

function answer(status: number, code: string, message: string): TriggerHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: `${JSON.stringify({ code, message })}\n`,
  };
}
