/** `containerops version`: the CLI's version. */
import { readFile } from 'node:fs/promises';
import { ExitCode, parseCommandArgs } from '../usage.js';
import type { Command } from './command.js';

const help = `Usage: containerops version

Prints the version of the containerops command and of Node.js it runs on.
`;

/** The CLI package's version, read from its package.json (beside src/ and dist/). */
export async function cliVersion(): Promise<string> {
  const raw = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(raw) as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the version',
  help,
  async run(args, io) {
    const { values } = parseCommandArgs('version', args, {}, false);
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    io.stdout.write(`containerops ${await cliVersion()} (node ${process.version})\n`);
    return ExitCode.ok;
  },
};
