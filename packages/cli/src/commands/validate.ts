/**
 * `containerops validate FILE...`: checks workflow files without running anything and prints
 * every problem like a compiler (`file:line:col: severity code: message`).
 */
import { formatDiagnostic, hasErrors } from '@containerops/core';
import type { Diagnostic } from '@containerops/core';
import type { CliIo } from '../io.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import { loadWorkflowFile } from '../workflow-file.js';
import type { Command } from './command.js';

const help = `Usage: containerops validate [--json] FILE...

Checks workflow files and prints every problem as
  file:line:col: severity code: message
then a summary line. Exits 1 if any file has an error, 0 otherwise (warnings allowed).

Options:
  --json      print one JSON document: { files: [{ file, valid, diagnostics }], errors, warnings }
  -h, --help  show this help
`;

interface FileReport {
  readonly file: string;
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Set when the file could not be read. */
  readonly error?: string;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check workflow files and print every problem with its line and column',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('validate', args, {
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    if (positionals.length === 0) throw new UsageError('no workflow file given', 'validate');
    const reports: FileReport[] = [];
    for (const file of positionals) reports.push(await check(io, file));
    const errors = reports.reduce(
      (n, r) => n + (r.error === undefined ? 0 : 1) + count(r, 'error'),
      0,
    );
    const warnings = reports.reduce((n, r) => n + count(r, 'warning'), 0);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ files: reports, errors, warnings }, null, 2)}\n`);
    } else {
      printReports(io, reports, errors, warnings);
    }
    return errors > 0 ? ExitCode.failed : ExitCode.ok;
  },
};

async function check(io: CliIo, file: string): Promise<FileReport> {
  const loaded = await loadWorkflowFile(io, file);
  if (!loaded.ok) return { file, valid: false, diagnostics: [], error: loaded.error };
  const { diagnostics } = loaded.result;
  return { file, valid: !hasErrors(diagnostics), diagnostics };
}

function count(report: FileReport, severity: Diagnostic['severity']): number {
  return report.diagnostics.filter((d) => d.severity === severity).length;
}

function printReports(
  io: CliIo,
  reports: readonly FileReport[],
  errors: number,
  warnings: number,
): void {
  let out = '';
  for (const report of reports) {
    if (report.error !== undefined) out += `${report.file}: error: ${report.error}\n`;
    for (const d of report.diagnostics) out += `${formatDiagnostic(report.file, d)}\n`;
  }
  const files = `${reports.length} file${reports.length === 1 ? '' : 's'}`;
  const problems =
    errors === 0 && warnings === 0
      ? 'no problems'
      : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  out += `${errors > 0 ? 'invalid' : 'valid'}: ${files} checked, ${problems}\n`;
  io.stdout.write(out);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
