/**
 * The fake orchestrator's job protocol: a job tells the fake what to "do" through its own env
 * (`JobSpec.env`). `image` and `command` are ignored. Other packages (engine tests, the SDK's
 * conformance suite) build jobs with these variables, so names and meanings are stable.
 *
 * | Variable               | Effect                                                                  |
 * | ---------------------- | ----------------------------------------------------------------------- |
 * | `FAKE_STDOUT`          | lines printed on stdout, separated by `\n` (empty/unset: none)          |
 * | `FAKE_STDERR`          | same on stderr                                                          |
 * | `FAKE_STDOUT_REPEAT=N` | then prints `line 1` .. `line N` on stdout                              |
 * | `FAKE_STDOUT_LONG=N:p` | then prints one line: `p` followed by N times `a` (one whole chunk)     |
 * | `FAKE_EXIT_CODE`       | exit code (default 0)                                                   |
 * | `FAKE_DELAY_MS`        | the job keeps running this long after printing (stop() ends it early)   |
 * | `FAKE_START_ERROR=msg` | `start()` throws OrchestratorError `JOB_START_FAILED`, or `IMAGE_NOT_FOUND` when msg starts with "image" |
 * | `FAKE_OUTPUT_FILE`     | becomes `JobExit.outputFile` (the `$CO_OUTPUT` file)                    |
 * | `FAKE_OOM=1`           | exits `{ exitCode: 137, reason: 'oom' }`                                |
 * | `FAKE_FAIL_ATTEMPTS=N` | attempts `<= N` (`JobSpec.attempt`) exit 1                              |
 * | `FAKE_ECHO_ENV=A,B`    | prints `[COUT] A = <value of A>` for each name (missing: empty value; `CO_WORKSPACE`/`CO_OUTPUT` get fake paths) |
 * | `FAKE_WRITE_FILE=p=c`  | writes content `c` at path `p` of the run's simulated workspace         |
 * | `FAKE_READ_FILE=p`     | prints the workspace file `p` on stdout; missing: stderr message, exit 1 |
 * | `FAKE_IGNORE_TERM=1`   | the graceful stop is ignored; only the kill after `graceMs` ends it     |
 * | `FAKE_FAIL_WHEN=N=v,…` | exit 1 (or `FAKE_EXIT_CODE` if non-zero) at once, without `FAKE_DELAY_MS`, only when env `N` is `v` (any pair); else exit 0 |
 *
 * Order of effects inside one job: write file, read file, echo env, stdout lines, repeated lines,
 * the long line, stderr lines, delay, exit (with the output file).
 */

/** Names of the variables the fake orchestrator reads. */
export const FakeEnv = {
  stdout: 'FAKE_STDOUT',
  stderr: 'FAKE_STDERR',
  stdoutRepeat: 'FAKE_STDOUT_REPEAT',
  stdoutLong: 'FAKE_STDOUT_LONG',
  exitCode: 'FAKE_EXIT_CODE',
  delayMs: 'FAKE_DELAY_MS',
  startError: 'FAKE_START_ERROR',
  outputFile: 'FAKE_OUTPUT_FILE',
  oom: 'FAKE_OOM',
  failAttempts: 'FAKE_FAIL_ATTEMPTS',
  echoEnv: 'FAKE_ECHO_ENV',
  writeFile: 'FAKE_WRITE_FILE',
  readFile: 'FAKE_READ_FILE',
  ignoreTerm: 'FAKE_IGNORE_TERM',
  failWhen: 'FAKE_FAIL_WHEN',
} as const;

/** What one fake job does, decoded from its env. */
export interface FakeScript {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly stdoutRepeat: number;
  /** `FAKE_STDOUT_LONG`: one long line, its prefix and how many `a` follow it. */
  readonly stdoutLong?: readonly [prefix: string, bytes: number];
  readonly exitCode: number;
  readonly delayMs: number;
  readonly startError?: string;
  readonly outputFile?: string;
  readonly oom: boolean;
  readonly failAttempts: number;
  readonly echoEnv: readonly string[];
  readonly writeFile?: readonly [path: string, content: string];
  readonly readFile?: string;
  readonly ignoreTerm: boolean;
}

const noLines: readonly string[] = [];

function lines(value: string | undefined): readonly string[] {
  return value === undefined || value === '' ? noLines : value.split('\n');
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** `FAKE_EXIT_CODE`, or with `FAKE_FAIL_WHEN` (fan-out instances told apart by their inputs) a conditional exit. */
function exitCodeOf(env: Readonly<Record<string, string>>): number {
  const code = int(env[FakeEnv.exitCode], 0);
  const hit = failsWhen(env);
  return hit === undefined ? code : hit ? code || 1 : 0;
}

/** Whether a `FAKE_FAIL_WHEN` pair matches; undefined without one. */
function failsWhen(env: Readonly<Record<string, string>>): boolean | undefined {
  const when = env[FakeEnv.failWhen];
  if (when === undefined || when === '') return undefined;
  return when.split(',').some((pair) => {
    const eq = pair.indexOf('=');
    return eq > 0 && env[pair.slice(0, eq).trim()] === pair.slice(eq + 1).trim();
  });
}

/** Decodes a job's env into what the fake does. Unknown or malformed numbers fall back to defaults. */
export function parseFakeScript(env: Readonly<Record<string, string>>): FakeScript {
  const write = env[FakeEnv.writeFile];
  let writeFile: readonly [string, string] | undefined;
  if (write !== undefined && write !== '') {
    const eq = write.indexOf('=');
    writeFile = eq < 0 ? [write, ''] : [write.slice(0, eq), write.slice(eq + 1)];
  }
  const echo = env[FakeEnv.echoEnv];
  const long = /^(\d+):(.*)$/s.exec(env[FakeEnv.stdoutLong] ?? '');
  const readFile = env[FakeEnv.readFile];
  return {
    stdout: lines(env[FakeEnv.stdout]),
    stderr: lines(env[FakeEnv.stderr]),
    stdoutRepeat: Math.max(0, int(env[FakeEnv.stdoutRepeat], 0)),
    ...(long === null ? {} : { stdoutLong: [long[2] ?? '', Number(long[1])] as const }),
    exitCode: exitCodeOf(env),
    // A `FAKE_FAIL_WHEN` hit fails at once, so it ends before its siblings (fail-fast tests).
    delayMs: failsWhen(env) ? 0 : Math.max(0, int(env[FakeEnv.delayMs], 0)),
    startError: env[FakeEnv.startError] || undefined,
    outputFile: env[FakeEnv.outputFile],
    oom: flag(env[FakeEnv.oom]),
    failAttempts: Math.max(0, int(env[FakeEnv.failAttempts], 0)),
    echoEnv: echo
      ? echo
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '')
      : noLines,
    writeFile,
    readFile: readFile || undefined,
    ignoreTerm: flag(env[FakeEnv.ignoreTerm]),
  };
}
