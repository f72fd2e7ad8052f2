import type Dockerode from 'dockerode';
import type { JobExit } from '@containerops/sdk';
import { isNotFound, toOrchestratorError } from './docker-errors.js';
import { readOutputFile } from './output/output-file.js';

/** The part of `State` of a container inspect that decides a job's outcome. */
export interface ContainerExitState {
  readonly ExitCode: number;
  readonly OOMKilled: boolean;
  readonly Error?: string;
  /** `created` (never started), `running`, `exited`, `removing`, `dead`... */
  readonly Status?: string;
}

/** Why a job whose container was removed by someone else has no trustworthy exit. */
export const REMOVED_OUTSIDE =
  'the container was removed outside ContainerOps (docker rm -f?) before its exit could be read';

/** Exit codes above 128 mean "killed by signal (code - 128)" in Docker, as in shells. */
const SIGNAL_BASE = 128;

/**
 * The {@link JobExit} of a finished container, in this order of precedence:
 * 1. never started (`created`: Docker's `wait` returns at once, with code 0, for such a
 *    container) -> `error`, with the runtime's start error when there is one: a job that did not
 *    run must never read as `exited` 0;
 * 2. `OOMKilled` -> `oom` (exit code null: the kernel killed it); Docker's flag decides, not the
 *    exit code: 137 without it is a SIGKILL from elsewhere and stays `exited` 137;
 * 3. stopped through `stop()` -> `killed` (exit code null when it died of the signal, the
 *    job's own code when it exited by itself on SIGTERM);
 * 4. being removed by someone else (`removing`, `dead`) -> `error` {@link REMOVED_OUTSIDE}: the
 *    137 it shows is the removal's kill, not the job's;
 * 5. `State.Error` set (the runtime failed it) -> `error`;
 * 6. otherwise `exited` with Docker's exit code.
 */
export function exitFromState(
  state: ContainerExitState,
  stoppedByUs: boolean,
  outputFile: string | undefined,
): JobExit {
  const output = outputFile === undefined ? {} : { outputFile };
  const code = state.ExitCode;
  if (state.Status === 'created') {
    const why = state.Error === undefined || state.Error === '' ? '' : `: ${state.Error}`;
    return { exitCode: null, reason: 'error', message: `the container was never started${why}` };
  }
  if (state.OOMKilled) {
    return {
      exitCode: null,
      reason: 'oom',
      message: 'the container was killed for using more memory than its limit (OOMKilled)',
      ...output,
    };
  }
  if (stoppedByUs) {
    const bySignal = code > SIGNAL_BASE;
    return {
      exitCode: bySignal ? null : code,
      reason: 'killed',
      message: bySignal
        ? `stopped by the orchestrator (signal ${code - SIGNAL_BASE})`
        : `stopped by the orchestrator (exited ${code})`,
      ...output,
    };
  }
  if (state.Status === 'removing' || state.Status === 'dead') {
    return { exitCode: null, reason: 'error', message: REMOVED_OUTSIDE };
  }
  if (state.Error !== undefined && state.Error !== '') {
    return { exitCode: null, reason: 'error', message: state.Error, ...output };
  }
  return { exitCode: code, reason: 'exited', ...output };
}

/**
 * Waits until the container is not running, calls `onStopped` (before the reads, so log
 * followers can finish meanwhile), then reads its state and `$CO_OUTPUT` concurrently.
 * A container that disappeared (removed by someone else) resolves as `killed` when we stopped
 * it, `error` {@link REMOVED_OUTSIDE} otherwise. Rejects with an OrchestratorError only when the
 * daemon fails.
 */
export async function waitForExit(
  container: Dockerode.Container,
  stoppedByUs: () => boolean,
  endpoint: string,
  onStopped: () => void = () => undefined,
): Promise<JobExit> {
  const gone = (): JobExit =>
    stoppedByUs()
      ? {
          exitCode: null,
          reason: 'killed',
          message: 'stopped by the orchestrator; the container is gone',
        }
      : { exitCode: null, reason: 'error', message: REMOVED_OUTSIDE };
  try {
    await container.wait({ condition: 'not-running' });
    onStopped();
    const [info, outputFile] = await Promise.all([container.inspect(), readOutputFile(container)]);
    return exitFromState(info.State, stoppedByUs(), outputFile);
  } catch (error) {
    if (isNotFound(error)) return gone();
    // A container removed while waited on (`docker rm -f`) can make Docker answer `wait` with a
    // bare 500 instead of 404: ask what became of it before calling it a daemon failure.
    const after = await container
      .inspect()
      .catch((inspectError: unknown) => (isNotFound(inspectError) ? 'gone' : undefined));
    if (after === 'gone' || after?.State.Status === 'removing' || after?.State.Dead === true)
      return gone();
    throw toOrchestratorError(error, `waiting for container ${container.id}`, endpoint);
  }
}
