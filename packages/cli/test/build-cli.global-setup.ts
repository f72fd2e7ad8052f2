/**
 * Builds the CLI and what it depends on (`tsc -b`, incremental: fast when nothing changed) before
 * the integration tests spawn `bin/containerops.js`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export default async function setup(): Promise<void> {
  const cliDir = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [tsc, '-b', cliDir], { cwd: cliDir });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`building the CLI for its integration tests failed:\n${stdout}${stderr}`);
  }
}
