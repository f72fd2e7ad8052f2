/**
 * The `containerops` entry point: dispatches to a subcommand and turns errors into messages and
 * exit codes (2 for a wrong command line, 1 for anything else that failed).
 */
import { ContainerOpsError } from '@containerops/core';
import { commands } from './commands/index.js';
import { processIo } from './io.js';
import type { CliIo } from './io.js';
import { ExitCode, UsageError } from './usage.js';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `Usage: containerops COMMAND [options]

Container-native DevOps orchestration: run workflows of containerised components.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}show help for a command

Run 'containerops COMMAND --help' for the options of a command.
`;
}

/**
 * Runs the command line `args` (without `node` and the script) and resolves with the exit code.
 * Never rejects.
 */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      io.stdout.write(topHelp());
      return name === undefined ? ExitCode.usage : ExitCode.ok;
    }
    if (name === '--version' || name === '-v') return await run('version', [], io);
    if (name === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout.write(topHelp());
        return ExitCode.ok;
      }
      return await run(topic, ['--help'], io);
    }
    return await run(name, rest, io);
  } catch (error) {
    return report(error, io);
  }
}

function run(name: string, args: readonly string[], io: CliIo): Promise<number> {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(
      name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`,
    );
  }
  return command.run(args, io);
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    const where = error.command === undefined ? 'containerops' : `containerops ${error.command}`;
    io.stderr.write(`${where}: ${error.message}\nRun '${where} --help' for usage.\n`);
    return ExitCode.usage;
  }
  // User mistakes and operational failures (an unreachable server) say what to do: no stack.
  if (error instanceof ContainerOpsError && error.kind !== 'unexpected') {
    io.stderr.write(`containerops: ${error.message}\n`);
    return ExitCode.failed;
  }
  io.stderr.write(
    `containerops: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.failed;
}
