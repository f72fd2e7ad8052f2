/**
 * `containerops workflow apply -f FILE`: stores a workflow file on the server as a new version
 * (or reports it unchanged). Problems are printed like a compiler's; an invalid file exits 1.
 */
import { resolve } from 'node:path';
import { ApiError } from '../api/api-error.js';
import { connect, connectionHelp, connectionOptions } from '../api/connection.js';
import { countSeverities, formatApiDiagnostic } from '../api/format-diagnostic.js';
import type { ApiDiagnostic } from '../api/api-error.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import type { Command } from './command.js';
import { takeSubcommand } from './subcommand.js';

const help = `Usage: containerops workflow apply -f FILE [--server URL]

Sends the workflow FILE to the server, which validates it and stores it as the workflow's next
version (the workflow is named by its uri: namespace/repository/name). Problems are printed as
FILE:line:col: severity code: message. Prints the new version, or "unchanged" when the file
equals the latest version.

Options:
  -f, --file FILE     the workflow file
${connectionHelp}
  -h, --help          show this help

Exits 0 when applied (or unchanged), 1 when the file is invalid or the server refused.
`;

const APPLY = `mutation($yaml: String!) {
  applyWorkflow(yaml: $yaml) {
    ok changed diagnostics { severity code message line col }
    workflow { uri } version { number }
  }
}`;

interface ApplyResult {
  applyWorkflow: {
    ok: boolean;
    changed: boolean;
    diagnostics: ApiDiagnostic[];
    workflow: { uri: string } | null;
    version: { number: number } | null;
  };
}

export const workflowCommand: Command = {
  name: 'workflow',
  summary: 'manage workflows on a server: apply a workflow file',
  help,
  async run(args, io) {
    const taken = takeSubcommand('workflow', args, ['apply'], help, io);
    if ('exit' in taken) return taken.exit;
    const { rest } = taken;
    const { values, positionals } = parseCommandArgs(
      'workflow',
      rest,
      { file: { type: 'string', short: 'f' }, ...connectionOptions },
      false,
    );
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    if (positionals.length > 0 || values.file === undefined) {
      throw new UsageError('give the workflow file with -f FILE', 'workflow');
    }
    const file = values.file;
    const client = connect('workflow', values, io);
    let yaml: string;
    try {
      yaml = await io.readFile(resolve(io.cwd, file));
    } catch (error) {
      io.stderr.write(`containerops workflow: cannot read ${file}: ${(error as Error).message}\n`);
      return ExitCode.failed;
    }
    let result: ApplyResult['applyWorkflow'];
    try {
      result = (await client.request<ApplyResult>(APPLY, { yaml })).applyWorkflow;
    } catch (error) {
      // Some refusals (INVALID_DEFINITION) carry diagnostics too: show them at their lines.
      if (error instanceof ApiError && error.diagnostics.length > 0) {
        printDiagnostics(io.stderr, file, error.diagnostics);
      }
      throw error;
    }
    printDiagnostics(io.stderr, file, result.diagnostics);
    if (!result.ok || result.workflow === null || result.version === null) {
      const { errors, warnings } = countSeverities(result.diagnostics);
      io.stderr.write(
        `invalid: ${file} was not applied (${errors} error${errors === 1 ? '' : 's'}, ` +
          `${warnings} warning${warnings === 1 ? '' : 's'})\n`,
      );
      return ExitCode.failed;
    }
    const { uri } = result.workflow;
    const version = result.version.number;
    io.stdout.write(
      result.changed
        ? `${uri}: applied version ${version}\n`
        : `${uri}: unchanged (version ${version})\n`,
    );
    return ExitCode.ok;
  },
};

function printDiagnostics(
  out: { write(chunk: string): unknown },
  file: string,
  diagnostics: readonly ApiDiagnostic[],
): void {
  for (const d of diagnostics) out.write(`${formatApiDiagnostic(file, d)}\n`);
}
