/** Shared plumbing of the orchestrator conformance suite: ids, runs, running a job to its end. */
import type {
  JobExit,
  JobHandle,
  JobSpec,
  LogChunk,
  Orchestrator,
  RunContext,
} from '@containerops/core';
import { JobLabel } from '@containerops/core';
import { behaviourJob } from '../behaviour-job.js';
import type { JobBehaviour, JobSpecInput } from '../behaviour-job.js';

export interface OrchestratorConformanceOptions {
  /** Shown in the suite title (`orchestrator conformance: docker`). */
  readonly name: string;
  /** Builds the orchestrator under test; called once, when the suite is collected. */
  readonly create: () => Orchestrator | Promise<Orchestrator>;
  /** For container backends: an image with a POSIX `sh` (busybox is enough). Leave unset otherwise. */
  readonly image?: string;
  /** Multiplies every timing of the suite (sleeps, grace periods, test timeouts); default 1. */
  readonly scale?: number;
  /**
   * Leaves the backend as a `start(spec)` cut short by an engine crash leaves it at its worst
   * moment: the job's backend object exists (the run is prepared), the job has not run (docker:
   * the container created, not started). Set it for backends whose start has such a window; the
   * reattach case for it is skipped, with the reason, when it is unset (an atomic start).
   */
  readonly createUnstarted?: (spec: JobSpec) => Promise<void>;
}

/** Everything one job run produced. */
export interface JobOutcome {
  readonly handle: JobHandle;
  readonly exit: JobExit;
  readonly lines: readonly LogChunk[];
}

/** A live `logs()` follower that lets a test wait for a given line before acting. */
export interface LogFollower {
  readonly lines: readonly LogChunk[];
  /** Resolves true when a line with `text` arrives, false when the logs end without it. */
  seen(text: string): Promise<boolean>;
  /** Resolves with every line once `logs()` has ended. */
  readonly done: Promise<readonly LogChunk[]>;
}

// Unique per process so that ids of concurrent or leftover runs (containers, dirs) never collide.
const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;

export class ConformanceHarness {
  readonly scale: number;

  constructor(
    readonly orchestrator: Orchestrator,
    readonly options: OrchestratorConformanceOptions,
  ) {
    this.scale = options.scale ?? 1;
  }

  /** `ms` scaled by the suite's timing multiplier. */
  ms(ms: number): number {
    return Math.round(ms * this.scale);
  }

  newRun(): RunContext {
    const runId = `conf-${session}-r${++counter}`;
    return {
      runId,
      workflow: 'conformance/orchestrator/suite',
      labels: { [JobLabel.runId]: runId, [JobLabel.managed]: 'true' },
    };
  }

  /** A job of `run` performing `behaviour`, with the suite's image when one is configured. */
  job(run: RunContext, behaviour: JobBehaviour, overrides: Partial<JobSpecInput> = {}): JobSpec {
    const spec: JobSpecInput = {
      id: `co-${session}-j${++counter}`,
      runId: run.runId,
      workflow: run.workflow,
      ...(this.options.image === undefined ? {} : { image: this.options.image }),
      ...overrides,
    };
    return behaviourJob(spec, behaviour);
  }

  /** Starts following `handle`'s logs at once. */
  follow(handle: JobHandle): LogFollower {
    const lines: LogChunk[] = [];
    const watchers: { text: string; resolve: (seen: boolean) => void }[] = [];
    const done = (async () => {
      try {
        for await (const line of this.orchestrator.logs(handle)) {
          lines.push(line);
          for (let i = watchers.length - 1; i >= 0; i--) {
            const watcher = watchers[i];
            if (watcher && watcher.text === line.text) {
              watchers.splice(i, 1);
              watcher.resolve(true);
            }
          }
        }
      } finally {
        for (const watcher of watchers.splice(0)) watcher.resolve(false);
      }
      return lines;
    })();
    return {
      lines,
      done,
      seen: (text) =>
        lines.some((line) => line.text === text)
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              watchers.push({ text, resolve });
              // `done` may already have settled, leaving this watcher without a wake-up.
              void done.then(
                () => resolve(lines.some((line) => line.text === text)),
                () => resolve(false),
              );
            }),
    };
  }

  /** Starts `spec`, follows its logs and waits for its exit, then removes it. */
  async run(spec: JobSpec): Promise<JobOutcome> {
    const handle = await this.orchestrator.start(spec);
    try {
      const follower = this.follow(handle);
      const [lines, exit] = await Promise.all([follower.done, this.orchestrator.wait(handle)]);
      return { handle, exit, lines };
    } finally {
      await this.orchestrator.remove(handle);
    }
  }

  /** Prepares a fresh run, hands it to `body`, and always cleans it up. */
  async withRun<T>(body: (run: RunContext) => Promise<T>): Promise<T> {
    const run = this.newRun();
    await this.orchestrator.prepare(run);
    try {
      return await body(run);
    } finally {
      await this.orchestrator.cleanup(run, { keepWorkspace: false });
    }
  }
}

/** Texts of the lines of one stream, in order. */
export function textsOf(lines: readonly LogChunk[], stream: 'stdout' | 'stderr'): string[] {
  return lines.filter((line) => line.stream === stream).map((line) => line.text);
}
