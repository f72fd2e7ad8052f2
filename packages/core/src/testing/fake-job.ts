/**
 * One simulated job attempt of the fake orchestrator: emits its lines asynchronously in batches,
 * "runs" for its delay, then exits; or ends early when stopped.
 */
import type {
  JobExit,
  JobHandle,
  JobSpec,
  LogChunk,
  LogStream,
} from '../orchestrator/orchestrator.js';
import type { FakeScript } from './fake-protocol.js';

/** Lines emitted per turn of the event loop: large outputs interleave with other work. */
const batchSize = 2048;

/** A run of lines on one stream: explicit lines, or `line 1`..`line N`. */
type Segment =
  | { readonly stream: LogStream; readonly lines: readonly string[] }
  | { readonly stream: LogStream; readonly repeat: number };

export class FakeJob {
  /** Every line emitted so far; kept so late or repeated `logs()` calls see all of them. */
  readonly lines: LogChunk[] = [];
  /** True once no more lines will be emitted. */
  outputDone = false;
  running = true;
  readonly exit: Promise<JobExit>;

  private resolveExit: (exit: JobExit) => void = () => undefined;
  private change: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly segments: Segment[] = [];
  private segment = 0;
  private offset = 0;
  private finalExit: JobExit;
  private delayTimer: ReturnType<typeof setTimeout> | undefined;
  private killTimer: ReturnType<typeof setTimeout> | undefined;
  private stopRequested = false;

  constructor(
    readonly spec: JobSpec,
    readonly handle: JobHandle,
    private readonly script: FakeScript,
    workspace: Map<string, string>,
  ) {
    this.exit = new Promise<JobExit>((resolve) => {
      this.resolveExit = resolve;
    });
    let exitCode = script.exitCode;
    if (script.writeFile) workspace.set(script.writeFile[0], script.writeFile[1]);
    if (script.readFile !== undefined) {
      const content = workspace.get(script.readFile);
      if (content === undefined) {
        this.segments.push({
          stream: 'stderr',
          lines: [`cat: ${script.readFile}: No such file or directory`],
        });
        exitCode = 1;
      } else {
        this.segments.push({ stream: 'stdout', lines: content.split('\n') });
      }
    }
    if (script.echoEnv.length > 0) {
      // The paths a real orchestrator would add, so echo tests see them set as with real backends.
      const env: Readonly<Record<string, string>> = {
        CO_WORKSPACE: `/fake/workspace/${spec.runId}`,
        CO_OUTPUT: `/fake/output/${spec.id}`,
        ...spec.env,
      };
      this.segments.push({
        stream: 'stdout',
        lines: script.echoEnv.map((name) => `[COUT] ${name} = ${env[name] ?? ''}`),
      });
    }
    if (script.stdout.length > 0) this.segments.push({ stream: 'stdout', lines: script.stdout });
    if (script.stdoutRepeat > 0)
      this.segments.push({ stream: 'stdout', repeat: script.stdoutRepeat });
    if (script.stdoutLong !== undefined) {
      const [prefix, bytes] = script.stdoutLong;
      this.segments.push({ stream: 'stdout', lines: [prefix + 'a'.repeat(bytes)] });
    }
    if (script.stderr.length > 0) this.segments.push({ stream: 'stderr', lines: script.stderr });
    if (spec.attempt <= script.failAttempts) exitCode = 1;
    const outputFile = script.outputFile === undefined ? {} : { outputFile: script.outputFile };
    this.finalExit = script.oom
      ? {
          exitCode: 137,
          reason: 'oom',
          message: 'killed for exceeding its memory limit (simulated)',
          ...outputFile,
        }
      : { exitCode, reason: 'exited', ...outputFile };
    setImmediate(this.emit);
  }

  /** Resolves at the next emitted batch or at the end of output. */
  changed(): Promise<void> {
    if (!this.change) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.change = { promise, resolve };
    }
    return this.change.promise;
  }

  /**
   * Graceful stop, then the kill after `graceMs` when the job ignores it. Resolves once the job has
   * ended. Idempotent.
   */
  stop(graceMs: number): Promise<JobExit> {
    if (this.running && !this.stopRequested) {
      this.stopRequested = true;
      if (this.script.ignoreTerm) this.killTimer = setTimeout(this.kill, Math.max(0, graceMs));
      else this.kill();
    }
    return this.exit;
  }

  private notify(): void {
    const change = this.change;
    if (change) {
      this.change = undefined;
      change.resolve();
    }
  }

  private readonly emit = (): void => {
    if (!this.running) return;
    const time = Date.now();
    let budget = batchSize;
    while (budget > 0 && this.segment < this.segments.length) {
      const seg = this.segments[this.segment] as Segment;
      const total = 'lines' in seg ? seg.lines.length : seg.repeat;
      const end = Math.min(total, this.offset + budget);
      for (let i = this.offset; i < end; i++) {
        const text = 'lines' in seg ? (seg.lines[i] as string) : `line ${i + 1}`;
        this.lines.push({ stream: seg.stream, text, time });
      }
      budget -= end - this.offset;
      this.offset = end;
      if (end >= total) {
        this.segment++;
        this.offset = 0;
      }
    }
    if (this.segment < this.segments.length) {
      this.notify();
      setImmediate(this.emit);
      return;
    }
    this.outputDone = true;
    this.notify();
    if (this.script.delayMs > 0) this.delayTimer = setTimeout(this.finish, this.script.delayMs);
    else this.finish();
  };

  private readonly finish = (): void => {
    this.end(this.finalExit);
  };

  private readonly kill = (): void => {
    this.end({ exitCode: null, reason: 'killed', message: 'stopped' });
  };

  private end(exit: JobExit): void {
    if (!this.running) return;
    this.running = false;
    this.outputDone = true;
    if (this.delayTimer) clearTimeout(this.delayTimer);
    if (this.killTimer) clearTimeout(this.killTimer);
    this.notify();
    this.resolveExit(exit);
  }
}
