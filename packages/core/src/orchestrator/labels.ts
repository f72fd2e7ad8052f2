/**
 * The one rule for the labels the engine gives orchestrators (`JobSpec.labels`,
 * `RunContext.labels`), chosen so that every backend can store them as they are. The strictest
 * known store (a cluster scheduler's label: DNS-style keys, 63-character values) sets the rule:
 *
 * - a **value** is empty, or at most 63 characters of `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`;
 * - a **key** is a name following the value rule (and non-empty), optionally after a prefix of
 *   lower-case DNS labels and a `/` (`example.com/team`), at most 253 characters before the `/`.
 *
 * Anything else is encoded by {@link toLabelValue} / {@link toLabelKey}: characters outside the
 * alphabet become `_`, the ends are trimmed to alphanumerics, and a short hash of the original is
 * appended so two different originals do not meet in one encoded value. A value that already
 * follows the rule is left unchanged. The original of every changed value travels in
 * `JobSpec.annotations` under the same key, for backends that can keep free text (free-text
 * labels or annotations).
 */

const NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** Longest label value and key name. */
export const MAX_LABEL_LENGTH = 63;
const MAX_PREFIX_LENGTH = 253;
/** Characters of the hash suffix (`-` and 8 hex digits). */
const HASH_LENGTH = 9;

/** True when `value` may be stored as a label value on every backend. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= MAX_LABEL_LENGTH && NAME.test(value));
}

/** True when `key` may be used as a label key on every backend. */
export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length > MAX_PREFIX_LENGTH || !PREFIX.test(prefix)) return false;
  }
  return name !== '' && isLabelValue(name);
}

/** `value` unchanged when it follows the rule, else its encoding (deterministic). */
export function toLabelValue(value: string): string {
  return isLabelValue(value) ? value : encode(value);
}

/** `key` unchanged when it follows the rule, else its encoding as a prefix-less name. */
export function toLabelKey(key: string): string {
  return isLabelKey(key) ? key : encode(key);
}

/**
 * Labels with every key and value made to follow the rule, and the originals of the values that
 * changed (keyed by the label's stored key), for `JobSpec.annotations`.
 */
export function encodeLabels(labels: Readonly<Record<string, string>>): {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
} {
  const out: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    const storedKey = toLabelKey(key);
    const stored = toLabelValue(value);
    out[storedKey] = stored;
    if (stored !== value) annotations[storedKey] = value;
  }
  return { labels: out, annotations };
}

function encode(original: string): string {
  const body = original
    .replace(/[^-A-Za-z0-9_.]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_LABEL_LENGTH - HASH_LENGTH)
    .replace(/[^A-Za-z0-9]+$/, '');
  const hash = fnv1a(original);
  return body === '' ? `x${hash}` : `${body}-${hash}`;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits: short, stable, no I/O library. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
