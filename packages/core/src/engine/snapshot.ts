/**
 * The materialised state of a run: the tree of stage/action/job runs with statuses, times, reasons
 * and outputs. Derived from events; stored so a restarted engine and the API can read it at once.
 */
import type { NodeStatus, RunStatus } from './status.js';

export interface JobRunSnapshot {
  readonly name: string;
  /** `stage.action.job`. */
  readonly path: string;
  status: NodeStatus;
  /** Attempts made so far (0 before the first start). */
  attempt: number;
  exitCode?: number | null;
  reason?: string;
  outputs: Record<string, string>;
  startedAt?: number;
  finishedAt?: number;
  /** Backend handle of the current attempt while it runs (for re-attach). */
  backendId?: string;
}

export interface ActionRunSnapshot {
  readonly name: string;
  readonly path: string;
  status: NodeStatus;
  reason?: string;
  startedAt?: number;
  finishedAt?: number;
  readonly jobs: JobRunSnapshot[];
}

export interface StageRunSnapshot {
  readonly name: string;
  readonly type: 'start' | 'normal' | 'pause' | 'end';
  status: NodeStatus;
  reason?: string;
  startedAt?: number;
  finishedAt?: number;
  /** For pause stages: who decided and how. */
  decision?: { readonly approved: boolean; readonly by?: string; readonly comment?: string };
  readonly actions: ActionRunSnapshot[];
}

export interface RunSnapshot {
  readonly runId: string;
  readonly workflow: string;
  readonly workflowVersion: number;
  status: RunStatus;
  reason?: string;
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** The run this one re-runs, if any. */
  readonly rerunOf?: string;
  readonly trigger?: Readonly<Record<string, unknown>>;
  /** The workspace was kept after the run, so it can be re-run from its failed job. */
  readonly keepWorkspace?: boolean;
  /** Whose workspace the run used: its own id, or for a re-run from failed, the kept one's. */
  workspaceRunId?: string;
  readonly stages: StageRunSnapshot[];
  /** Highest event seq reflected in this snapshot. */
  lastSeq: number;
}
