/** Ordering and picking component versions (`1.2` matches the newest `1.2.x`). */
import { compareVersions, parseVersion } from '@containerops/sdk';

export function compareSemver(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  return va === undefined || vb === undefined ? a.localeCompare(b) : compareVersions(va, vb);
}

/**
 * From versions sorted newest first: the exact `wanted`, else the newest whose version starts
 * with `wanted.` (`1.2` → `1.2.7`), else (no `wanted`) the newest not deprecated, or the newest.
 */
export function pickVersion<T extends { version: string; deprecated: boolean }>(
  newestFirst: readonly T[],
  wanted: string | undefined,
): T | undefined {
  const sorted = [...newestFirst].sort((a, b) => compareSemver(b.version, a.version));
  if (wanted === undefined) return sorted.find((v) => !v.deprecated) ?? sorted[0];
  return (
    sorted.find((v) => v.version === wanted) ??
    sorted.find((v) => v.version.startsWith(`${wanted}.`))
  );
}
