/**
 * Resource quantities, in the notation cluster schedulers use: CPU in cores or millicores, memory in bytes with decimal
 * (`k`, `M`, `G`, `T`, `P`, `E`: powers of 1000) or binary (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`:
 * powers of 1024) suffixes.
 *
 * A plain memory NUMBER is bytes in our format. (The seeds' original UI showed memory numbers in
 * Mi; workflow files never did: they wrote strings like `4G`.) Write `512Mi` rather than `512`.
 */

const DECIMAL = '(\\d+(?:\\.\\d+)?|\\.\\d+)';
const CPU = new RegExp(`^${DECIMAL}(m?)$`);
const MEMORY = new RegExp(`^${DECIMAL}(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$`);

const MEMORY_FACTOR: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a CPU quantity into millicores: a number of cores (`2`, `0.5`), a string of cores
 * (`"2"`, `"1.5"`) or millicores (`"500m"`). Rounded to the nearest millicore.
 * @throws RangeError for negative, non-finite or malformed values (message is user-facing).
 */
export function parseCpu(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`cpu must be a non-negative number of cores, got ${value}`);
    }
    return Math.round(value * 1000);
  }
  const match = CPU.exec(value.trim());
  if (match === null) {
    throw new RangeError(
      `invalid cpu "${value}": use cores (2, 0.5, "1.5") or millicores ("500m")`,
    );
  }
  const n = Number(match[1]);
  return match[2] === 'm' ? Math.round(n) : Math.round(n * 1000);
}

/**
 * Parses a memory (or any byte size) quantity into whole bytes: a number is bytes (must be a
 * non-negative integer, and so must a suffix-less string); a string is a number with an optional suffix (`"4G"` = 4e9,
 * `"4Gi"` = 4·2^30, `"1.5G"`, `"1024Ki"`, `"100k"`). Fractional results are rounded to the byte.
 * @throws RangeError for negative, fractional-number, non-finite or malformed values, or an
 *   unknown suffix (`"4g"`, `"4GB"`, `"128m"`); the message lists the accepted suffixes.
 */
export function parseMemory(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `memory as a number is a whole number of bytes, got ${value}; write e.g. "512Mi" or "1.5G"`,
      );
    }
    return value;
  }
  const match = MEMORY.exec(value.trim());
  if (match === null) {
    throw new RangeError(
      `invalid memory "${value}": use bytes with an optional suffix k, M, G, T (powers of 1000) or Ki, Mi, Gi, Ti (powers of 1024), e.g. "4G", "512Mi"`,
    );
  }
  const suffix = match[2] ?? '';
  if (suffix === '' && !/^\d+$/.test(match[1] ?? '')) {
    throw new RangeError(`memory "${value}" without a suffix is bytes and must be a whole number`);
  }
  const bytes = Math.round(Number(match[1]) * (MEMORY_FACTOR[suffix] ?? 1));
  if (!Number.isSafeInteger(bytes)) throw new RangeError(`memory "${value}" is too large`);
  return bytes;
}

/** Formats millicores the way `parseCpu` reads them (`1500` -> `"1500m"`, `2000` -> `"2"`). */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** Formats bytes with the largest exact binary suffix (`1048576` -> `"1Mi"`), else plain bytes. */
export function formatMemory(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const factor = MEMORY_FACTOR[suffix] ?? 1;
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}
