/** The `stage.action.job[OUTPUT]` address of a data link (original ContainerOps syntax). */

/** A parsed subscription key: which job's which output. */
export interface SubscriptionKey {
  readonly stage: string;
  readonly action: string;
  readonly job: string;
  readonly output: string;
}

const NAME = '[A-Za-z0-9][A-Za-z0-9_-]*';
const KEY = new RegExp(`^(${NAME})\\.(${NAME})\\.(${NAME})\\[([A-Za-z_][A-Za-z0-9_.-]*)\\]$`);

/**
 * Parses `"build.compile.go-build[BINARY_URL]"` (surrounding spaces ignored). Names follow the
 * stage/action/job name rule, the output follows the output-key rule.
 * @returns the parts, or `undefined` when the text is not a subscription key.
 */
export function parseSubscriptionKey(text: string): SubscriptionKey | undefined {
  const match = KEY.exec(text.trim());
  if (match === null) return undefined;
  const [, stage = '', action = '', job = '', output = ''] = match;
  return { stage, action, job, output };
}

/** The inverse of {@link parseSubscriptionKey}. */
export function formatSubscriptionKey(key: SubscriptionKey): string {
  return `${key.stage}.${key.action}.${key.job}[${key.output}]`;
}
