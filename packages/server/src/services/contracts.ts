/**
 * The seam between the API layer (GraphQL resolvers, webhook endpoints, the CLI through the API)
 * and the server's domain services (persistence, the engine host).
 *
 * Every method takes the calling {@link Principal} first and enforces authorisation itself, so
 * no transport (GraphQL, webhooks, a future REST) can forget a check. Failures throw
 * `UserError`s from `@containerops/core` with the stable codes in {@link ServerErrorCode}; the API
 * layer maps `code` to `extensions.code` unchanged.
 *
 * Times are ms since the epoch. Organisation, user, workflow and component names are the public
 * identifiers (what a URL or a workflow `uri` holds); ids are opaque strings.
 */
import type { RunInsightsService } from './run-insights.service.js';
import type { DeliveryService } from '../triggers/deliveries.contract.js';
import type { RunNotificationRow } from '../notifiers/notification.entity.js';
import type {
  Diagnostic,
  EngineEvent,
  JobLogLine,
  RunSnapshot,
  RunStatus,
  WorkflowDefinition,
  ComponentDefinition,
} from '@containerops/core';

/** Stable error codes of the server (exposed as GraphQL `extensions.code`). Add, never rename. */
export const ServerErrorCode = {
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  badUserInput: 'BAD_USER_INPUT',
  /** A workflow or component file with error diagnostics (they travel in `extensions.diagnostics`). */
  invalidDefinition: 'INVALID_DEFINITION',
  conflict: 'CONFLICT',
  queryTooDeep: 'QUERY_TOO_DEEP',
  queryTooComplex: 'QUERY_TOO_COMPLEX',
  /** An operation selects more root fields (aliases included) than allowed (graphql/limits/root-field-limit.ts). */
  tooManyRootFields: 'TOO_MANY_ROOT_FIELDS',
  /** The workflow parsers are all busy and their queue is full; try again shortly (parsing/). */
  serverBusy: 'SERVER_BUSY',
  /** A workflow took longer to parse than allowed; its parser was stopped (parsing/). */
  workflowParseTimeout: 'WORKFLOW_PARSE_TIMEOUT',
  /** One WebSocket connection holds the most subscriptions it may (graphql/transport/websocket.ts). */
  tooManySubscriptions: 'TOO_MANY_SUBSCRIPTIONS',
  /** The server is shutting down: it starts no new runs (engine-host/engine-host.ts). */
  shuttingDown: 'SHUTTING_DOWN',
  internal: 'INTERNAL_SERVER_ERROR',
  /** A write refused, with nothing stored, because the disk or database is full (db/storage-failure.ts). */
  storageFull: 'STORAGE_FULL',
} as const;
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/** Roles per organisation, weakest last. admin ⊃ member ⊃ viewer. */
export type Role = 'admin' | 'member' | 'viewer';

/** Who is calling: resolved from a bearer token on every request / WebSocket connection. */
export interface Principal {
  readonly userId: string;
  readonly userName: string;
  /** Server-wide administrator (the first user): may create users and organisations. */
  readonly siteAdmin: boolean;
  /** Organisation name → role. */
  readonly roles: ReadonlyMap<string, Role>;
  readonly tokenId: string;
}

// ---------------------------------------------------------------------------------------------
// Identity

export interface UserRecord {
  readonly id: string;
  readonly name: string;
  readonly siteAdmin: boolean;
  readonly createdAt: number;
}

export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface MembershipRecord {
  readonly organization: string;
  readonly user: string;
  readonly role: Role;
}

export interface TokenRecord {
  readonly id: string;
  readonly userName: string;
  readonly name: string;
  /** First characters of the token (e.g. `co_ab12`), to recognise it in a list. */
  readonly prefix: string;
  readonly createdAt: number;
  readonly lastUsedAt?: number;
  readonly expiresAt?: number;
}

export interface CreatedToken {
  readonly record: TokenRecord;
  /** The token itself, shown once; only its hash is stored. */
  readonly secret: string;
}

export interface IdentityService {
  /** Resolves a bearer token; undefined when unknown, expired or deleted. */
  authenticate(bearer: string): Promise<Principal | undefined>;
  me(p: Principal): Promise<UserRecord>;
  listOrganizations(p: Principal): Promise<OrganizationRecord[]>;
  /** Site admin only. */
  createOrganization(p: Principal, name: string): Promise<OrganizationRecord>;
  /** Viewer of the organisation or site admin. */
  listMembers(p: Principal, organization: string): Promise<MembershipRecord[]>;
  /** Org admin. Creates the user when it does not exist yet. */
  setMember(
    p: Principal,
    organization: string,
    user: string,
    role: Role,
  ): Promise<MembershipRecord>;
  /** Org admin; refuses to remove the organisation's last admin (CONFLICT). */
  removeMember(p: Principal, organization: string, user: string): Promise<boolean>;
  /** Own tokens; a site admin may pass `forUser`. */
  createToken(
    p: Principal,
    name: string,
    options?: { expiresInDays?: number; forUser?: string },
  ): Promise<CreatedToken>;
  listTokens(p: Principal): Promise<TokenRecord[]>;
  deleteToken(p: Principal, id: string): Promise<boolean>;
  /**
   * Calls `listener` after a write that may shrink someone's rights (setMember, removeMember,
   * deleteToken) committed in this process; returns the unsubscribe function. Long-lived
   * sessions (WebSocket) re-authenticate on it; they also re-check periodically, because other
   * replicas' writes are not seen here. Optional: without it, only the periodic re-check runs.
   */
  onIdentityChanged?(listener: () => void): () => void;
}

// ---------------------------------------------------------------------------------------------
// Workflows

export interface WorkflowRecord {
  readonly id: string;
  /** `namespace/repository/name` from the file; the namespace is the owning organisation. */
  readonly uri: string;
  readonly organization: string;
  readonly repository: string;
  readonly name: string;
  readonly title?: string;
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface WorkflowVersionRecord {
  readonly workflowId: string;
  readonly number: number;
  readonly yaml: string;
  readonly model: WorkflowDefinition;
  readonly createdAt: number;
  readonly createdBy: string;
}

export interface ValidationResult {
  readonly ok: boolean;
  /** Every problem (errors and warnings) with line and column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly model?: WorkflowDefinition;
}

export interface ApplyResult extends ValidationResult {
  readonly workflow?: WorkflowRecord;
  readonly version?: WorkflowVersionRecord;
  /** False when the YAML is identical to the latest version (no new version is made). */
  readonly changed: boolean;
}

export interface WorkflowService {
  /** Parses and validates (incl. Lua syntax and component references); needs no role. */
  validate(p: Principal, yaml: string): Promise<ValidationResult>;
  /** Member of the workflow's organisation. Invalid YAML → ok: false with diagnostics (no throw). */
  apply(p: Principal, yaml: string): Promise<ApplyResult>;
  /** Workflows of the organisations the caller can view; `search` matches uri and title. */
  list(
    p: Principal,
    filter?: { organization?: string; search?: string },
  ): Promise<WorkflowRecord[]>;
  /** By `uri` (`org/repo/name`). */
  get(p: Principal, uri: string): Promise<WorkflowRecord | undefined>;
  versions(p: Principal, uri: string): Promise<WorkflowVersionRecord[]>;
  version(p: Principal, uri: string, number?: number): Promise<WorkflowVersionRecord | undefined>;
  /** Org admin. Keeps its runs. */
  remove(p: Principal, uri: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Runs

export interface RunFilter {
  readonly organization?: string;
  /** Workflow uri. */
  readonly workflow?: string;
  readonly statuses?: readonly RunStatus[];
  /** `trigger.type`: manual, api, webhook type, cron, debug... */
  readonly triggerType?: string;
}

export interface RunRecord {
  readonly snapshot: RunSnapshot;
  /** Workflow uri. */
  readonly workflowUri: string;
  readonly organization: string;
  readonly triggerType: string;
  readonly triggeredBy?: string;
}

export interface RunPage {
  readonly runs: RunRecord[];
  /** Opaque; pass as `after` for the next page. Undefined on the last page. */
  readonly endCursor?: string;
  readonly hasNextPage: boolean;
  readonly totalCount: number;
  /**
   * The highest stored event seq, read before the page: a client that shows the page and then
   * subscribes with `afterSeq: lastSeq` misses no change (it may see some twice; runs carry their
   * own `lastSeq` to tell).
   */
  readonly lastSeq: number;
}

export type RunCounts = Readonly<Record<RunStatus, number>>;

export interface RunService {
  /**
   * Member. Starts the workflow's latest version (or `version`) with `inputs` (each declared by
   * the workflow's `inputs:`; refused otherwise with RUN_INPUTS_INVALID). Returns the run once it
   * began its first stage (or queued behind its concurrency group, or ended): the state after.
   */
  trigger(
    p: Principal,
    uri: string,
    options?: {
      inputs?: Record<string, string>;
      version?: number;
      trigger?: Record<string, unknown>;
      /**
       * A trigger plugin's event values as `CO_TRIGGER_*` variables (the SDK's `triggerEnv`):
       * every job gets them without an `inputs:` declaration; other names are refused.
       */
      triggerEnv?: Record<string, string>;
      /**
       * When to answer: `begun` (default, as above), or `stored` — once the run's request and
       * first snapshot are committed (the run row exists, queued), so a restarted server
       * resumes it; the snapshot returned may then still be `queued`. Webhooks use `stored`:
       * the sender needs to know the event is safe, not that the run has begun.
       */
      answerWhen?: 'begun' | 'stored';
    },
  ): Promise<RunRecord>;
  /** Member. Runs one component version with test inputs as a one-job run (`trigger.type = debug`). */
  debugComponent(
    p: Principal,
    organization: string,
    component: string,
    options?: { version?: string; inputs?: Record<string, string> },
  ): Promise<RunRecord>;
  /** Member. Idempotent. Returns the run once it is cancelled (or ended), within a bounded wait. */
  cancel(p: Principal, runId: string, reason?: string): Promise<RunRecord>;
  /**
   * Member. Throws STAGE_NOT_WAITING (from core) when the stage is not waiting. Returns the run
   * once the stage took the decision (no longer waiting).
   */
  decide(
    p: Principal,
    runId: string,
    stage: string,
    approved: boolean,
    comment?: string,
  ): Promise<RunRecord>;
  /** Member. A new run (returned as it began); `fromFailed` keeps what succeeded. */
  rerun(p: Principal, runId: string, fromFailed: boolean): Promise<RunRecord>;
  /** Viewer; newest first; cursor pagination. */
  list(p: Principal, filter: RunFilter, page: { first: number; after?: string }): Promise<RunPage>;
  get(p: Principal, runId: string): Promise<RunRecord | undefined>;
  counts(p: Principal, organization?: string): Promise<RunCounts>;
  /**
   * Viewer. One attempt's lines with seq > afterSeq, at most `limit` (≤ 10,000). Without
   * `attempt`, the job's latest attempt (none before its first start); each line names its attempt.
   */
  logs(
    p: Principal,
    query: { runId: string; jobPath: string; attempt?: number; afterSeq?: number; limit?: number },
  ): Promise<readonly JobLogLine[]>;
}

// ---------------------------------------------------------------------------------------------
// Live feeds (subscriptions): replay what was missed, then follow. Never a gap, never a duplicate.

export interface LiveFeed {
  /**
   * Events with `seq > afterSeq` the caller may view (filtered by run, workflow or organisation),
   * stored ones first, then live ones, in `seq` order, until `signal` aborts.
   * Authorisation is checked once when called (throws) and for every event (silently filtered).
   */
  events(
    p: Principal,
    filter: { afterSeq?: number; runId?: string; workflow?: string; organization?: string },
    signal: AbortSignal,
  ): AsyncIterable<EngineEvent>;
  /**
   * One job's log lines with `seq > afterSeq` (one attempt, default: the latest), batched: each
   * yielded array holds the lines that arrived together, in order. Ends when the attempt is
   * finished and every line was delivered, or when `signal` aborts.
   */
  logs(
    p: Principal,
    query: { runId: string; jobPath: string; attempt?: number; afterSeq?: number },
    signal: AbortSignal,
  ): AsyncIterable<readonly JobLogLine[]>;
}

// ---------------------------------------------------------------------------------------------
// Component repository

export interface ComponentRecord {
  readonly id: string;
  /** `library`, an organisation or a user name. */
  readonly namespace: string;
  readonly name: string;
  readonly latestVersion?: string;
  readonly createdAt: number;
}

export interface ComponentVersionRecord {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly definition: ComponentDefinition;
  readonly yaml: string;
  readonly readme?: string;
  readonly deprecated: boolean;
  readonly deprecationMessage?: string;
  readonly publishedAt: number;
  readonly publishedBy: string;
}

export interface ComponentService {
  /** Anyone signed in sees `library`, their own user namespace and their organisations'. */
  list(p: Principal, filter?: { namespace?: string; search?: string }): Promise<ComponentRecord[]>;
  get(p: Principal, namespace: string, name: string): Promise<ComponentRecord | undefined>;
  versions(p: Principal, namespace: string, name: string): Promise<ComponentVersionRecord[]>;
  version(
    p: Principal,
    namespace: string,
    name: string,
    version?: string,
  ): Promise<ComponentVersionRecord | undefined>;
  /**
   * The namespace comes from the file's `name` (`namespace/name`). Member of that organisation
   * (site admin for `library`, the user for their own). Invalid component.yaml →
   * INVALID_DEFINITION with diagnostics; an existing version → CONFLICT.
   */
  publish(p: Principal, yaml: string, readme?: string): Promise<ComponentVersionRecord>;
  deprecate(
    p: Principal,
    namespace: string,
    name: string,
    version: string,
    message?: string,
  ): Promise<ComponentVersionRecord>;
  /** Admin of the namespace. */
  remove(p: Principal, namespace: string, name: string, version: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Secrets (values are write-only: no method returns one)

export interface SecretRecord {
  readonly organization: string;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SecretService {
  /** Viewer: names only. */
  list(p: Principal, organization: string): Promise<SecretRecord[]>;
  /** Admin. Creates or replaces. Name: `[A-Za-z_][A-Za-z0-9_]*`. */
  set(p: Principal, organization: string, name: string, value: string): Promise<SecretRecord>;
  /** Admin. */
  remove(p: Principal, organization: string, name: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Health

export interface PluginHealth {
  readonly kind: 'orchestrator' | 'logStore' | 'trigger' | 'notifier' | 'hook';
  readonly name: string;
  readonly version: string;
  readonly healthy: boolean;
  readonly detail?: string;
  /** For orchestrators: the one new runs use. */
  readonly active?: boolean;
}

export interface HealthService {
  plugins(p: Principal): Promise<PluginHealth[]>;
  /**
   * Anyone. Throws STORAGE_FULL (an OperationalError) while the server cannot store writes (disk
   * or database full), so a mutation is refused instead of acknowledged; re-checks first when
   * due, so it passes as soon as space is back.
   */
  assertWritable(what: string): Promise<void>;
}

/** Everything the API layer needs, built once at start (`createServices`). */
/** Webhook deliveries (`trigger_deliveries`): triggers/deliveries.contract.ts. */
export type { DeliveryService } from '../triggers/deliveries.contract.js';

/** Notifications of runs (`run_notifications`); notifiers/notifications.service.ts. */
export interface NotificationService {
  /** Viewer of the run. Oldest first; empty for a run the caller cannot see. */
  ofRun(p: Principal, runId: string): Promise<RunNotificationRow[]>;
}

export interface ServerServices {
  readonly identity: IdentityService;
  readonly workflows: WorkflowService;
  readonly runs: RunService;
  readonly live: LiveFeed;
  readonly components: ComponentService;
  readonly secrets: SecretService;
  readonly health: HealthService;
  /** Webhook deliveries (`trigger_deliveries`): listed, opened and redelivered. */
  readonly deliveries: DeliveryService;
  /** What became of each notification of a run (`run_notifications`). */
  readonly notifications: NotificationService;
  /** Aggregates for the dashboard's charts (absent in API tests without a database). */
  readonly insights?: RunInsightsService;
}
