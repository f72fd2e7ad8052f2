/**
 * The few semver ranges plugin definitions use for `sdkVersion`, without a dependency:
 * `^x.y.z`, `~x.y.z`, `>=x.y.z` (also `>`, `<=`, `<`), exact `x.y.z` or `=x.y.z`,
 * space-separated comparators (all must hold) and `||` alternatives. Caret and tilde follow npm:
 * `^0.1.0` means `>=0.1.0 <0.2.0`, `^1.2.3` means `>=1.2.3 <2.0.0`, `~1.2.3` means `>=1.2.3 <1.3.0`.
 * A pre-release (`0.2.0-beta.1`) sorts before its release; pre-release identifiers compare as text.
 */

export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: string;
}

const versionPattern =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses `x.y.z[-pre][+build]`; undefined when it is not a full version. */
export function parseVersion(text: string): SemVer | undefined {
  const m = versionPattern.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ?? '' };
}

/** Negative, zero or positive like a sort comparator. */
export function compareVersions(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

type Operator = '>=' | '>' | '<=' | '<' | '=';

interface Comparator {
  readonly op: Operator;
  readonly version: SemVer;
}

function bump(v: SemVer, part: 'major' | 'minor' | 'patch'): SemVer {
  if (part === 'major') return { major: v.major + 1, minor: 0, patch: 0, prerelease: '' };
  if (part === 'minor') return { major: v.major, minor: v.minor + 1, patch: 0, prerelease: '' };
  return { major: v.major, minor: v.minor, patch: v.patch + 1, prerelease: '' };
}

function parseComparator(token: string): Comparator[] | undefined {
  const m = /^(\^|~|>=|<=|>|<|=)?(.+)$/.exec(token);
  if (!m) return undefined;
  const version = parseVersion(m[2] ?? '');
  if (!version) return undefined;
  switch (m[1]) {
    case '^': {
      const upper = version.major > 0 ? 'major' : version.minor > 0 ? 'minor' : 'patch';
      return [
        { op: '>=', version },
        { op: '<', version: bump(version, upper) },
      ];
    }
    case '~':
      return [
        { op: '>=', version },
        { op: '<', version: bump(version, 'minor') },
      ];
    case undefined:
      return [{ op: '=', version }];
    default:
      return [{ op: m[1] as Operator, version }];
  }
}

/** Parses a range into alternatives of comparator sets; undefined when any part is malformed. */
function parseRange(range: string): Comparator[][] | undefined {
  const alternatives: Comparator[][] = [];
  for (const part of range.split('||')) {
    // Allow `>= 1.0.0` with a space after the operator.
    const tokens = part
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    if (tokens.length === 0) return undefined;
    const set: Comparator[] = [];
    for (const token of tokens) {
      const comparators = parseComparator(token);
      if (!comparators) return undefined;
      set.push(...comparators);
    }
    alternatives.push(set);
  }
  return alternatives;
}

/** True when `range` is a range this module understands. */
export function isValidRange(range: string): boolean {
  return parseRange(range) !== undefined;
}

function holds(c: Comparator, v: SemVer): boolean {
  const cmp = compareVersions(v, c.version);
  switch (c.op) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    case '<':
      return cmp < 0;
    case '=':
      return cmp === 0;
  }
}

/**
 * Whether `version` satisfies `range`. Returns false (never throws) for a malformed version or
 * range; check {@link isValidRange} first to tell the two apart.
 */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  const alternatives = parseRange(range);
  if (!v || !alternatives) return false;
  return alternatives.some((set) => set.every((c) => holds(c, v)));
}
