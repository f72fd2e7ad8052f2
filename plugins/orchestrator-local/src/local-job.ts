/**
 * One job attempt run as a child process leading its own process group, so that stop() reaches
 * everything the job started (`sh -c` and its children).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { ErrorCode, OrchestratorError } from '@containerops/sdk';
import type { JobExit, LogStream } from '@containerops/sdk';
import { LineSplitter } from './line-splitter.js';
import { LogQueue } from './log-queue.js';

export interface LocalJobLaunch {
  readonly jobId: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly outputPath: string;
}

// Process groups still running; killed if the engine process exits, since detached children
// would otherwise outlive it.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Node's non-throwing kill (`process.kill` wraps it): returns 0 or a negative errno. At most jobs'
 * exit the group is already gone, and `process.kill` reports that (ESRCH) by throwing: measured at
 * ~10x the cost of the signal itself, on every job's critical path. Undocumented, hence the
 * fallback to `process.kill`.
 */
const rawKill: unknown = Reflect.get(process, '_kill');

/**
 * Sends signal number `signal` (0: only probe) to every process of group `pid`. Returns whether
 * the group had any process left (zombies count); ESRCH, no process, is no error here.
 */
function signalGroup(pid: number, signal: number): boolean {
  if (typeof rawKill === 'function') return Reflect.apply(rawKill, process, [-pid, signal]) === 0;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** `signal` to the whole group; returns whether it reached any process. */
function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  return signalGroup(pid, constants.signals[signal]);
}

/** How long a job's exit waits at most for what it left behind to die after SIGKILL. */
const LEFTOVERS_GONE_MS = 200;

/**
 * Resolves once group `pid` is empty, or after {@link LEFTOVERS_GONE_MS}: SIGKILLed processes take
 * a moment to die and be reaped, and a job has not ended while they still run.
 */
async function leftoversGone(pid: number): Promise<void> {
  const deadline = Date.now() + LEFTOVERS_GONE_MS;
  while (signalGroup(pid, 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

export class LocalJob {
  readonly queue: LogQueue;
  /** Resolves with the exit once the process has exited and `$CO_OUTPUT` was read. */
  readonly exit: Promise<JobExit>;
  running = true;
  /**
   * Whether `$CO_OUTPUT` existed when the job exited (set synchronously on exit, before anyone
   * awaiting the exit runs): `remove` deletes the file only then.
   */
  wroteOutput = false;

  private readonly exited: Promise<void>;
  private stopRequested = false;
  private killTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    readonly launch: LocalJobLaunch,
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    this.queue = new LogQueue({
      pause: () => {
        child.stdout?.pause();
        child.stderr?.pause();
      },
      resume: () => {
        child.stdout?.resume();
        child.stderr?.resume();
      },
    });
    let open = 0;
    const follow = (stream: LogStream): void => {
      const source = stream === 'stdout' ? child.stdout : child.stderr;
      if (!source) return;
      open++;
      const splitter = new LineSplitter();
      source.on('data', (chunk: Buffer) =>
        this.queue.push(stream, splitter.push(chunk), Date.now()),
      );
      source.on('error', () => undefined); // the 'close' that follows ends the stream
      source.once('close', () => {
        this.queue.push(stream, splitter.end(), Date.now());
        if (--open === 0) this.queue.close();
      });
    };
    follow('stdout');
    follow('stderr');
    if (open === 0) this.queue.close();

    let onExited: () => void = () => undefined;
    this.exited = new Promise<void>((resolve) => {
      onExited = resolve;
    });
    this.exit = new Promise<JobExit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.running = false;
        liveGroups.delete(pid);
        if (this.killTimer) clearTimeout(this.killTimer);
        // Like a container whose main process ended: whatever the job left behind goes too, which
        // also closes pipes a background process would otherwise hold open. Usually nothing is
        // left (the signal finds no process) and the exit is known at once.
        const leftovers = killGroup(pid, 'SIGKILL');
        // Before onExited: `remove` (which awaits `exited` via stop) relies on `wroteOutput`.
        const exit = this.readExit(code, signal);
        onExited();
        resolve(leftovers ? leftoversGone(pid).then(() => exit) : exit);
      });
    });
  }

  /**
   * Spawns the process; rejects with OrchestratorError JOB_START_FAILED if it cannot be started.
   * Returns the job at once when the spawn succeeded: Node sets `child.pid` synchronously exactly
   * then (a run-time failure such as ENOENT leaves it unset and emits `error` on the next tick), so
   * waiting for the `spawn` event would only add turns between the fork and the caller.
   */
  static start(launch: LocalJobLaunch): LocalJob | Promise<LocalJob> {
    const [file, ...args] = launch.command as [string, ...string[]];
    const child = spawn(file, args, {
      cwd: launch.cwd,
      env: launch.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) return LocalJob.started(launch, child, child.pid);
    return new Promise<never>((_resolve, reject) => {
      child.once('error', (error) => reject(LocalJob.startError(launch, file, error)));
    });
  }

  private static startError(launch: LocalJobLaunch, file: string, error: Error): OrchestratorError {
    const err = error as NodeJS.ErrnoException;
    const notFound = err.code === 'ENOENT';
    return new OrchestratorError(
      ErrorCode.jobStartFailed,
      notFound
        ? `cannot run "${file}": no such command (is it installed and on the job's PATH?)`
        : `cannot run "${file}": ${err.message}`,
      notFound ? 'user' : 'operational',
      { cause: error, details: { jobId: launch.jobId } },
    );
  }

  private static started(launch: LocalJobLaunch, child: ChildProcess, pid: number): LocalJob {
    child.on('error', () => undefined); // later errors (a failed kill) surface as the exit
    liveGroups.add(pid);
    installExitHook();
    return new LocalJob(launch, child, pid);
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

  private readExit(code: number | null, signal: NodeJS.Signals | null): JobExit | Promise<JobExit> {
    // Most jobs write no $CO_OUTPUT. A synchronous existence check (one stat, no exception) keeps
    // the usual exit free of a thread-pool round trip and of a thrown ENOENT between one job's exit
    // and the next job's start; only an existing file is read, asynchronously.
    this.wroteOutput = existsSync(this.launch.outputPath);
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
