/**
 * One job attempt: a process leading its own process group (so that stop() reaches everything
 * the job started: `sh -c` and its children), started by a {@link ProcessLauncher}.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { ErrorCode, OrchestratorError } from '@containerops/sdk';
import type { JobExit } from '@containerops/sdk';
import { LogQueue } from './log-queue.js';
import { killGroup, leftoversGone, trackGroup, untrackGroup } from './process-group.js';
import type { LaunchedProcess, LaunchError, ProcessLauncher } from './process-launcher.js';

export interface LocalJobLaunch {
  readonly jobId: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly outputPath: string;
}

export class LocalJob {
  /** Resolves with the exit once the process has exited and `$CO_OUTPUT` was read. */
  readonly exit: Promise<JobExit>;
  running = true;
  /**
   * Whether `$CO_OUTPUT` existed when the job exited (set synchronously on exit, before anyone
   * awaiting the exit runs): `remove` deletes the file only then.
   */
  wroteOutput = false;
  /** Set once the launcher has the process; see {@link LocalJob.start}. */
  pid = 0;

  private readonly exited: Promise<void>;
  private onExit: (exit: JobExit | Promise<JobExit>) => void = () => undefined;
  private onExited: () => void = () => undefined;
  private stopRequested = false;
  private killTimer: ReturnType<typeof setTimeout> | undefined;
  private process: LaunchedProcess | undefined;

  private constructor(
    readonly launch: LocalJobLaunch,
    readonly queue: LogQueue,
  ) {
    this.exited = new Promise<void>((resolve) => {
      this.onExited = resolve;
    });
    this.exit = new Promise<JobExit>((resolve) => {
      this.onExit = resolve;
    });
  }

  /**
   * Launches the process; rejects with OrchestratorError JOB_START_FAILED if it cannot be started.
   * Returns without waiting for anything else once the launcher has a pid.
   */
  static start(launch: LocalJobLaunch, launcher: ProcessLauncher): LocalJob | Promise<LocalJob> {
    const [file, ...args] = launch.command as [string, ...string[]];
    const queue = new LogQueue({
      pause: () => created.process?.pause(),
      resume: () => created.process?.resume(),
    });
    const created: LocalJob = new LocalJob(launch, queue);
    let open = 2;
    const launched = (() => {
      try {
        return launcher.launch(
          { file, args, cwd: launch.cwd, env: launch.env },
          {
            lines: (stream, lines, time, partial) => queue.push(stream, lines, time, partial),
            closed: () => {
              if (--open === 0) queue.close();
            },
            exited: (pid, code, signal, lost) => created.processExited(pid, code, signal, lost),
          },
        );
      } catch (error) {
        return Promise.reject(error as Error);
      }
    })();
    if (!(launched instanceof Promise)) return created.attach(launched);
    return launched.then(
      (process) => created.attach(process),
      (error: LaunchError) => {
        throw LocalJob.startError(launch, file, error);
      },
    );
  }

  private static startError(
    launch: LocalJobLaunch,
    file: string,
    error: LaunchError,
  ): OrchestratorError {
    const notFound = error.code === 'ENOENT';
    return new OrchestratorError(
      ErrorCode.jobStartFailed,
      notFound
        ? `cannot run "${file}": no such command (is it installed and on the job's PATH?)`
        : `cannot run "${file}": ${error.message}`,
      notFound ? 'user' : 'operational',
      { cause: error, details: { jobId: launch.jobId } },
    );
  }

  private attach(process: LaunchedProcess): this {
    this.process = process;
    this.pid = process.pid;
    // The exit may already be known (a launcher reporting it before `launch` resolved).
    if (this.running) trackGroup(process.pid);
    return this;
  }

  private processExited(
    pid: number,
    code: number | null,
    signal: NodeJS.Signals | null,
    lost?: string,
  ): void {
    this.running = false;
    this.pid = pid;
    if (this.killTimer) clearTimeout(this.killTimer);
    untrackGroup(pid);
    if (pid <= 0) {
      // Never true for a real process; a signal to group 0 would reach our own group.
      this.onExited();
      this.onExit(this.readExit(code, signal, lost));
      return;
    }
    // Like a container whose main process ended: whatever the job left behind goes too, which
    // also closes pipes a background process would otherwise hold open. Usually nothing is
    // left (the signal finds no process) and the exit is known at once.
    const leftovers = killGroup(pid, 'SIGKILL');
    // Before onExited: `remove` (which awaits `exited` via stop) relies on `wroteOutput`.
    const exit = this.readExit(code, signal, lost);
    this.onExited();
    this.onExit(leftovers ? leftoversGone(pid).then(() => exit) : exit);
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`. Resolves once the process has exited. Idempotent. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    if (!this.stopRequested) {
      this.stopRequested = true;
      killGroup(this.pid, 'SIGTERM');
      this.killTimer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), Math.max(0, graceMs));
    }
    await this.exited;
  }

  private readExit(
    code: number | null,
    signal: NodeJS.Signals | null,
    lost: string | undefined,
  ): JobExit | Promise<JobExit> {
    // Most jobs write no $CO_OUTPUT. A synchronous existence check (one stat, no exception) keeps
    // the usual exit free of a thread-pool round trip and of a thrown ENOENT between one job's exit
    // and the next job's start; only an existing file is read, asynchronously.
    this.wroteOutput = existsSync(this.launch.outputPath);
    if (lost !== undefined) return { exitCode: null, reason: 'error', message: lost };
    if (!this.wroteOutput) return this.describeExit(code, signal, undefined);
    return readFile(this.launch.outputPath, 'utf8').then(
      (outputFile) => this.describeExit(code, signal, outputFile),
      // Gone or unreadable after all: the job reported no outputs that way.
      () => this.describeExit(code, signal, undefined),
    );
  }

  private describeExit(
    code: number | null,
    signal: NodeJS.Signals | null,
    outputFile: string | undefined,
  ): JobExit {
    const withFile = outputFile === undefined ? {} : { outputFile };
    if (this.stopRequested) {
      return {
        exitCode: code,
        reason: 'killed',
        message: signal ? `stopped (${signal})` : 'stopped',
        ...withFile,
      };
    }
    if (signal) {
      // Not our doing (OOM killer, a kill from outside): report it the way shells do, 128 + signal.
      const exitCode = 128 + (constants.signals[signal] ?? 0);
      return { exitCode, reason: 'exited', message: `terminated by ${signal}`, ...withFile };
    }
    return { exitCode: code, reason: 'exited', ...withFile };
  }
}
