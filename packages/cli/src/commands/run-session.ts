/**
 * One run of a workflow on an engine, shown by a renderer, cancelled cleanly on Ctrl-C/SIGTERM:
 * the first signal cancels the run through the engine (its jobs are stopped and its workspace
 * removed) and the command exits 130 once the run has ended; a second signal exits at once.
 */
import type {
  EngineObserver,
  PauseDecision,
  RunHandle,
  RunSnapshot,
  StartRunOptions,
  WorkflowDefinition,
} from '@containerops/core';
import type { CliIo, CliSignal } from '../io.js';
import type { RunRenderer } from '../render/renderer.js';
import { ExitCode } from '../usage.js';

/** The part of the engine (`Engine` of `@containerops/core`) a session uses. */
export interface RunEngine {
  start(workflow: WorkflowDefinition, options?: StartRunOptions): RunHandle;
  cancel(runId: string, reason?: string): boolean;
  decide(runId: string, stage: string, decision: PauseDecision): void;
  observe(observer: EngineObserver): () => void;
  /** The run's state now (the live view reads a running fan-out's total from it). */
  getRun?(runId: string): RunSnapshot | undefined;
}

export interface RunSessionOptions {
  readonly engine: RunEngine;
  readonly workflow: WorkflowDefinition;
  readonly orchestrator: string;
  readonly renderer: RunRenderer;
  readonly io: CliIo;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly keepWorkspace?: boolean;
  /** Approve every pause stage as soon as it waits. */
  readonly approve?: boolean;
}

/** Runs the workflow to its end; resolves with the exit code (0, 1 or 130). */
export async function runSession(options: RunSessionOptions): Promise<number> {
  const { engine, renderer, io } = options;
  let runId: string | undefined;
  const onWaiting = (stage: string): void => {
    const id = runId;
    if (id === undefined) return;
    if (options.approve) {
      renderer.notice(`approving pause stage "${stage}" (--approve)`);
      // Not from inside the engine's own event callback: let it finish entering `waiting` first.
      setImmediate(() => {
        try {
          engine.decide(id, stage, { approved: true, by: 'containerops run --approve' });
        } catch (error) {
          renderer.notice(`could not approve stage "${stage}": ${(error as Error).message}`);
        }
      });
    } else {
      renderer.notice(
        `stage "${stage}" waits for approval: run with --approve to approve pause stages, ` +
          'or press Ctrl-C to cancel',
      );
    }
  };
  // Events may come while `engine.start` runs, before the renderer knows the run: hold them.
  let early: (() => void)[] | undefined = [];
  const deliver = (show: () => void): void => {
    if (early === undefined) show();
    else early.push(show);
  };
  const unobserve = engine.observe({
    onEvent(event) {
      if (runId !== undefined && event.runId !== runId) return;
      deliver(() => {
        renderer.event(event);
        if (event.scope === 'stage' && event.status === 'waiting') onWaiting(event.path);
      });
    },
    onLog(line) {
      if (runId !== undefined && line.runId !== runId) return;
      deliver(() => renderer.log(line));
    },
  });

  let interrupted = false;
  const removers: (() => void)[] = [];
  // A run waiting at a pause stage without a timeout holds no timer, socket or child process: the
  // event loop would empty during the top-level await and Node would exit (code 13) with the run's
  // workspace left behind. This ref'd timer keeps the process alive until the run has ended and
  // cleaned up (approval, Ctrl-C, or the pause's timeout).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const handle = engine.start(options.workflow, {
      inputs: options.inputs,
      keepWorkspace: options.keepWorkspace ?? false,
    });
    runId = handle.runId;
    const onSignal = (signal: CliSignal): void => {
      if (interrupted) {
        renderer.notice(`${signal} again: exiting without waiting for the run to stop`);
        io.exit(ExitCode.interrupted);
        return;
      }
      interrupted = true;
      renderer.notice(`${signal}: cancelling the run… (press Ctrl-C again to exit at once)`);
      engine.cancel(handle.runId, `cancelled by the user (${signal})`);
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      removers.push(io.onSignal(signal, () => onSignal(signal)));
    }
    renderer.start({
      runId: handle.runId,
      workflow: options.workflow,
      orchestrator: options.orchestrator,
      // The engine's state knows a fan-out's total from its start (a list once it is read).
      fanOutTotal: (path) => {
        const run = engine.getRun?.(handle.runId);
        for (const stage of run?.stages ?? [])
          for (const action of stage.actions)
            for (const job of action.jobs) if (job.path === path) return job.fanOut?.total;
        return undefined;
      },
    });
    const held = early;
    early = undefined;
    for (const show of held) show();
    const snapshot = await handle.done;
    const exitCode = interrupted
      ? ExitCode.interrupted
      : snapshot.status === 'succeeded'
        ? ExitCode.ok
        : ExitCode.failed;
    renderer.finish({ snapshot, interrupted, exitCode });
    return exitCode;
  } finally {
    clearInterval(keepAlive);
    for (const remove of removers) remove();
    unobserve();
  }
}
