/**
 * Naming rules. Stage, action and job names are joined with dots into `stage.action.job` paths
 * (subscriptions, `CO_STAGE`...), so they cannot contain dots.
 */

/** Stage, action and job names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** Environment variable names (also the ENV side of a subscription). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Output keys (component contract, docs/design.md §3) and input keys. */
export const OUTPUT_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function isValidEnvName(name: string): boolean {
  return ENV_NAME_PATTERN.test(name);
}

export function isValidOutputKey(key: string): boolean {
  return OUTPUT_KEY_PATTERN.test(key);
}

/** Turns arbitrary text into a valid name, or `undefined` if nothing usable is left. */
function sanitize(text: string): string | undefined {
  const cleaned = text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '');
  return cleaned === '' ? undefined : cleaned;
}

/** `registry:5000/acme/go-test:1.2@sha256:…` -> `go-test`: last path segment, no tag or digest. */
export function imageBaseName(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const last = withoutDigest.split('/').pop() ?? '';
  return sanitize(last.split(':')[0] ?? '');
}

/** `library/go-test@1.2` -> `go-test`. */
export function componentBaseName(component: string): string | undefined {
  const withoutVersion = component.split('@')[0] ?? '';
  const last = withoutVersion.split('/').pop() ?? '';
  return sanitize(last.split(':')[0] ?? '');
}

/**
 * The stable name of an unnamed job: from its image, else its component, else `job-N`
 * (`index` is 1-based among the action's non-empty entries). Clashes are resolved by
 * {@link uniqueNames}.
 */
export function baseJobName(job: { image?: string; component?: string }, index: number): string {
  return (
    (job.image === undefined ? undefined : imageBaseName(job.image)) ??
    (job.component === undefined ? undefined : componentBaseName(job.component)) ??
    `job-${index}`
  );
}

/**
 * Fills in missing names without clashing: explicit names are kept as they are (duplicates among
 * them are the caller's to report); each missing one gets its base, then `base-2`, `base-3`...
 * skipping every name already taken. Deterministic: depends only on the list.
 */
export function uniqueNames(entries: readonly { explicit?: string; base: string }[]): string[] {
  const taken = new Set<string>();
  for (const e of entries) if (e.explicit !== undefined) taken.add(e.explicit);
  // The next suffix to try per base: every lower one is taken already (taken only grows), so
  // many unnamed jobs of one image cost linear time, not quadratic.
  const nextSuffix = new Map<string, number>();
  return entries.map((e) => {
    if (e.explicit !== undefined) return e.explicit;
    let candidate = e.base;
    let n = nextSuffix.get(e.base) ?? 2;
    if (taken.has(candidate)) {
      for (candidate = `${e.base}-${n}`; taken.has(candidate); n++) {
        candidate = `${e.base}-${n + 1}`;
      }
      nextSuffix.set(e.base, n + 1);
    }
    taken.add(candidate);
    return candidate;
  });
}
