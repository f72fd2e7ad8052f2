/** How a component's declared inputs meet the input a job gives (defaults, required, unknown). */
import type { ComponentDefinition } from './component-model.js';

export interface AppliedInputs {
  /** The job's input with the defaults of the inputs it did not give filled in. */
  readonly inputs: Record<string, string>;
  /** Required inputs the job did not give (in declaration order). */
  readonly missing: readonly string[];
  /** Keys the job gave that the component does not declare (in the job's order). */
  readonly unknown: readonly string[];
}

/**
 * Fills in defaults and lists what is missing or unknown. An input given as the empty string
 * counts as given (the component decides what empty means). Pure; `given` is not modified.
 */
export function applyComponentInputs(
  component: Pick<ComponentDefinition, 'inputs'>,
  given: Readonly<Record<string, string>>,
): AppliedInputs {
  const inputs: Record<string, string> = { ...given };
  const missing: string[] = [];
  const declared = new Set<string>();
  for (const input of component.inputs) {
    declared.add(input.key);
    if (Object.hasOwn(given, input.key)) continue;
    if (input.default !== undefined) inputs[input.key] = input.default;
    else if (input.required) missing.push(input.key);
  }
  const unknown = Object.keys(given).filter((key) => !declared.has(key));
  return { inputs, missing, unknown };
}
