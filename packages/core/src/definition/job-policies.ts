/** Job settings with their own small grammar: `retries` and the `service` call. */
import { isScalar } from 'yaml';
import { DEFAULT_RETRY } from './defaults.js';
import { DiagnosticCode } from './diagnostics.js';
import { readBool, readFields, readInteger, readMap, readNumber, readString } from './fields.js';
import type { RetryPolicy, ServiceCall } from './model.js';
import type { ParseContext, Slot } from './parse-context.js';
import { checkTemplates } from './string-maps.js';
import { SERVICE_TEMPLATE_ROOTS, scanTemplates } from './templates.js';
import { readDuration } from './unit-fields.js';

const RETRY_FIELDS = ['limit', 'backoff', 'factor', 'maxBackoff'] as const;

/** `retries: 2` or `retries: {limit, backoff, factor, maxBackoff}`; defaults from {@link DEFAULT_RETRY}. */
export function readRetries(ctx: ParseContext, slot: Slot | undefined): RetryPolicy {
  if (slot === undefined || slot.node === null) return DEFAULT_RETRY;
  if (isScalar(slot.node)) {
    return { ...DEFAULT_RETRY, limit: readInteger(ctx, slot, 0) ?? DEFAULT_RETRY.limit };
  }
  const map = readMap(ctx, slot);
  if (map === undefined) return DEFAULT_RETRY;
  const fields = readFields(ctx, map, slot.path, RETRY_FIELDS, 'retries');
  const limit = readInteger(ctx, fields.get('limit'), 0) ?? DEFAULT_RETRY.limit;
  const backoffMs = readDuration(ctx, fields.get('backoff')) ?? DEFAULT_RETRY.backoffMs;
  const maxBackoffMs = readDuration(ctx, fields.get('maxBackoff')) ?? DEFAULT_RETRY.maxBackoffMs;
  const factorField = fields.get('factor');
  let factor = readNumber(ctx, factorField) ?? DEFAULT_RETRY.factor;
  if (factorField !== undefined && factor < 1) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `factor must be >= 1 (1 = constant backoff), got ${factor}`,
      factorField,
    );
    factor = DEFAULT_RETRY.factor;
  }
  const maxField = fields.get('maxBackoff');
  if (maxField !== undefined && maxBackoffMs < backoffMs) {
    ctx.error(DiagnosticCode.invalidValue, 'maxBackoff must not be below backoff', maxField);
  }
  return { limit, backoffMs, factor, maxBackoffMs };
}

const SERVICE_FIELDS = ['url', 'method', 'headers', 'body', 'async'] as const;

/**
 * Reports references a service call cannot resolve: a root other than inputs/env/links/secrets,
 * or `links.NAME` where NAME is not the env of one of the job's subscriptions.
 */
function checkServiceRefs(
  ctx: ParseContext,
  value: string,
  slot: Slot,
  links: readonly string[],
): void {
  checkTemplates(ctx, value, slot);
  for (const ref of scanTemplates(value).references) {
    const [root = '', name = ''] = ref.segments;
    if (!(SERVICE_TEMPLATE_ROOTS as readonly string[]).includes(root)) {
      ctx.error(
        DiagnosticCode.invalidValue,
        `unknown reference "${ref.raw}" in a service call: use inputs.KEY, env.NAME, links.NAME or secrets.NAME`,
        slot,
      );
    } else if (root === 'links' && !links.includes(name)) {
      const known =
        links.length === 0 ? 'the job has no subscriptions' : `it has ${links.join(', ')}`;
      ctx.error(
        DiagnosticCode.invalidValue,
        `"${ref.raw}" names no data link of this job (${known}): subscribe to the output first`,
        slot,
      );
    }
  }
}

function checkUrl(ctx: ParseContext, url: string, slot: Slot, links: readonly string[]): void {
  checkServiceRefs(ctx, url, slot, links);
  if (url.includes('${{')) return; // resolved at run time; its shape is known only then
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    ctx.error(
      DiagnosticCode.invalidValue,
      `service url "${url}" must be an http:// or https:// URL`,
      slot,
    );
  }
}

/**
 * A service job's call. `url` is required (`missing-field`); `method` defaults to GET, or POST
 * when there is a body; a map/list body is sent as JSON text. Values may hold `${{ ... }}`
 * references to inputs, env, links (`links`: the env names of the job's subscriptions) and secrets.
 */
export function readService(
  ctx: ParseContext,
  slot: Slot | undefined,
  jobSlot: Slot,
  links: readonly string[] = [],
): ServiceCall | undefined {
  const map = readMap(ctx, slot);
  if (map === undefined || slot === undefined) {
    if (slot === undefined || slot.node === null) {
      ctx.error(DiagnosticCode.missingField, 'a service job needs "service: {url: ...}"', jobSlot);
    }
    return undefined;
  }
  const fields = readFields(ctx, map, slot.path, SERVICE_FIELDS, 'service');
  const urlField = fields.get('url');
  const url = readString(ctx, urlField);
  if (urlField === undefined || urlField.node === null) {
    ctx.error(DiagnosticCode.missingField, 'a service job needs "service.url"', slot);
  } else if (url !== undefined) {
    checkUrl(ctx, url, urlField, links);
  }

  const headers = new Map<string, string>();
  const headersField = fields.get('headers');
  const headersMap = readMap(ctx, headersField);
  if (headersMap !== undefined && headersField !== undefined) {
    for (const header of readFields(ctx, headersMap, headersField.path, null, 'headers').values()) {
      const value = readString(ctx, header);
      if (value === undefined) continue;
      checkServiceRefs(ctx, value, header, links);
      headers.set(header.name, value);
    }
  }

  const bodyField = fields.get('body');
  let body: string | undefined;
  if (bodyField !== undefined && bodyField.node !== null) {
    body = isScalar(bodyField.node)
      ? readString(ctx, bodyField)
      : JSON.stringify(ctx.toJS(bodyField.node));
    if (body !== undefined) checkServiceRefs(ctx, body, bodyField, links);
  }

  const methodField = fields.get('method');
  let method = readString(ctx, methodField)?.toUpperCase();
  if (method !== undefined && methodField !== undefined && !/^[A-Z]+$/.test(method)) {
    ctx.error(DiagnosticCode.invalidValue, `"${method}" is not an HTTP method`, methodField);
    method = undefined;
  }
  const isAsync = readBool(ctx, fields.get('async')) ?? false;
  if (url === undefined) return undefined;
  return {
    url,
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: Object.fromEntries(headers),
    ...(body === undefined ? {} : { body }),
    async: isAsync,
  };
}
