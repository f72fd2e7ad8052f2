/** Rules for user and organisation names (they appear in workflow uris and component names). */
import { badInput } from './errors.js';

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function checkName(what: string, name: string): void {
  if (name.length > 100 || !NAME.test(name)) {
    throw badInput(
      `${what} "${name}" is not valid: use lower-case letters and digits, with single . _ or - between them (at most 100 characters)`,
    );
  }
}
