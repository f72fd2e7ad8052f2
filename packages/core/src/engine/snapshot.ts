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
  /** Set when the log of the latest attempt is not complete in the log store (see {@link LogTruncation}). */
  logTruncated?: LogTruncation;
  /** Set on a job that fans out (`matrix:`/`fan-out:`): its instances, counted and summarised. */
  fanOut?: FanOutSnapshot;
}

/**
 * The instances of a fan-out job. Only running instances have a full node (and events, logs);
 * an ended instance is kept as one {@link InstanceSummary}, and one not started yet as nothing
 * at all, so a run's state grows with what runs plus a few fields per ended instance.
 */
export interface FanOutSnapshot {
  /** Instances the fan-out has (known once it started: a dynamic list is read then). */
  total: number;
  /** Instances started so far (ended ones included). */
  started: number;
  passed: number;
  /** Failed, timed out or cancelled. */
  failed: number;
  /** Not started (fail-fast, cancel) or skipped by a pre hook; set when the fan-out ends. */
  skipped: number;
  /** Ended instances, in the order they ended. */
  instances: InstanceSummary[];
  /**
   * Started instances that have not ended, by name: full nodes, at most `max-parallel` of them
   * (a restarted engine resumes them from here).
   */
  active: Record<string, JobRunSnapshot>;
}

/** What is kept of an ended fan-out instance. */
export interface InstanceSummary {
  /** `job[axis=value,...]` or `job[index]`; its path is the job's action path + `.` + name. */
  readonly name: string;
  readonly status: NodeStatus;
  readonly attempt: number;
  readonly exitCode?: number | null;
  /** From its first start to its end. */
  readonly durationMs?: number;
  readonly reason?: string;
  /** Only for a succeeded instance of a job that declares outputs (fan-in links, re-runs). */
  readonly outputs?: Readonly<Record<string, string>>;
}

/**
 * Why a job attempt's stored log is shorter than what the job printed. `limit`: the attempt
 * reached the per-attempt log size limit (a final line in the log says so; the job ran on and its
 * exit alone decided its status). `storage`: the log store refused lines (disk full, I/O error)
 * and the engine gave them up after retrying. Either way the job's outcome is unchanged.
 */
export interface LogTruncation {
  readonly cause: 'limit' | 'storage';
  /** The attempt whose log is truncated. */
  readonly attempt: number;
  /** In words, for people: what happened and where the log stops. */
  readonly message: string;
  /** Bytes of log text stored before the cut (for `limit`). */
  readonly storedBytes?: number;
  /** The limit in bytes (for `limit`). */
  readonly limitBytes?: number;
  /** Lines printed but not stored. */
  readonly droppedLines: number;
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
