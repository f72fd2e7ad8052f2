/**
 * The normalised workflow model: what the parser produces from a workflow file (docs/design.md §2) and
 * what the engine runs. Every optional YAML form (list-of-maps environments, "30m" timeouts, "4G"
 * memory, unnamed jobs, empty action entries) is resolved here, so the engine never re-parses text.
 */
import type { RunInputDeclaration } from '../contract/run-inputs.js';

/** `start` and `end` are markers; `normal` runs actions; `pause` waits for approval. */
export type StageType = 'start' | 'normal' | 'pause' | 'end';

/** How a normal stage runs its actions. */
export type Sequencing = 'sequence' | 'parallel';

/** `component` runs a container image (or a command); `service` calls a third-party API. */
export type JobType = 'component' | 'service';

/**
 * Which stdout channel may set outputs. `file-only` ignores `[COUT] KEY = VALUE` lines so a log
 * line cannot forge an output; only `$CO_OUTPUT` counts.
 */
export type OutputsMode = 'stdout-and-file' | 'file-only';

/** Resource requests and limits, normalised: CPU in millicores, memory in bytes. */
export interface ResourceRequirements {
  readonly cpuMillis?: number;
  readonly memoryBytes?: number;
  readonly cpuLimitMillis?: number;
  readonly memoryLimitBytes?: number;
}

/** Retry policy of one job: `limit` extra attempts after the first, exponential backoff. */
export interface RetryPolicy {
  readonly limit: number;
  readonly backoffMs: number;
  readonly factor: number;
  readonly maxBackoffMs: number;
}

/** A data link: the value of `from`'s output `output` becomes the env variable `env`. */
export interface Subscription {
  readonly stage: string;
  readonly action: string;
  readonly job: string;
  readonly output: string;
  readonly env: string;
}

/** A service job's HTTP call (issue 4); values may hold `${{ ... }}` templates. */
export interface ServiceCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** When true the job waits for the service to post its result to `CO_CALLBACK_URL`. */
  readonly async: boolean;
}

/** Concurrency group of a workflow: runs beyond `limit` queue in order. */
export interface ConcurrencyPolicy {
  readonly group: string;
  readonly limit: number;
  readonly cancelInProgress: boolean;
}

export interface Receiver {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface TriggerDefinition {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface JobDefinition {
  /** Unique within its action. Generated (stable) when the file gives none. */
  readonly name: string;
  /** True when `name` was generated because the file had none (original ContainerOps files). */
  readonly generatedName: boolean;
  readonly type: JobType;
  readonly title?: string;
  /** The container image (`endpoint` in the file). */
  readonly image?: string;
  /** A component reference from the repository (`library/go-test@1.2`). */
  readonly component?: string;
  /**
   * Original ContainerOps: a pod manifest. A backend-only field: it reaches the orchestrator in
   * `JobSpec.options.kubectl` only when the orchestrator declares `jobOptions: ['kubectl']`.
   */
  readonly kubectl?: string;
  /**
   * The text of the `kubectl` manifest, when the workflow was parsed for an orchestrator that
   * reads it and with a `readManifest` (see `ParseOptions`); passed as `JobSpec.options.kubectl`
   * in place of the path.
   */
  readonly kubectlManifest?: string;
  /** argv overriding the image's entrypoint; a string command becomes `['sh', '-c', command]`. */
  readonly command?: readonly string[];
  readonly resources: ResourceRequirements;
  /** Job timeout in milliseconds; undefined = none. */
  readonly timeoutMs?: number;
  /**
   * The job's environment (workflow-level env is NOT merged in here; the engine merges at run time).
   * `CO_DATA`, when given, stays here verbatim.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Key/value input given as a map (`inputs:`); merged with pairs parsed from `CO_DATA`. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Declared output keys. */
  readonly outputs: readonly string[];
  readonly subscriptions: readonly Subscription[];
  readonly retry: RetryPolicy;
  readonly active: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** Lua hook run before the job (inline source). */
  readonly pre?: string;
  /** Lua hook run after the job (inline source). */
  readonly post?: string;
  readonly service?: ServiceCall;
  /**
   * Set when the job fans out (`matrix:` or `fan-out:`, docs/design.md §2): the engine runs one
   * instance of it per combination or list item instead of the job itself. See fan-out.ts.
   */
  readonly fanOut?: FanOutDefinition;
}

/** How many instances of a fan-out run at once, and whether the first failure stops the rest. */
export interface FanOutControl {
  /** Instances running at the same time (`max-parallel`), at least 1. */
  readonly maxParallel: number;
  /** `fail-fast` (default true): the first failed instance stops new starts and cancels the rest. */
  readonly failFast: boolean;
}

/** One axis of a static matrix: its values, as strings, in the order written. */
export interface MatrixAxis {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * A static matrix: the cartesian product of `axes` (first axis slowest), minus the combinations
 * matching an `exclude` entry, plus the `include` combinations that are not in the product yet.
 */
export interface MatrixFanOut extends FanOutControl {
  readonly kind: 'matrix';
  readonly axes: readonly MatrixAxis[];
  /** Complete combinations (every axis given), axis name → value. */
  readonly include: readonly Readonly<Record<string, string>>[];
  /** Partial combinations: a combination matching every given axis is dropped. */
  readonly exclude: readonly Readonly<Record<string, string>>[];
}

/** A dynamic fan-out: one instance per item of a JSON array an earlier job reported. */
export interface ListFanOut extends FanOutControl {
  readonly kind: 'list';
  /** The output holding the array (`stage.action.job[OUTPUT]`). */
  readonly over: Omit<Subscription, 'env'>;
  /** The input key each item is given under (`CO_DATA` pair and `CO_<KEY>`). */
  readonly as: string;
}

export type FanOutDefinition = MatrixFanOut | ListFanOut;

export interface ActionDefinition {
  readonly name: string;
  readonly generatedName: boolean;
  readonly title?: string;
  readonly timeoutMs?: number;
  readonly active: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly jobs: readonly JobDefinition[];
}

export interface StageDefinition {
  readonly type: StageType;
  readonly name: string;
  readonly title?: string;
  /** Only meaningful for `normal` stages; defaults to `sequence`. */
  readonly sequencing: Sequencing;
  readonly timeoutMs?: number;
  readonly active: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly actions: readonly ActionDefinition[];
}

export interface WorkflowDefinition {
  /** `namespace/repository/name`. */
  readonly uri: string;
  readonly namespace: string;
  readonly repository: string;
  readonly name: string;
  readonly title?: string;
  readonly version: number;
  readonly tag: string;
  readonly timeoutMs?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly receivers: readonly Receiver[];
  readonly triggers: readonly TriggerDefinition[];
  readonly concurrency?: ConcurrencyPolicy;
  readonly outputs: OutputsMode;
  /** Output bytes allowed per job (all values together); default 1 MiB. */
  readonly outputLimitBytes: number;
  /**
   * The run inputs the workflow takes (`inputs:`); absent when it declares none, and then a run
   * takes no inputs. See contract/run-inputs.ts.
   */
  readonly inputs?: readonly RunInputDeclaration[];
  readonly labels: Readonly<Record<string, string>>;
  readonly stages: readonly StageDefinition[];
}

/** `stage.action.job`: the address of a job inside a workflow, as used by subscriptions. */
export type JobPath = string;

/** Builds the `stage.action.job` address of a job. */
export function jobPath(stage: string, action: string, job: string): JobPath {
  return `${stage}.${action}.${job}`;
}
