/**
 * The first word of a command with subcommands (`token create`, `secret set`...): help when it is
 * missing or asks for help, a usage error naming the known ones when it is unknown.
 */
import type { CliIo } from '../io.js';
import { ExitCode, UsageError } from '../usage.js';

export type Subcommand<Name extends string> =
  { readonly name: Name; readonly rest: string[] } | { readonly exit: number };

export function takeSubcommand<Name extends string>(
  command: string,
  args: readonly string[],
  known: readonly Name[],
  help: string,
  io: CliIo,
): Subcommand<Name> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(help);
    return { exit: sub === undefined ? ExitCode.usage : ExitCode.ok };
  }
  if (!(known as readonly string[]).includes(sub))
    throw new UsageError(`unknown subcommand '${sub}'; known: ${known.join(', ')}`, command);
  return { name: sub as Name, rest };
}
