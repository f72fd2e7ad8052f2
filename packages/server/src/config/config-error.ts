import { UserError } from '@containerops/core';

/** Stable code of every configuration problem found at start. */
export const INVALID_CONFIG = 'INVALID_CONFIG';

/** A configuration problem; the message names the source (`containerops.yaml:12`, `CONTAINEROPS_PORT`, `--port`). */
export function configError(where: string, message: string): UserError {
  return new UserError(INVALID_CONFIG, `${where}: ${message}`);
}
