/**
 * `${{ secrets.NAME }}` references: secrets never live in workflow files, they resolve at run
 * time (docs/design.md §2).
 */
import { ErrorCode, UserError } from '../errors.js';

const SECRET_REF = /\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names referenced as `${{ secrets.NAME }}` in `text` (spaces optional), unique, in order. */
export function findSecretRefs(text: string): string[] {
  if (!text.includes('${{')) return [];
  const names = new Set<string>();
  for (const m of text.matchAll(SECRET_REF)) names.add(m[1] as string);
  return [...names];
}

export interface ResolvedSecretRefs {
  /** `text` with every reference replaced by the secret's value. */
  readonly value: string;
  /** Names of the secrets used, unique, in order of first use; their values must be masked. */
  readonly used: string[];
}

/**
 * Replaces every `${{ secrets.NAME }}` in `text` with the secret's value. Each distinct name is
 * looked up once; lookups run concurrently. Values are inserted literally (a `$&` in a secret
 * stays `$&`).
 *
 * @throws UserError `SECRET_NOT_FOUND` when a lookup gives undefined; the message names every
 *   missing secret. Errors thrown by `lookup` propagate unchanged.
 */
export async function resolveSecretRefs(
  text: string,
  lookup: (name: string) => Promise<string | undefined>,
): Promise<ResolvedSecretRefs> {
  const used = findSecretRefs(text);
  if (used.length === 0) return { value: text, used };
  const values = await Promise.all(used.map((name) => lookup(name)));
  const found = new Map<string, string>();
  const missing: string[] = [];
  used.forEach((name, i) => {
    const value = values[i];
    if (value === undefined) missing.push(name);
    else found.set(name, value);
  });
  if (missing.length > 0) {
    const list = missing.map((n) => `"${n}"`).join(', ');
    throw new UserError(
      ErrorCode.secretNotFound,
      `secret${missing.length > 1 ? 's' : ''} ${list} not found: define ` +
        `${missing.length > 1 ? 'them' : 'it'} in the secret store, or remove the reference`,
      { details: { names: missing } },
    );
  }
  const value = text.replace(SECRET_REF, (_ref, name: string) => found.get(name) as string);
  return { value, used };
}
