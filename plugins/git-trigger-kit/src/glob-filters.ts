/**
 * The glob filters of a git trigger block (`branches`, `tags`, `paths`), matched with picomatch
 * (the matcher behind many build tools: `**`, `{a,b}`, `!negation`). A filter that is absent lets
 * everything through; a list matches when any of its globs does; a glob starting with `!`
 * excludes what it matches even when another glob includes it.
 */
import picomatch from 'picomatch';

/** A list of globs; `undefined` when the block does not filter on it. */
export type GlobList = readonly string[] | undefined;

/** True when `value` passes `globs` (no list: always). */
export function passes(globs: GlobList, value: string): boolean {
  if (globs === undefined) return true;
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  if (exclude.length > 0 && picomatch.isMatch(value, exclude, { dot: true })) return false;
  return include.length === 0 || picomatch.isMatch(value, include, { dot: true });
}

/** True when any of `paths` passes `globs` (no list: always; a list and no paths: never). */
export function anyPathPasses(globs: GlobList, paths: readonly string[]): boolean {
  if (globs === undefined) return true;
  return paths.some((path) => passes(globs, path));
}

/** A string or a list of strings from a trigger block field; a message when it is neither. */
export function globListOf(value: unknown, field: string): GlobList | string {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  return `${field} must be a glob or a list of globs`;
}
