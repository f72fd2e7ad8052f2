/**
 * `CO_DATA`: a job's key/value input as one string of space-separated `key=value` pairs, the
 * convention of the original ContainerOps components (docs/design.md §3).
 */
import { ErrorCode, UserError } from '../errors.js';

/**
 * Parses a `CO_DATA` string into its key/value pairs.
 *
 * - Pairs are separated by any run of whitespace (spaces, tabs, newlines).
 * - A pair splits on its FIRST `=`: `url=https://x/?a=b` gives `url` → `https://x/?a=b`.
 * - Extension: a value starting with `"` runs to the next unescaped `"` and may hold whitespace
 *   (`msg="a b"`); inside quotes `\"` and `\\` are escapes. An unterminated quote takes the rest of
 *   the string, so a typo never drops later input silently into another key.
 * - Tokens without `=`, and tokens with an empty key (`=x`), are ignored: original files contain
 *   stray words and the original engine ignored them too.
 * - A key given twice keeps its last value.
 *
 * Pure and total: never throws.
 */
export function parseCoData(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let eq = -1;
    while (i < n && !isSpace(text.charCodeAt(i))) {
      if (text.charCodeAt(i) === EQUALS) {
        eq = i;
        break;
      }
      i++;
    }
    if (eq < 0) continue; // a bare word: ignored
    const key = text.slice(start, eq);
    i = eq + 1;
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      [value, i] = readQuoted(text, i + 1);
    } else {
      const valueStart = i;
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      value = text.slice(valueStart, i);
    }
    if (key !== '') result[key] = value;
  }
  return result;
}

/**
 * Formats key/value pairs as a `CO_DATA` string that {@link parseCoData} reads back unchanged.
 * Values holding whitespace or starting with `"` are double-quoted (with `\"`/`\\` escapes);
 * others are written bare, so simple input looks exactly like the original convention. Keys keep
 * their insertion order.
 *
 * @throws UserError `INVALID_WORKFLOW` when a key is empty or holds whitespace, `=` or `"`: such a
 *   key cannot be written in this format.
 */
export function formatCoData(map: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (!VALID_KEY.test(key)) {
      throw new UserError(
        ErrorCode.invalidWorkflow,
        `input key ${JSON.stringify(key)} cannot be passed in CO_DATA: keys must be non-empty ` +
          'and hold no whitespace, "=" or \'"\'. Rename the input.',
      );
    }
    parts.push(`${key}=${needsQuotes(value) ? quote(value) : value}`);
  }
  return parts.join(' ');
}

const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const VALID_KEY = /^[^\s="]+$/;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function needsQuotes(value: string): boolean {
  return value.startsWith('"') || /\s/.test(value);
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Reads a quoted value starting just after its opening quote; returns it and the next index. */
function readQuoted(text: string, from: number): [string, number] {
  let value = '';
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return [value, i + 1];
    if (c === BACKSLASH && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) {
        value += text[i + 1];
        i += 2;
        continue;
      }
    }
    value += text[i];
    i++;
  }
  return [value, i];
}
