/**
 * Portable job descriptions for conformance tests: one {@link JobBehaviour} becomes both a POSIX
 * `sh -c` script (for real backends: only sh builtins and busybox-available commands) and the
 * equivalent `FAKE_*` env (for the fake orchestrator), so the same test runs everywhere.
 */
import { JobLabel } from '@containerops/core';
import type { JobSpec } from '@containerops/core';
import { FakeEnv } from '@containerops/core/testing';

/**
 * What a test job does, in this order: write a workspace file, read one, echo env variables as
 * `[COUT] NAME = value`, print stdout lines, print `line 1`..`line N`, print one long line, print
 * stderr lines, write `$CO_OUTPUT`, allocate memory until killed, sleep, exit.
 */
export interface JobBehaviour {
  readonly stdout?: readonly string[];
  readonly stderr?: readonly string[];
  /** Prints `line 1` .. `line N` on stdout. */
  readonly stdoutRepeat?: number;
  /** Then prints one long stdout line: `prefix` followed by `bytes` times `a`. */
  readonly longLine?: { readonly prefix: string; readonly bytes: number };
  /** Default 0. */
  readonly exitCode?: number;
  readonly sleepMs?: number;
  /** Exact contents of the `$CO_OUTPUT` file. */
  readonly outputFile?: string;
  /** A file (path relative to `$CO_WORKSPACE`) and its contents (no trailing newline added). */
  readonly writeFile?: readonly [path: string, content: string];
  /** Prints a workspace file on stdout; a missing file makes the job exit 1. */
  readonly readFile?: string;
  /** Ignores the graceful stop signal (SIGTERM); only the kill ends the job. */
  readonly ignoreTerm?: boolean;
  /** Names of env variables to print as `[COUT] NAME = value`. */
  readonly echoEnv?: readonly string[];
  /** Allocates memory until the backend kills the job (needs a memory limit). */
  readonly memoryHog?: boolean;
}

/** A job spec with only `id` and `runId` required; {@link behaviourJob} fills in the rest. */
export type JobSpecInput = Partial<JobSpec> & Pick<JobSpec, 'id' | 'runId'>;

const shellName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single-quotes a string for POSIX sh: nothing inside is expanded. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3).replace(/\.?0+$/, '') || '0';
}

/** The POSIX sh script that performs `behaviour` (run with `sh -c`). */
export function behaviourScript(behaviour: JobBehaviour): string {
  const lines: string[] = [];
  // Trap TERM explicitly: as PID 1 of a container, sh would otherwise ignore it.
  lines.push(behaviour.ignoreTerm ? "trap '' TERM" : "trap 'exit 143' TERM");
  if (behaviour.writeFile) {
    const [path, content] = behaviour.writeFile;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (dir) lines.push(`mkdir -p "$CO_WORKSPACE"/${shellQuote(dir)} || exit 1`);
    lines.push(
      `printf '%s' ${shellQuote(content)} > "$CO_WORKSPACE"/${shellQuote(path)} || exit 1`,
    );
  }
  if (behaviour.readFile !== undefined)
    lines.push(`cat "$CO_WORKSPACE"/${shellQuote(behaviour.readFile)} || exit 1`);
  for (const name of behaviour.echoEnv ?? []) {
    if (!shellName.test(name))
      throw new Error(`echoEnv: ${JSON.stringify(name)} is not a shell variable name`);
    lines.push(`printf '[COUT] %s = %s\\n' ${name} "\${${name}-}"`);
  }
  if (behaviour.stdout?.length)
    lines.push(`printf '%s\\n' ${behaviour.stdout.map(shellQuote).join(' ')}`);
  if (behaviour.stdoutRepeat) {
    lines.push(
      `i=1; while [ "$i" -le ${Math.floor(behaviour.stdoutRepeat)} ]; do echo "line $i"; i=$((i + 1)); done`,
    );
  }
  if (behaviour.longLine) {
    const { prefix, bytes } = behaviour.longLine;
    lines.push(
      `printf '%s' ${shellQuote(prefix)}; head -c ${Math.floor(bytes)} /dev/zero | tr '\\0' a; echo`,
    );
  }
  if (behaviour.stderr?.length)
    lines.push(`printf '%s\\n' ${behaviour.stderr.map(shellQuote).join(' ')} >&2`);
  if (behaviour.outputFile !== undefined)
    lines.push(`printf '%s' ${shellQuote(behaviour.outputFile)} > "$CO_OUTPUT"`);
  // Doubling a string touches memory fast, so the limit is hit within a second or two.
  if (behaviour.memoryHog) lines.push('x=xxxxxxxxxxxxxxxx; while :; do x="$x$x"; done');
  // Background + wait: `wait` returns at once when a trapped signal arrives, a foreground sleep would not.
  if (behaviour.sleepMs) lines.push(`sleep ${seconds(behaviour.sleepMs)} & wait $!`);
  lines.push(`exit ${behaviour.exitCode ?? 0}`);
  return lines.join('\n');
}

/** The `FAKE_*` env that makes the fake orchestrator perform `behaviour`. */
export function behaviourEnv(behaviour: JobBehaviour): Record<string, string> {
  const env: Record<string, string> = {};
  if (behaviour.stdout?.length) env[FakeEnv.stdout] = behaviour.stdout.join('\n');
  if (behaviour.stderr?.length) env[FakeEnv.stderr] = behaviour.stderr.join('\n');
  if (behaviour.stdoutRepeat) env[FakeEnv.stdoutRepeat] = String(behaviour.stdoutRepeat);
  if (behaviour.longLine)
    env[FakeEnv.stdoutLong] =
      `${Math.floor(behaviour.longLine.bytes)}:${behaviour.longLine.prefix}`;
  if (behaviour.exitCode !== undefined) env[FakeEnv.exitCode] = String(behaviour.exitCode);
  if (behaviour.sleepMs) env[FakeEnv.delayMs] = String(behaviour.sleepMs);
  if (behaviour.outputFile !== undefined) env[FakeEnv.outputFile] = behaviour.outputFile;
  if (behaviour.writeFile)
    env[FakeEnv.writeFile] = `${behaviour.writeFile[0]}=${behaviour.writeFile[1]}`;
  if (behaviour.readFile !== undefined) env[FakeEnv.readFile] = behaviour.readFile;
  if (behaviour.ignoreTerm) env[FakeEnv.ignoreTerm] = '1';
  if (behaviour.echoEnv?.length) env[FakeEnv.echoEnv] = behaviour.echoEnv.join(',');
  if (behaviour.memoryHog) env[FakeEnv.oom] = '1';
  return env;
}

/**
 * A complete {@link JobSpec} performing `behaviour` on any backend: `command` is
 * `['sh', '-c', script]` and `env` is `spec.env` plus the `FAKE_*` variables. `image` is kept
 * only when `spec` gives one (container backends). Missing fields get conformance defaults and the
 * standard {@link JobLabel} labels.
 */
export function behaviourJob(spec: JobSpecInput, behaviour: JobBehaviour): JobSpec {
  const workflow = spec.workflow ?? 'conformance/orchestrator/suite';
  const stage = spec.stage ?? 'test';
  const action = spec.action ?? 'conformance';
  const job = spec.job ?? 'job';
  const attempt = spec.attempt ?? 1;
  return {
    ...spec,
    workflow,
    stage,
    action,
    job,
    attempt,
    resources: spec.resources ?? {},
    labels: spec.labels ?? {
      [JobLabel.runId]: spec.runId,
      [JobLabel.workflow]: workflow.replace(/\//g, '.'),
      [JobLabel.stage]: stage,
      [JobLabel.action]: action,
      [JobLabel.job]: job,
      [JobLabel.attempt]: String(attempt),
      [JobLabel.jobId]: spec.id,
      [JobLabel.managed]: 'true',
    },
    command: ['sh', '-c', behaviourScript(behaviour)],
    env: { ...spec.env, ...behaviourEnv(behaviour) },
  };
}
