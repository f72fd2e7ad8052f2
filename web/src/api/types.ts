/**
 * TypeScript shapes of the GraphQL API results the dashboard reads (packages/server/schema.graphql
 * is the contract; these mirror the fields our documents select).
 */

export type RunStatus =
  'QUEUED' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

export type NodeStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'CANCELLED'
  | 'SKIPPED';

export type Role = 'ADMIN' | 'MEMBER' | 'VIEWER';
export type StageTypeName = 'START' | 'NORMAL' | 'PAUSE' | 'END';
export type LogStream = 'STDOUT' | 'STDERR' | 'SYSTEM';

export interface Membership {
  organization: string;
  user: string;
  role: Role;
}

export interface User {
  id: string;
  name: string;
  siteAdmin: boolean;
  memberships: Membership[];
}

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  line: number;
  col: number;
  path: string | null;
}

export interface JobRun {
  name: string;
  path: string;
  status: NodeStatus;
  attempt: number;
  exitCode: number | null;
  reason: string | null;
  outputs: Record<string, string>;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Set when the attempt's stored log is shorter than what it printed (size limit, full disk). */
  logTruncated?: LogTruncation | null;
  /** Set on a job that fans out (matrix or fan-out): its instances counted (issue 16). */
  fanOut?: FanOutCounts | null;
}

/** A fan-out job's instances, counted; the instances themselves are read a page at a time. */
export interface FanOutCounts {
  total: number;
  started: number;
  running: number;
  passed: number;
  /** Failed, timed out or cancelled. */
  failed: number;
  /** Never started (fail-fast, cancel); set when the fan-out ends. */
  skipped: number;
}

/** One started instance of a fan-out job, as the `instances` page lists it. */
export interface FanOutInstance {
  /** `job[axis=value,...]` or `job[index]`. */
  name: string;
  /** `stage.action.<name>`: the job path of its log. */
  path: string;
  status: NodeStatus;
  attempt: number;
  exitCode: number | null;
  reason: string | null;
  durationMs: number | null;
}

/** One page of a fan-out's instances. */
export interface FanOutInstancePage {
  nodes: FanOutInstance[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  /** Started instances matching the filter. */
  totalCount: number;
}

/** Why a job attempt's stored log stops early; the job's own exit still decides its status. */
export interface LogTruncation {
  cause: 'LIMIT' | 'STORAGE';
  attempt: number;
  message: string;
  droppedLines: number;
}

/** What became of one notification of the run (a `receivers:` entry). */
export interface RunNotification {
  receiverType: string;
  runStatus: string;
  outcome: string;
  attempts: number;
  error: string | null;
  at: string;
}

export interface ActionRun {
  name: string;
  path: string;
  status: NodeStatus;
  reason: string | null;
  durationMs: number | null;
  jobs: JobRun[];
}

export interface PauseDecision {
  approved: boolean;
  by: string | null;
  comment: string | null;
}

export interface StageRun {
  name: string;
  type: StageTypeName;
  status: NodeStatus;
  reason: string | null;
  durationMs: number | null;
  decision: PauseDecision | null;
  actions: ActionRun[];
}

export interface RunSummary {
  id: string;
  workflowUri: string;
  organization: string;
  workflowVersion: number;
  status: RunStatus;
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  triggerType: string;
  triggeredBy: string | null;
  lastSeq: number;
}

export interface Run extends RunSummary {
  trigger: unknown;
  rerunOf: string | null;
  stages: StageRun[];
}

export interface RunEvent {
  seq: number;
  runId: string;
  time: string;
  scope: 'RUN' | 'STAGE' | 'ACTION' | 'JOB';
  path: string;
  status: string;
  reason: string | null;
}

export interface RunUpdate<R extends RunSummary = Run> {
  event: RunEvent;
  run: R;
}

export interface RunCounts {
  queued: number;
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  cancelled: number;
}

export interface LogLine {
  seq: number;
  stream: LogStream;
  text: string;
  time: string;
}

export interface WorkflowVersion {
  number: number;
  yaml: string;
  createdAt: string;
  createdBy: string;
}

export interface WorkflowSummary {
  id: string;
  uri: string;
  organization: string;
  title: string | null;
  updatedAt: string;
  latestVersion: { number: number };
  lastRun: Pick<RunSummary, 'id' | 'status' | 'createdAt'> | null;
}

export interface ComponentInput {
  key: string;
  description: string | null;
  required: boolean;
  default: string | null;
  secret: boolean;
}

export interface ComponentOutput {
  key: string;
  description: string | null;
}

export interface ComponentVersion {
  namespace: string;
  name: string;
  version: string;
  description: string | null;
  image: string;
  inputs: ComponentInput[];
  outputs: ComponentOutput[];
  resources: Record<string, unknown>;
  timeoutMs: number | null;
  yaml: string;
  readme: string | null;
  deprecated: boolean;
  deprecationMessage: string | null;
  publishedAt: string;
  publishedBy: string;
}

export interface ComponentSummary {
  id: string;
  namespace: string;
  name: string;
  latest: Pick<ComponentVersion, 'version' | 'description' | 'deprecated'> | null;
}

export interface ApiToken {
  id: string;
  name: string;
  user: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface Secret {
  organization: string;
  name: string;
  updatedAt: string;
}

export interface Organization {
  id: string;
  name: string;
  myRole: Role | null;
  members: Membership[];
}

export interface PluginHealth {
  kind: string;
  name: string;
  version: string;
  healthy: boolean;
  detail: string | null;
  active: boolean | null;
}

export interface RunActivityBucket {
  start: string;
  created: number;
  succeeded: number;
  failed: number;
}

/** The most runs queued and running at once in one hour (`runLoad`). */
export interface RunLoadBucket {
  start: string;
  maxQueued: number;
  maxRunning: number;
}

/** One orchestrator's job attempts in one hour. */
export interface OrchestratorLoad {
  orchestrator: string;
  started: number;
  maxRunning: number;
}

/** Job attempts started and the most running at once in one hour, in all and per orchestrator (`jobLoad`). */
export interface JobLoadBucket {
  start: string;
  started: number;
  maxRunning: number;
  orchestrators: OrchestratorLoad[];
}

export interface JobDurationStats {
  path: string;
  runs: number;
  medianMs: number;
  maxMs: number;
}
