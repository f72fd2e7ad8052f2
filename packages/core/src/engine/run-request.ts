/**
 * What was asked to run: the workflow definition and the start options that shape every job.
 * Saved once when a run starts, never changed, so a restarted engine can rebuild the run
 * (`Engine.recover`): the snapshot says how far the run got, the request says what it is.
 */
import type { WorkflowDefinition } from '../definition/model.js';
import type { StartRunOptions } from './api.js';

export interface RunRequest {
  readonly runId: string;
  /** The definition as it was validated when the run started (not the workflow's latest version). */
  readonly workflow: WorkflowDefinition;
  /**
   * Extra env of every job (`StartRunOptions.inputs`). Stored as given: pass secrets through the
   * SecretProvider (`${{ secrets.NAME }}`), never as inputs.
   */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly trigger?: Readonly<Record<string, unknown>>;
  readonly rerun?: { readonly runId: string; readonly fromFailed: boolean };
  readonly keepWorkspace?: boolean;
}

/** The request of a run started with `options` (what `Engine.start` saves). */
export function runRequestOf(
  runId: string,
  workflow: WorkflowDefinition,
  options: StartRunOptions,
): RunRequest {
  return {
    runId,
    workflow,
    ...(options.inputs === undefined ? {} : { inputs: options.inputs }),
    ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
    ...(options.rerun === undefined ? {} : { rerun: { ...options.rerun } }),
    ...(options.keepWorkspace === undefined ? {} : { keepWorkspace: options.keepWorkspace }),
  };
}

/** The start options a request stands for (without the caller's AbortSignal, which did not survive). */
export function startOptionsOf(request: RunRequest): StartRunOptions {
  return {
    runId: request.runId,
    ...(request.inputs === undefined ? {} : { inputs: request.inputs }),
    ...(request.trigger === undefined ? {} : { trigger: request.trigger }),
    ...(request.rerun === undefined ? {} : { rerun: request.rerun }),
    ...(request.keepWorkspace === undefined ? {} : { keepWorkspace: request.keepWorkspace }),
  };
}
