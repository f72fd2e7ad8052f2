/** Hook scripts may be inline Lua or the path of a `.lua` file in the workflow's repository. */
import { ErrorCode, UserError } from '@containerops/sdk';

/** Reads a file of the workflow's repository, by repository-relative path. */
export type ReadRepositoryFile = (path: string) => Promise<string> | string;

const scriptPath = /^[\w./-]+\.lua$/;

/**
 * Returns the Lua source of a `pre`/`post` value. A value that is one line ending in `.lua` and
 * made only of letters, digits, `_`, `-`, `.` and `/` (e.g. `ci/hooks/coverage.lua`) is a path:
 * it is read through `readFile`, which decides where the repository is. Anything else is inline
 * Lua and is returned as is.
 *
 * @throws UserError (INVALID_WORKFLOW) for an absolute path or one with a `..` segment; errors of
 *   `readFile` (e.g. a missing file) propagate unchanged.
 */
export async function resolveScript(source: string, readFile: ReadRepositoryFile): Promise<string> {
  const path = scriptPathOf(source);
  return path === undefined ? source : await readFile(path);
}

/**
 * The repository path a `pre`/`post` value names (see {@link resolveScript}), or undefined when
 * the value is inline Lua. Synchronous, for validators that read the file themselves.
 *
 * @throws UserError (INVALID_WORKFLOW) for an absolute path or one with a `..` segment.
 */
export function scriptPathOf(source: string): string | undefined {
  const candidate = source.trim();
  if (!scriptPath.test(candidate)) return undefined;
  if (candidate.startsWith('/') || candidate.split('/').includes('..')) {
    throw new UserError(
      ErrorCode.invalidWorkflow,
      `hook script path "${candidate}" must be relative to the repository root and must not contain ".."`,
    );
  }
  return candidate;
}
