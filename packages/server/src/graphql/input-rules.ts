/**
 * Argument checks done before any service is called: sizes (so one request cannot make the server
 * parse megabytes of YAML or store a huge "secret") and the shape of names. The services apply
 * their domain rules on top; these only refuse what is clearly not a valid request.
 * Every failure is a BAD_USER_INPUT `UserError` whose message names the argument.
 */
import { UserError } from '@containerops/core';
import { ServerErrorCode } from '../services/contracts.js';

/** Limits on arguments, in characters. */
export const InputLimits = {
  name: 128,
  uri: 400,
  yaml: 1024 * 1024,
  readme: 256 * 1024,
  secretValue: 64 * 1024,
  text: 4000,
  inputs: 64 * 1024,
  pageSize: 500,
  logLimit: 10_000,
  tokenDays: 3650,
} as const;

function bad(message: string): UserError {
  return new UserError(ServerErrorCode.badUserInput, message);
}

/** A string argument of at most `max` characters (and at least one, unless `allowEmpty`). */
export function checkText(arg: string, value: string, max: number, allowEmpty = false): string {
  if (!allowEmpty && value.length === 0) throw bad(`${arg} must not be empty.`);
  if (value.length > max) throw bad(`${arg} is too long (${value.length} > ${max} characters).`);
  return value;
}

export function checkOptionalText(arg: string, value: string | null | undefined, max: number) {
  return value === null || value === undefined ? undefined : checkText(arg, value, max, true);
}

// Visible characters only: names end up in URLs, logs and terminal output.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** An organisation, user, repository or token name. */
export function checkName(arg: string, value: string): string {
  checkText(arg, value, InputLimits.name);
  if (!NAME.test(value)) {
    throw bad(`${arg} "${value}" may hold only letters, digits, '.', '_', '@' and '-'.`);
  }
  return value;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkSecretName(value: string): string {
  checkText('name', value, InputLimits.name);
  if (!SECRET_NAME.test(value)) {
    throw bad(
      `Secret name "${value}" must match [A-Za-z_][A-Za-z0-9_]* (it is used as \${{ secrets.NAME }}).`,
    );
  }
  return value;
}

/** A workflow uri `namespace/repository/name`: three names. */
export function checkWorkflowUri(arg: string, value: string): string {
  checkText(arg, value, InputLimits.uri);
  const parts = value.split('/');
  if (parts.length !== 3 || parts.some((p) => !NAME.test(p))) {
    throw bad(`${arg} "${value}" must be a workflow uri: namespace/repository/name.`);
  }
  return value;
}

/** An integer in [min, max]. */
export function checkRange(arg: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw bad(`${arg} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/**
 * Run or component inputs: a JSON object whose values are strings (numbers and booleans are
 * accepted and turned into strings, as a YAML file would give them).
 */
export function checkInputs(value: unknown): Record<string, string> | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw bad('inputs must be a JSON object of key → string value.');
  }
  const out: Record<string, string> = {};
  let size = 0;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw bad(`inputs.${key} must be a string, number or boolean.`);
    }
    checkText('inputs key', key, InputLimits.name);
    out[key] = String(v);
    size += key.length + out[key].length;
  }
  if (size > InputLimits.inputs)
    throw bad(`inputs are too large (> ${InputLimits.inputs} characters).`);
  return out;
}
