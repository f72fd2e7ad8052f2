/**
 * The shape of `NN_name.expected.json`: what a scenario does beyond its workflow file and what
 * must hold at the end. Statuses are exact; `reason` fields are substrings.
 */
import type { NodeStatus, RunStatus } from '../../src/index.js';
import type { ReplySpec } from '../service/local-service.js';

export interface ScenarioFile extends RunScenario {
  readonly description?: string;
  /** Options for `parseWorkflow` (e.g. the receiver types notifier plugins handle). */
  readonly parse?: { readonly receiverTypes?: readonly string[] };
  /**
   * Values of the parsed model by dotted path (`stages.1.actions.1.name`), compared with toEqual.
   */
  readonly model?: Readonly<Record<string, unknown>>;
  /**
   * When present, parsing must give exactly these diagnostics (in order). With an error, or with
   * no `expect`/`runs`, nothing runs; with warnings only and an `expect`, the run goes on.
   */
  readonly diagnostics?: readonly ExpectedDiagnostic[];
  readonly engine?: {
    /** Secret store contents for `${{ secrets.NAME }}`. */
    readonly secrets?: Readonly<Record<string, string>>;
    readonly stopGraceMs?: number;
    /** `stub`: a tiny hook runner interpreting one command per script line (see scenario-hooks.ts). */
    readonly hooks?: 'stub';
    /**
     * A scripted HTTP service on 127.0.0.1 (see test/service/local-service.ts); every run gets its
     * base URL as the input `SERVICE_URL`, and `CLOSED_URL`, a loopback URL whose port refuses
     * connections. `callbacks`: give the engine a CallbackRegistry behind
     * a loopback endpoint, for async service jobs.
     */
    readonly service?: {
      readonly routes: Readonly<Record<string, readonly ReplySpec[]>>;
      readonly callbacks?: boolean;
    };
  };
  /** Several runs of the same workflow (concurrency, re-run); otherwise the top-level fields are one run. */
  readonly runs?: readonly RunScenario[];
  /** Cross-run event order: `"<run index>:<path>:<status>"`, each first occurrence must come in this order. */
  readonly order?: readonly string[];
}

export interface ExpectedDiagnostic {
  readonly code: string;
  readonly severity?: 'error' | 'warning';
  readonly line?: number;
  readonly message?: string;
}

export interface RunScenario {
  readonly start?: {
    readonly inputs?: Readonly<Record<string, string>>;
    readonly keepWorkspace?: boolean;
    /** Re-run of the run with this index (of `runs`). */
    readonly rerun?: { readonly run: number; readonly fromFailed: boolean };
    /** Give the run an AbortSignal (a drive step `abort` aborts it). */
    readonly signal?: boolean;
    /** Start this run only once this happened (default: at once, in order). */
    readonly when?: Trigger;
  };
  /** `start()` itself must throw an error with this code. */
  readonly startError?: string;
  readonly drive?: readonly DriveStep[];
  readonly expect?: RunExpect;
}

export interface Trigger {
  /** Index of the run to watch (default: this run). */
  readonly run?: number;
  /** `waiting`: the run waits for approval; `job-running`: `job` emitted `running`; `done`: the run ended. */
  readonly on: 'waiting' | 'job-running' | 'done' | 'running';
  readonly job?: string;
  readonly attempt?: number;
}

export interface DriveStep extends Trigger {
  readonly do: 'approve' | 'reject' | 'cancel' | 'abort' | 'decide-expect-error';
  readonly stage?: string;
  readonly by?: string;
  readonly comment?: string;
  readonly reason?: string;
  /** For `decide-expect-error`: the error code `decide` must throw. */
  readonly code?: string;
}

export type NodeExpect = NodeStatus | { readonly status: NodeStatus; readonly reason?: string };

export interface JobExpect {
  readonly status: NodeStatus;
  readonly reason?: string;
  /** Exactly these outputs. */
  readonly outputs?: Readonly<Record<string, string>>;
  readonly attempt?: number;
  readonly exitCode?: number | null;
  /** Attempts that emitted `running`, in order. */
  readonly runningAttempts?: readonly number[];
  /** Every status event of the job, in order (`pending` is not an event). */
  readonly statuses?: readonly string[];
}

export interface RunExpect {
  readonly status: RunStatus;
  readonly reason?: string;
  readonly stages?: Readonly<Record<string, NodeExpect>>;
  readonly actions?: Readonly<Record<string, NodeExpect>>;
  readonly jobs?: Readonly<Record<string, NodeStatus | JobExpect>>;
  /** Env of the last JobSpec the fake got for each job; `null` = must be absent. */
  readonly env?: Readonly<Record<string, Readonly<Record<string, string | null>>>>;
  /** Fields of the last JobSpec (resources flattened: memoryBytes, cpuMillis...). */
  readonly spec?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly logs?: Readonly<
    Record<
      string,
      {
        readonly contains?: readonly string[];
        readonly notContains?: readonly string[];
        readonly count?: number;
        /** Line text -> the stream it must have been stored on. */
        readonly streams?: Readonly<Record<string, 'stdout' | 'stderr' | 'system'>>;
      }
    >
  >;
  /** Number of JobSpecs the fake got for this run. */
  readonly started?: number;
  /** Requests the scripted service got (all runs together), by path. */
  readonly requests?: Readonly<Record<string, number>>;
  /** Codes the callback endpoint answered the service's callbacks with (all runs), in order. */
  readonly callbackAnswers?: readonly string[];
  /** Substrings that must not appear anywhere in the run's events, outputs and logs. */
  readonly nowhere?: readonly string[];
}
