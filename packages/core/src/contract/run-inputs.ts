/**
 * Run inputs: the variables a caller may give a run (`triggerRun` inputs, a webhook's body, the
 * command line's `--input`). Every job of the run sees them in its environment, so which names
 * are allowed is a security rule, kept here as the one place every entry point uses:
 *
 * - a run input must be declared by the workflow (`inputs:`); undeclared names are refused;
 * - a declared name must be a shell identifier (`[A-Za-z_][A-Za-z0-9_]*`) and not reserved:
 *   the contract's own `CO_*` variables, and variables that change how a program, shell, loader
 *   or interpreter starts (`PATH`, `BASH_ENV`, `LD_*`, `NODE_OPTIONS`...). The workflow parser
 *   applies {@link runInputNameProblem} to declarations, the entry points to given names.
 *
 * Problems are found before anything starts: the caller gets a UserError `RUN_INPUTS_INVALID`
 * naming every bad name, never a run that fails at container creation.
 */
import { UserError } from '../errors.js';

/** A run input a workflow declares (`inputs:` in the workflow file). */
export interface RunInputDeclaration {
  readonly name: string;
  /** Used when the caller gives no value. */
  readonly default?: string;
  /** The caller must give a value (a default satisfies it). */
  readonly required: boolean;
  readonly description?: string;
}

/** The stable code of a refused set of run inputs. */
export const RUN_INPUTS_INVALID = 'RUN_INPUTS_INVALID';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names no run input may take (compared upper-cased). */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  // Where programs and the shell look, who is running, how the shell starts.
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'OLDPWD',
  'HOSTNAME',
  'TMPDIR',
  'IFS',
  'ENV',
  'BASH_ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'GLOBIGNORE',
  // Interpreters' start-up hooks.
  'NODE_OPTIONS',
  'NODE_PATH',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'PYTHONINSPECT',
  'PERL5LIB',
  'PERL5OPT',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'GCONV_PATH',
  'LOCPATH',
  'HOSTALIASES',
  'RESOLV_HOST_CONF',
  'GIT_SSH_COMMAND',
  'GIT_EXEC_PATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
]);

/** Name prefixes no run input may take: the contract's variables, loaders, bash functions. */
const RESERVED_PREFIXES: readonly string[] = ['CO_', 'LD_', 'DYLD_', 'BASH_FUNC_', 'MALLOC_'];

/**
 * Why `name` cannot be a run input (malformed or reserved); undefined when it can. Declared and
 * given names both go through this.
 */
export function runInputNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) return 'is not a variable name ([A-Za-z_][A-Za-z0-9_]*)';
  const upper = name.toUpperCase();
  if (RESERVED_NAMES.has(upper)) return 'is reserved (it changes how programs start)';
  const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
  if (prefix !== undefined) {
    return prefix === 'CO_'
      ? 'is reserved (CO_* variables belong to the component contract)'
      : `is reserved (${prefix}* variables change how programs start)`;
  }
  return undefined;
}

/** What is wrong with a set of given inputs, by kind (each list sorted, empty when fine). */
export interface RunInputProblems {
  readonly reserved: readonly string[];
  readonly undeclared: readonly string[];
  readonly missing: readonly string[];
}

/**
 * The inputs a run starts with: `given` checked against the workflow's `declared` inputs, with
 * the defaults of those not given. A workflow that declares none takes none.
 *
 * @throws UserError {@link RUN_INPUTS_INVALID} listing every reserved, undeclared and missing
 *   (required, no default) name; `details` holds the same lists.
 */
export function resolveRunInputs(
  declared: readonly RunInputDeclaration[] | undefined,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const byName = new Map((declared ?? []).map((d) => [d.name, d]));
  const reserved: string[] = [];
  const undeclared: string[] = [];
  for (const name of Object.keys(given)) {
    if (runInputNameProblem(name) !== undefined) reserved.push(name);
    else if (!byName.has(name)) undeclared.push(name);
  }
  const inputs: Record<string, string> = {};
  const missing: string[] = [];
  for (const d of byName.values()) {
    const value = Object.hasOwn(given, d.name) ? given[d.name] : d.default;
    if (value !== undefined) inputs[d.name] = value;
    else if (d.required) missing.push(d.name);
  }
  if (reserved.length + undeclared.length + missing.length > 0) {
    const problems: RunInputProblems = {
      reserved: reserved.sort(),
      undeclared: undeclared.sort(),
      missing: missing.sort(),
    };
    throw new UserError(RUN_INPUTS_INVALID, describeProblems(problems, [...byName.keys()]), {
      details: { ...problems },
    });
  }
  return inputs;
}

function describeProblems(problems: RunInputProblems, declared: readonly string[]): string {
  const quote = (names: readonly string[]): string =>
    names.map((n) => JSON.stringify(n)).join(', ');
  const parts: string[] = [];
  if (problems.reserved.length > 0)
    parts.push(`reserved or malformed names ${quote(problems.reserved)}`);
  if (problems.undeclared.length > 0) parts.push(`undeclared inputs ${quote(problems.undeclared)}`);
  if (problems.missing.length > 0) parts.push(`missing required inputs ${quote(problems.missing)}`);
  const accepted =
    declared.length === 0
      ? 'the workflow declares no inputs (add an "inputs:" list to it)'
      : `the workflow takes ${quote(declared)}`;
  return `run inputs refused: ${parts.join('; ')}; ${accepted}`;
}
