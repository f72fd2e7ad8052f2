/**
 * Argument parsing on top of `node:util` `parseArgs`, turning its errors into {@link UsageError}s
 * that the entry point prints with the command's usage and exit code 2.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { suggest } from '@containerops/core';

/** Exit codes of the `containerops` command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

/** The command line is wrong: the message says what, the entry point adds how to get help. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` to point at; undefined for the top level. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

type CommandArgsConfig<O extends OptionsConfig> = {
  args: string[];
  options: O & typeof helpOption;
  allowPositionals: boolean;
  strict: true;
};

/** What {@link parseCommandArgs} returns: `values` typed by the options, and `positionals`. */
export type ParsedCommandArgs<O extends OptionsConfig> = ReturnType<
  typeof parseArgs<CommandArgsConfig<O>>
>;

/**
 * Parses `args` strictly against `options`, with `--help`/`-h` always accepted. Unknown options,
 * missing option values and (unless `allowPositionals`) positionals become UsageErrors naming the
 * command.
 */
export function parseCommandArgs<O extends OptionsConfig>(
  command: string,
  args: readonly string[],
  options: O,
  allowPositionals = true,
): ParsedCommandArgs<O> {
  const config: CommandArgsConfig<O> = {
    args: [...args],
    options: { ...options, ...helpOption },
    allowPositionals,
    strict: true,
  };
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(describeParseError(error, Object.keys(config.options)), command);
  }
}

/** `--orchestator` → ` (did you mean --orchestrator?)`, or '' when nothing is close. */
function optionHint(written: string, known: readonly string[]): string {
  if (!written.startsWith('--')) return '';
  const name = written.slice(2).split('=')[0] ?? '';
  const hint = suggest(name, known);
  return hint === undefined ? '' : ` (did you mean --${hint}?)`;
}

function describeParseError(error: unknown, known: readonly string[]): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const written = unknown[1] ?? '';
    return `unknown option '${written}'${optionHint(written, known)}`;
  }
  const positional = /Unexpected argument '([^']+)'/.exec(error.message);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && positional) {
    return `unexpected argument '${positional[1]}'`;
  }
  // Other messages of parseArgs are already in words ("Option '--input <value>' argument missing").
  return error.message.replace(/\.?\s*To specify a positional argument.*$/s, '');
}

/** Parses repeated `KEY=VALUE` options into a map; the value may contain `=`. */
export function parseKeyValues(
  command: string,
  option: string,
  values: readonly string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${option} expects KEY=VALUE, got '${item}'`, command);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
