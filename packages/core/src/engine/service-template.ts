/**
 * Resolves the `${{ ... }}` references of a service job's call at run time, into the request the
 * engine sends. Four roots, one name each:
 *
 * - `${{ inputs.KEY }}`: the job's input KEY (its `inputs:` map and `CO_DATA` pairs, after the pre
 *   hook);
 * - `${{ env.NAME }}`: the variable NAME of the job's environment (run inputs, workflow and job
 *   `environments`, data links, `CO_*` metadata);
 * - `${{ links.NAME }}`: the value of the data link this job subscribes under NAME;
 * - `${{ secrets.NAME }}`: a secret, masked (`***`) in every log line, reason and output.
 *
 * Where a value goes decides how it is inserted: in the url's query or fragment (after `?`/`#`)
 * it is percent-encoded, elsewhere in the url as is; in a header as is (no line breaks allowed);
 * in a JSON body (a body that is valid JSON with the references in place, e.g. one written as a
 * YAML map) inside its strings with JSON escaping; in any other body as is.
 */
import { findSecretRefs } from '../contract/secret-refs.js';
import type { ServiceCall } from '../definition/model.js';
import { SERVICE_TEMPLATE_ROOTS, scanTemplates } from '../definition/templates.js';
import { ErrorCode, UserError } from '../errors.js';

/** Why a service call cannot be resolved (missing value, bad url or header). */
export const SERVICE_CALL_INVALID = 'SERVICE_CALL_INVALID';

/** What the references of one job attempt resolve against. */
export interface ServiceTemplateValues {
  readonly inputs: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Env names written by this job's data links. */
  readonly links: ReadonlySet<string>;
  /** Looks a secret up (and registers it for masking). */
  secret(name: string): Promise<string | undefined>;
}

/** The HTTP request of a service call, references resolved. */
export interface ServiceRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The body is a JSON object (callback fields can be added to it). */
  readonly jsonObject: boolean;
}

type Lookup = (root: string, name: string) => string;

/**
 * Resolves `call` against `values`.
 *
 * @throws UserError `SECRET_NOT_FOUND` for a missing secret; `SERVICE_CALL_INVALID` for an input,
 *   variable or link that is not set, an unknown root, a url that is not http(s) once resolved,
 *   or a header value with a line break.
 */
export async function resolveServiceCall(
  call: ServiceCall,
  values: ServiceTemplateValues,
): Promise<ServiceRequest> {
  const texts = [call.url, ...Object.values(call.headers), call.body ?? ''];
  const secrets = new Map<string, string>();
  const missing: string[] = [];
  for (const name of new Set(texts.flatMap((t) => findSecretRefs(t)))) {
    const value = await values.secret(name);
    if (value === undefined) missing.push(name);
    else secrets.set(name, value);
  }
  if (missing.length > 0) {
    throw new UserError(
      ErrorCode.secretNotFound,
      `secret${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')} not found: define it in the secret store, or remove the reference`,
      { details: { names: missing } },
    );
  }
  const lookup: Lookup = (root, name) => {
    const value =
      root === 'secrets'
        ? secrets.get(name)
        : root === 'inputs'
          ? values.inputs[name]
          : root === 'env'
            ? values.env[name]
            : root === 'links'
              ? values.links.has(name)
                ? values.env[name]
                : undefined
              : undefined;
    if (value !== undefined) return value;
    throw invalid(
      (SERVICE_TEMPLATE_ROOTS as readonly string[]).includes(root)
        ? `\${{ ${root}.${name} }} is not set for this job` +
            (root === 'links' ? ': it must name the env of one of its subscriptions' : '')
        : `\${{ ${root}.${name} }}: use inputs.KEY, env.NAME, links.NAME or secrets.NAME`,
    );
  };

  const query = Math.min(...['?', '#'].map((c) => call.url.indexOf(c)).filter((i) => i >= 0));
  const url = substitute(call.url, lookup, (value, at) =>
    at > query ? encodeURIComponent(value) : value,
  );
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw invalid(`service url "${url}" is not an http:// or https:// URL`);
  }

  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(call.headers)) {
    const value = substitute(template, lookup, (v) => v);
    if (/[\r\n\0]/.test(value)) throw invalid(`header ${name} must not contain line breaks`);
    headers[name] = value;
  }

  if (call.body === undefined) return { url, method: call.method, headers, jsonObject: false };
  const json = parseJson(call.body);
  if (json === undefined) {
    return {
      url,
      method: call.method,
      headers,
      body: substitute(call.body, lookup, (v) => v),
      jsonObject: false,
    };
  }
  const resolved = mapStrings(json.value, (s) => substitute(s, lookup, (v) => v));
  return {
    url,
    method: call.method,
    headers,
    body: JSON.stringify(resolved),
    jsonObject: typeof resolved === 'object' && resolved !== null && !Array.isArray(resolved),
  };
}

function invalid(message: string): UserError {
  return new UserError(SERVICE_CALL_INVALID, message);
}

/** `text` with each `${{ root.name }}` replaced by `insert(lookup(root, name), offset)`. */
function substitute(
  text: string,
  lookup: Lookup,
  insert: (value: string, offset: number) => string,
): string {
  if (!text.includes('${{')) return text;
  const { references, errors } = scanTemplates(text);
  if (errors[0] !== undefined) throw invalid(errors[0]);
  let out = '';
  let from = 0;
  for (const ref of references) {
    // Input keys may contain dots (`inputs.build.tag`): everything after the root is the name.
    const [root = '', ...name] = ref.segments;
    out += text.slice(from, ref.start);
    out += insert(lookup(root, name.join('.')), ref.start);
    from = ref.end;
  }
  return out + text.slice(from);
}

function parseJson(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A copy of a JSON value with `f` applied to every string, keys included. */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[f(k)] = mapStrings(v, f);
    return out;
  }
  return value;
}
