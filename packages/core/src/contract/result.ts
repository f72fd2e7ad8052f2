/**
 * The result rule of the component contract (docs/design.md §3): a job succeeded iff it exited 0 and
 * did not print `CO_RESULT = false`. Unlike the original engine, both signals count.
 */
import type { NodeStatus } from '../engine/status.js';
import type { JobExit } from '../orchestrator/orchestrator.js';

export interface JobResultInput {
  /** How the process ended; undefined when it never started or `wait` failed. */
  readonly exit: JobExit | undefined;
  /** The `CO_RESULT` flag collected from the job's outputs. */
  readonly coResult?: boolean;
  /** Set when the outputs make the job fail (`OutputCollector.finish().error`). */
  readonly outputError?: string;
  /** The engine stopped the job because it ran over its timeout. */
  readonly timedOut: boolean;
  /** The engine stopped the job because the run (or its action) was cancelled. */
  readonly cancelled: boolean;
  /** Why the job could not start (orchestrator error, missing secret, pre hook...). */
  readonly startError?: string;
  /** The timeout that was exceeded, for the message. */
  readonly timeoutMs?: number;
  /** Why the run was cancelled, for the message. */
  readonly cancelReason?: string;
}

export interface JobResult {
  readonly status: NodeStatus;
  /** Why the job did not succeed, in words; absent on success. */
  readonly reason?: string;
}

/**
 * Decides a finished job attempt's status. First match wins:
 * cancelled → `cancelled`; timed out → `timed_out` (a cancel that the timeout raced is still a
 * cancel); start error → `failed`; no exit → `failed`; OOM → `failed` "killed: out of memory";
 * backend error → `failed` with its message; killed → `failed`; non-zero or missing exit code →
 * `failed` "exited with code N" (even if it printed `CO_RESULT = true`); output error → `failed`;
 * `CO_RESULT = false` → `failed` "printed CO_RESULT = false"; otherwise `succeeded`.
 *
 * Pure.
 */
export function decideJobResult(input: JobResultInput): JobResult {
  if (input.cancelled) {
    return { status: 'cancelled', reason: input.cancelReason ?? 'cancelled' };
  }
  if (input.timedOut) {
    const after = input.timeoutMs === undefined ? '' : ` after ${formatDuration(input.timeoutMs)}`;
    return { status: 'timed_out', reason: `timed out${after}` };
  }
  if (input.startError !== undefined) return { status: 'failed', reason: input.startError };
  const { exit } = input;
  if (exit === undefined) return { status: 'failed', reason: 'the job reported no exit status' };
  switch (exit.reason) {
    case 'oom':
      return { status: 'failed', reason: withDetail('killed: out of memory', exit.message) };
    case 'error':
      return { status: 'failed', reason: exit.message ?? 'the orchestrator failed the job' };
    case 'killed':
      return { status: 'failed', reason: withDetail('killed', exit.message) };
    case 'exited':
      break;
  }
  if (exit.exitCode !== 0) {
    return {
      status: 'failed',
      reason:
        exit.exitCode === null ? 'exited without an exit code' : describeExitCode(exit.exitCode),
    };
  }
  if (input.outputError !== undefined) return { status: 'failed', reason: input.outputError };
  if (input.coResult === false) return { status: 'failed', reason: 'printed CO_RESULT = false' };
  return { status: 'succeeded' };
}

const SIGNALS: Readonly<Record<number, string>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
};

/**
 * Shells report death by signal N as exit code 128 + N; say so, it is a common puzzle. No guess
 * at the cause: a memory kill that the backend saw is `JobExit.reason` `oom` (the backend's
 * own OOM flag), so a 137 here is a SIGKILL from elsewhere (a manual kill, the host).
 */
function describeExitCode(code: number): string {
  const signal = code > 128 ? SIGNALS[code - 128] : undefined;
  return signal === undefined
    ? `exited with code ${code}`
    : `exited with code ${code} (killed by ${signal})`;
}

function withDetail(text: string, detail: string | undefined): string {
  return detail === undefined || detail === '' ? text : `${text} (${detail})`;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
