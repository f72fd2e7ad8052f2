/**
 * Identifiers the engine makes: run ids and per-attempt job ids that are safe as container,
 * process and cluster object names (DNS-label rules).
 */

const RUN_TIME_WIDTH = 9; // base36 ms timestamps stay 9 characters until the year 5188
const RANDOM_CHARS = 10;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new run id: 9 base36 characters of the current time in ms, then 10 random base36 characters
 * (about 51 bits). Ids sort by creation time (to the millisecond) as plain strings and are
 * `[0-9a-z]{19}`, so they fit in any backend name.
 */
export function newRunId(now: number = Date.now()): string {
  const bytes = new Uint8Array(RANDOM_CHARS);
  globalThis.crypto.getRandomValues(bytes);
  let random = '';
  for (const b of bytes) random += ALPHABET[b % 36];
  return now.toString(36).padStart(RUN_TIME_WIDTH, '0') + random;
}

const JOB_ID_MAX = 63;

/**
 * The id of one job attempt (`JobSpec.id`): `<readable path>-<hash>-<attempt>`, where the hash
 * covers run id and path so ids differ across runs and jobs, and the readable part is cut to
 * keep the whole within 63 characters of `[a-z0-9-]`, starting and ending with `[a-z0-9]`.
 * Deterministic: the same run, path and attempt always give the same id (re-attach relies on it).
 */
export function jobAttemptId(runId: string, jobPath: string, attempt: number): string {
  const hash = hash53(`${runId}\u0000${jobPath}`).toString(36);
  const tail = `${hash}-${attempt}`;
  const room = JOB_ID_MAX - tail.length - 1;
  const slug = jobPath
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? tail : `${slug}-${tail}`;
}

/** A 53-bit non-cryptographic string hash (cyrb53): enough to tell attempts apart in names. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
