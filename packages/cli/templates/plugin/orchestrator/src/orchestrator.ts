/**
 * The __NAME__ orchestrator: a starting point that runs each job's `command` as a child process
 * group in a per-run workspace directory, and passes the orchestrator conformance suite as it
 * is. Replace the process calls with your backend's (containers, VMs, a remote API), keep the
 * contract (see `Orchestrator` in @containerops/sdk: its TSDoc is the spec), and declare in
 * `capabilities` what your backend can do: the suite skips, with the reason, what it cannot.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, OrchestratorError, workspaceOwner } from '@containerops/sdk';
import type {
  Availability,
  CleanupOptions,
  JobExit,
  JobHandle,
  JobSpec,
  LogChunk,
  LogStream,
  Orchestrator,
  OrchestratorCapabilities,
  PluginLogger,
  RunContext,
  StopOptions,
} from '@containerops/sdk';

/** Longest piece of a line delivered at once; longer lines come in `partial` pieces. */
const MAX_LINE = 1024 * 1024;

export interface __CLASS__Options {
  /** Where run workspaces live (one directory per run). */
  readonly rootDir: string;
  readonly logger: PluginLogger;
}

interface Job {
  readonly child: ChildProcess;
  readonly outputPath: string;
  readonly chunks: LogChunk[];
  readonly wake: Set<() => void>;
  open: number;
  stopped: boolean;
  readonly exit: Promise<JobExit>;
}

export class __CLASS__Orchestrator implements Orchestrator {
  readonly name = '__NAME__';
  readonly capabilities: OrchestratorCapabilities = {
    images: false,
    memoryLimit: false,
    cpuLimit: false,
    isolation: false,
    reattach: false,
    network: true,
  };
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: __CLASS__Options) {}

  isAvailable(): Promise<Availability> {
    return Promise.resolve({ available: true });
  }

  prepare(run: RunContext): Promise<void> {
    mkdirSync(this.workspace(workspaceOwner(run)), { recursive: true });
    return Promise.resolve();
  }

  start(spec: JobSpec): Promise<JobHandle> {
    if (spec.command === undefined || spec.command.length === 0) {
      if (spec.image !== undefined)
        return Promise.reject(OrchestratorError.imageNotSupported(this.name, spec.image));
      return Promise.reject(
        new OrchestratorError(ErrorCode.orchestratorUnavailable, 'the job has no command', 'user'),
      );
    }
    const workspace = this.workspace(workspaceOwner(spec));
    mkdirSync(workspace, { recursive: true });
    const outputPath = join(this.options.rootDir, `${spec.id}.output`);
    rmSync(outputPath, { force: true });
    const env: Record<string, string> = {
      ...spec.env,
      CO_WORKSPACE: workspace,
      CO_OUTPUT: outputPath,
    };
    for (const name of ['PATH', 'HOME']) {
      const value = process.env[name];
      if (env[name] === undefined && value !== undefined) env[name] = value;
    }
    const [file, ...args] = spec.command;
    // Its own process group, so stop() reaches every process the job started.
    const child = spawn(file as string, args, {
      cwd: workspace,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const job: Job = {
      child,
      outputPath,
      chunks: [],
      wake: new Set(),
      open: 2,
      stopped: false,
      exit: new Promise<JobExit>((resolve) => {
        child.on('error', (error) =>
          resolve({ exitCode: null, reason: 'error', message: error.message }),
        );
        // A stopped job's shell may exit on SIGTERM while a child it was just forking missed the
        // signal and still holds the output pipes: kill what is left of the group.
        child.on('exit', () => {
          if (job.stopped) signal(child, 'SIGKILL');
        });
        child.on('close', (code) => {
          const outputFile = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : undefined;
          const ended = job.stopped
            ? { exitCode: code, reason: 'killed' as const }
            : { exitCode: code, reason: code === null ? ('error' as const) : ('exited' as const) };
          resolve({ ...ended, ...(outputFile === undefined ? {} : { outputFile }) });
        });
      }),
    };
    this.collect(job, 'stdout');
    this.collect(job, 'stderr');
    this.jobs.set(spec.id, job);
    const handle: JobHandle = {
      id: spec.id,
      runId: spec.runId,
      backendId: String(child.pid ?? spec.id),
      labels: spec.labels,
    };
    return Promise.resolve(handle);
  }

  async *logs(handle: JobHandle): AsyncIterable<LogChunk> {
    const job = this.jobs.get(handle.id);
    if (job === undefined) return;
    let next = 0;
    for (;;) {
      while (next < job.chunks.length) yield job.chunks[next++] as LogChunk;
      if (job.open === 0) return;
      await new Promise<void>((resolve) => job.wake.add(resolve));
    }
  }

  wait(handle: JobHandle): Promise<JobExit> {
    const job = this.jobs.get(handle.id);
    return job === undefined
      ? Promise.resolve({ exitCode: null, reason: 'error', message: 'unknown job' })
      : job.exit;
  }

  async stop(handle: JobHandle, options: StopOptions): Promise<void> {
    const job = this.jobs.get(handle.id);
    if (job === undefined || job.child.exitCode !== null || job.child.signalCode !== null) return;
    job.stopped = true;
    signal(job.child, 'SIGTERM');
    const timer = setTimeout(() => signal(job.child, 'SIGKILL'), options.graceMs);
    await job.exit;
    clearTimeout(timer);
  }

  remove(handle: JobHandle): Promise<void> {
    const job = this.jobs.get(handle.id);
    if (job !== undefined) rmSync(job.outputPath, { force: true });
    this.jobs.delete(handle.id);
    return Promise.resolve();
  }

  cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    if (!options.keepWorkspace)
      rmSync(join(this.options.rootDir, workspaceOwner(run)), { recursive: true, force: true });
    return Promise.resolve();
  }

  /** This backend keeps nothing across engine restarts (`capabilities.reattach` is false). */
  reattach(): Promise<JobHandle[]> {
    return Promise.resolve([]);
  }

  private workspace(runId: string): string {
    return join(this.options.rootDir, runId, 'workspace');
  }

  /** Splits a stream into lines (pieces of at most MAX_LINE, marked partial) as they arrive. */
  private collect(job: Job, stream: LogStream): void {
    const source = stream === 'stdout' ? job.child.stdout : job.child.stderr;
    let pending = '';
    const push = (text: string, partial: boolean): void => {
      job.chunks.push({ stream, text, time: Date.now(), ...(partial ? { partial: true } : {}) });
    };
    const wake = (): void => {
      for (const resolve of job.wake) resolve();
      job.wake.clear();
    };
    source?.setEncoding('utf8');
    source?.on('data', (data: string) => {
      pending += data;
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        push(pending.slice(0, newline).replace(/\r$/, ''), false);
        pending = pending.slice(newline + 1);
      }
      while (pending.length > MAX_LINE) {
        push(pending.slice(0, MAX_LINE), true);
        pending = pending.slice(MAX_LINE);
      }
      wake();
    });
    source?.on('close', () => {
      if (pending !== '') push(pending, false);
      job.open -= 1;
      wake();
    });
  }
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, name);
  } catch {
    // Already gone: nothing to stop.
  }
}
