/**
 * Secrets for local runs: `${{ secrets.NAME }}` resolves to the environment variable
 * `CONTAINEROPS_SECRET_NAME`, so secrets stay out of workflow files and out of the command line
 * (where `ps` would show them).
 */
import type { SecretProvider } from '@containerops/core';

export const SECRET_ENV_PREFIX = 'CONTAINEROPS_SECRET_';

export function envSecretProvider(
  env: Readonly<Record<string, string | undefined>>,
): SecretProvider {
  return {
    get: (name) => Promise.resolve(env[`${SECRET_ENV_PREFIX}${name}`]),
  };
}
