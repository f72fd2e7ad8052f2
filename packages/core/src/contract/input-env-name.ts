/**
 * Names of the per-key input variables (`CO_<KEY>`) of the component contract (docs/design.md §3).
 */

/**
 * The environment variable that carries input `key`: `CO_` + the key upper-cased, with every
 * character outside `[A-Z0-9_]` replaced by `_`. So `git-url` → `CO_GIT_URL`,
 * `image.tag` → `CO_IMAGE_TAG`, `dürr` → `CO_D_RR`.
 *
 * Why the replacement: GitHub Actions upper-cases input names into `INPUT_<NAME>` but keeps
 * hyphens, so an input `git-url` becomes `INPUT_GIT-URL`, which POSIX shells cannot read as
 * `$INPUT_GIT-URL` (it expands `$INPUT_GIT` followed by `-URL`). Every name produced here is a
 * valid shell identifier.
 *
 * Consequence: distinct keys may map to one name (`git-url`, `git_url`, `GIT.URL`); the job env
 * then holds the value of the key that comes last in the input map.
 */
export function inputEnvName(key: string): string {
  return `CO_${key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}
