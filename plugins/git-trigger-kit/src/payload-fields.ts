/**
 * Readers for webhook payload fields. A git host's payload is read field by field, each checked,
 * so a payload of another shape yields a reason to ignore it instead of a thrown TypeError.
 */
import type { Ignored } from './git-block.js';

/** A JSON object as parsed. */
export type Json = Record<string, unknown>;

/** `value` when it is a JSON object (not an array). */
export function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** `value` when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The files a push changed: the `added`, `modified` and `removed` lists of each of `commits` and
 * of `more` (single commits, such as GitHub's `head_commit`), without repeats. Undefined when
 * `commits` is not a list: the payload says nothing about files.
 */
export function changedPathsOf(
  commits: unknown,
  ...more: unknown[]
): readonly string[] | undefined {
  if (!Array.isArray(commits)) return undefined;
  const paths = new Set<string>();
  for (const commit of [...(commits as unknown[]), ...more])
    for (const field of ['added', 'modified', 'removed']) {
      const list = obj(commit)?.[field];
      if (Array.isArray(list)) for (const p of list) if (typeof p === 'string') paths.add(p);
    }
  return [...paths];
}

/** What a pushed `ref` names: a tag (`refs/tags/...`), a branch (`refs/heads/...`), or neither. */
export function pushedRefOf(ref: string): { tag: string } | { branch: string } | Ignored {
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  return { ignored: `a push to ${ref}, neither branch nor tag` };
}
