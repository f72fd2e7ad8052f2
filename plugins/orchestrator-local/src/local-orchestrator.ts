/**
 * The `local` orchestrator: runs each job's `command` as a child process on this machine. No
 * images, no isolation, no resource limits: the embedded default where no container engine
 * exists, and the fastest backend for development.
 *
 * Layout under `rootDir` (default `os.tmpdir()/containerops-local`):
 * ```
 * runs/<runId>/workspace/       the run's workspace: cwd and $CO_WORKSPACE of every job
 * runs/<runId>/output-<jobId>   $CO_OUTPUT of one attempt (outside the workspace, so jobs
 *                               cannot read each other's output files by accident)
 * pool/<name>/workspace/        empty run directories ready for the next runs
 * ```
 * A run's directory is moved in from `pool/` and, when its jobs left nothing behind, moved back
 * (see `WorkspacePool`: creating and removing directories per run was the largest cost of a
 * short run on this project's machines).
 */
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, OrchestratorError, workspaceOwner } from '@containerops/sdk';
import type {
  Availability,
  CleanupOptions,
  JobExit,
  JobHandle,
  JobSpec,
  LogBatch,
  LogChunk,
  LogOptions,
  Orchestrator,
  OrchestratorCapabilities,
  ReattachSelector,
  RunContext,
  StopOptions,
} from '@containerops/sdk';
import { InProcessLauncher } from './in-process-launcher.js';
import { LocalJob } from './local-job.js';
import { WorkspacePool } from './workspace-pool.js';
import type { ProcessLauncher } from './process-launcher.js';
import { SpawnerLauncher } from './spawner/spawner-launcher.js';

/**
 * Which process spawns the jobs: `helper` (default), a small spawner process started with the
 * first job, so the host process is never forked (see `SpawnerLauncher`); or `in-process`, the
 * host spawns them itself (lowest latency for a small, short-lived host).
 */
export type LocalSpawnMode = 'helper' | 'in-process';

export interface LocalOrchestratorOptions {
  /** Where workspaces and output files live; default `os.tmpdir()/containerops-local`. */
  readonly rootDir?: string;
  /** Default `helper`; see {@link LocalSpawnMode}. */
  readonly spawn?: LocalSpawnMode;
}

/** What every job of one run shares: its directories (see the module comment) and inherited env. */
interface RunDirs {
  readonly workspace: string;
  /** The run's directory, which holds the workspace and the output files. */
  readonly run: string;
  /** `PATH` and `HOME` of the engine process, read once per run (not per job). */
  readonly inherited: Readonly<Record<string, string>>;
}

/** Run and job ids become directory names; anything unusual is replaced, never interpreted. */
function safeSegment(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}

/**
 * See the module comment. Lifecycle per the `Orchestrator` contract, plus:
 * - `start` spawns `command` with `detached: true` (the job leads its own process group), cwd = the
 *   run's workspace, and exactly the job's env plus `CO_WORKSPACE` and `CO_OUTPUT`; `PATH` and
 *   `HOME` are inherited from the engine (as they were when the run was prepared) only when the
 *   job's env lacks them (so `sh` is found).
 *   A job with an `image` and no `command` throws `IMAGE_NOT_SUPPORTED`; with both, the image is
 *   ignored and the command runs.
 * - Jobs are spawned by a small helper process unless `spawn: 'in-process'` (see
 *   {@link LocalSpawnMode}); if the helper dies, its running jobs are killed and exit with reason
 *   `error`, and the next job starts a new helper.
 * - When the job's main process exits, the rest of its process group is killed, as a container
 *   would be: background processes do not outlive the job.
 * - `stop` sends SIGTERM to the whole group, SIGKILL after `graceMs`, and resolves once the job
 *   has exited. A stopped job exits `{ reason: 'killed', exitCode: null }` when a signal ended it
 *   (or its own code if it trapped the signal and exited). A process killed by a signal nobody
 *   asked for reports 128 + the signal number, as shells do.
 * - `logs` (or `logBatches`, the same lines in the batches read from the pipe) can be followed once
 *   per job: each line goes to one reader (see `LogQueue`).
 * - `reattach` always returns `[]`: child processes are tied to the engine process and die with
 *   it (it, or the helper when the engine's process is gone, kills their groups), so there is never
 *   anything to re-attach after a restart.
 */
export class LocalOrchestrator implements Orchestrator {
  readonly name = 'local';
  readonly capabilities: OrchestratorCapabilities = {
    images: false,
    memoryLimit: false,
    cpuLimit: false,
    isolation: false,
    reattach: false,
    network: true,
  };
  readonly rootDir: string;
  readonly spawnMode: LocalSpawnMode;

  private readonly launcher: ProcessLauncher;
  private readonly pool: WorkspacePool;
  private readonly jobs = new Map<string, LocalJob>();
  /**
   * Directories of the runs this instance created them for (others get them on first start),
   * by workspace owner: computed once per run, not on every job start.
   */
  private readonly prepared = new Map<string, RunDirs>();

  constructor(options: LocalOrchestratorOptions = {}) {
    this.rootDir = options.rootDir ?? join(tmpdir(), 'containerops-local');
    this.spawnMode = options.spawn ?? 'helper';
    this.pool = new WorkspacePool(join(this.rootDir, 'pool'));
    this.launcher =
      this.spawnMode === 'helper' ? SpawnerLauncher.shared() : new InProcessLauncher();
  }

  async isAvailable(): Promise<Availability> {
    // Hosts ask this when they choose the orchestrator, well before the first job: the spawner
    // helper boots meanwhile rather than on that job's path.
    if (this.launcher instanceof SpawnerLauncher) this.launcher.warmUp();
    try {
      await mkdir(this.rootDir, { recursive: true });
      return { available: true };
    } catch (error) {
      return {
        available: false,
        reason: `cannot create ${this.rootDir}: ${(error as Error).message}`,
      };
    }
  }

  /** The workspace directory of a run (exists between `prepare` and `cleanup`). */
  workspaceDir(runId: string): string {
    return join(this.runDir(runId), 'workspace');
  }

  async prepare(run: RunContext): Promise<void> {
    await this.ensureRunDirs(workspaceOwner(run));
  }

  async start(job: JobSpec): Promise<JobHandle> {
    const command = job.command;
    if (command === undefined || command.length === 0) {
      if (job.image !== undefined) throw OrchestratorError.imageNotSupported(this.name, job.image);
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `job ${job.id} has no command to run`,
        'user',
      );
    }
    if (this.jobs.has(job.id)) {
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `job ${job.id} was already started`,
        'unexpected',
      );
    }
    const owner = workspaceOwner(job);
    const dirs = this.prepared.get(owner) ?? (await this.ensureRunDirs(owner));
    const cwd = dirs.workspace;
    const outputPath = join(dirs.run, `output-${safeSegment(job.id)}`);
    // Object.assign, not `{ ...job.env, ... }`: V8 makes objects built by a spread and then
    // extended several times slower to create, and this runs for every job.
    const env: Record<string, string> = Object.assign({}, job.env);
    env['CO_WORKSPACE'] = cwd;
    env['CO_OUTPUT'] = outputPath;
    for (const [name, value] of Object.entries(dirs.inherited)) env[name] ??= value;
    const started = await LocalJob.start(
      { jobId: job.id, command, cwd, env, outputPath },
      this.launcher,
    );
    this.jobs.set(job.id, started);
    return { id: job.id, runId: job.runId, backendId: String(started.pid), labels: job.labels };
  }

  logs(handle: JobHandle, options?: LogOptions): AsyncIterable<LogChunk> {
    return this.get(handle).queue.read(options);
  }

  /** The same lines as {@link logs}, as read from the pipe (see `LogQueue`). */
  logBatches(handle: JobHandle, options?: LogOptions): AsyncIterable<LogBatch> {
    return this.get(handle).queue.readBatches(options);
  }

  wait(handle: JobHandle): Promise<JobExit> {
    try {
      return this.get(handle).exit;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async stop(handle: JobHandle, options: StopOptions): Promise<void> {
    await this.jobs.get(handle.id)?.stop(options.graceMs);
  }

  async remove(handle: JobHandle): Promise<void> {
    const job = this.jobs.get(handle.id);
    if (!job) return;
    if (job.running) await job.stop(0);
    this.jobs.delete(handle.id);
    // The group was killed on exit, so nothing writes $CO_OUTPUT afterwards; a file that did not
    // exist then needs no (thread-pool, exception-raising) rm on every job's critical path.
    // `cleanup` without keepWorkspace removes the whole run directory anyway.
    if (job.wroteOutput) await rm(job.launch.outputPath, { force: true });
  }

  async cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    const owner = workspaceOwner(run);
    this.prepared.delete(owner);
    // Keeping the workspace keeps the run directory as it is: `remove` already deleted the output
    // files of every job it removed, and an attempt never removed (a crash) left one nobody reads.
    if (options.keepWorkspace) return;
    const dir = this.runDir(owner);
    // Usually both directories are empty by now (many jobs leave nothing in the workspace): then
    // they go back to the pool for the next run. Otherwise a recursive rm.
    if (!(await this.pool.give(dir))) await rm(dir, { recursive: true, force: true });
  }

  async reattach(_selector: ReattachSelector): Promise<JobHandle[]> {
    return [];
  }

  private runDir(runId: string): string {
    return join(this.rootDir, 'runs', safeSegment(runId));
  }

  private async ensureRunDirs(runId: string): Promise<RunDirs> {
    const dir = this.runDir(runId);
    const inherited: Record<string, string> = {};
    for (const name of ['PATH', 'HOME']) {
      const value = process.env[name];
      if (value !== undefined) inherited[name] = value;
    }
    const dirs: RunDirs = { workspace: join(dir, 'workspace'), run: dir, inherited };
    if (!(await this.pool.take(dir))) await mkdir(dirs.workspace, { recursive: true });
    this.prepared.set(runId, dirs);
    return dirs;
  }

  private get(handle: JobHandle): LocalJob {
    const job = this.jobs.get(handle.id);
    if (!job) {
      throw new OrchestratorError(
        ErrorCode.jobNotFound,
        `local orchestrator knows no job ${handle.id}`,
        'unexpected',
      );
    }
    return job;
  }
}

/** Creates a `local` orchestrator; see {@link LocalOrchestrator}. */
export function createLocalOrchestrator(options: LocalOrchestratorOptions = {}): Orchestrator {
  return new LocalOrchestrator(options);
}
