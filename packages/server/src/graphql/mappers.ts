/**
 * Service records → GraphQL objects. Times stay ms epoch (the DateTime scalar formats them);
 * statuses stay lower case (the enums' values are the engine's names).
 */
import type {
  ActionRunSnapshot,
  Diagnostic,
  EngineEvent,
  JobLogLine,
  JobRunSnapshot,
  ResourceRequirements,
  StageRunSnapshot,
} from '@containerops/core';
import type {
  ComponentRecord,
  ComponentVersionRecord,
  MembershipRecord,
  OrganizationRecord,
  PluginHealth,
  RunCounts,
  RunRecord,
  SecretRecord,
  TokenRecord,
  UserRecord,
  WorkflowRecord,
  WorkflowVersionRecord,
} from '../services/contracts.js';
import type {
  EventScopeEnum,
  LogStreamEnum,
  LogTruncationCauseEnum,
  NodeStatusEnum,
  PluginKindEnum,
  RoleEnum,
  RunStatusEnum,
  SeverityEnum,
  StageTypeEnum,
} from './types/enums.js';
import type { ComponentType, ComponentVersionType } from './types/component-types.js';
import type {
  ApiTokenType,
  MembershipType,
  OrganizationType,
  UserType,
} from './types/identity-types.js';
import type { EventType, LogLineType } from './types/live-types.js';
import type {
  ActionRunType,
  JobRunType,
  RunCountsType,
  RunType,
  StageRunType,
} from './types/run-types.js';
import type { DiagnosticType, WorkflowType, WorkflowVersionType } from './types/workflow-types.js';
import type { PluginHealthType, SecretType } from './types/admin-types.js';

/** Elapsed time of a finished node; undefined while it has not both started and finished. */
function duration(startedAt?: number, finishedAt?: number): number | undefined {
  return startedAt !== undefined && finishedAt !== undefined ? finishedAt - startedAt : undefined;
}

export function toRun(record: RunRecord): RunType {
  const s = record.snapshot;
  return {
    id: s.runId,
    workflowUri: record.workflowUri,
    organization: record.organization,
    workflowVersion: s.workflowVersion,
    status: s.status as RunStatusEnum,
    reason: s.reason,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    durationMs: duration(s.startedAt, s.finishedAt),
    triggerType: record.triggerType,
    triggeredBy: record.triggeredBy,
    trigger: s.trigger,
    rerunOf: s.rerunOf,
    lastSeq: s.lastSeq,
    stages: s.stages.map(toStageRun),
  };
}

function toStageRun(s: StageRunSnapshot): StageRunType {
  return {
    name: s.name,
    type: s.type as StageTypeEnum,
    status: s.status as NodeStatusEnum,
    reason: s.reason,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    durationMs: duration(s.startedAt, s.finishedAt),
    decision: s.decision,
    actions: s.actions.map(toActionRun),
  };
}

function toActionRun(a: ActionRunSnapshot): ActionRunType {
  return {
    name: a.name,
    path: a.path,
    status: a.status as NodeStatusEnum,
    reason: a.reason,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt,
    durationMs: duration(a.startedAt, a.finishedAt),
    jobs: a.jobs.map(toJobRun),
  };
}

function toJobRun(j: JobRunSnapshot): JobRunType {
  // backendId is an engine detail (a container id): never exposed.
  return {
    name: j.name,
    path: j.path,
    status: j.status as NodeStatusEnum,
    attempt: j.attempt,
    exitCode: j.exitCode,
    reason: j.reason,
    outputs: j.outputs,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    durationMs: duration(j.startedAt, j.finishedAt),
    logTruncated:
      j.logTruncated === undefined
        ? undefined
        : { ...j.logTruncated, cause: j.logTruncated.cause as LogTruncationCauseEnum },
    fanOut:
      j.fanOut === undefined
        ? undefined
        : {
            total: j.fanOut.total,
            started: j.fanOut.started,
            running: Object.keys(j.fanOut.active).length,
            passed: j.fanOut.passed,
            failed: j.fanOut.failed,
            skipped: j.fanOut.skipped,
            source: { path: j.path, fanOut: j.fanOut },
          },
  };
}

export function toRunCounts(c: RunCounts): RunCountsType {
  return {
    queued: c.queued,
    running: c.running,
    waiting: c.waiting,
    succeeded: c.succeeded,
    failed: c.failed,
    timedOut: c.timed_out,
    cancelled: c.cancelled,
  };
}

export function toEvent(e: EngineEvent): EventType {
  return {
    seq: e.seq,
    runId: e.runId,
    time: e.time,
    scope: e.scope as EventScopeEnum,
    path: e.path,
    status: e.status,
    attempt: e.attempt,
    reason: e.reason,
    exitCode: e.exitCode,
    outputs: e.outputs,
    data: e.data,
  };
}

export function toLogLine(l: JobLogLine): LogLineType {
  return {
    runId: l.runId,
    jobPath: l.jobPath,
    attempt: l.attempt,
    seq: l.seq,
    stream: l.stream as LogStreamEnum,
    text: l.text,
    time: l.time,
  };
}

export function toDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticType[] {
  return diagnostics.map((d) => ({
    severity: d.severity as SeverityEnum,
    code: d.code,
    message: d.message,
    line: d.line,
    col: d.col,
    path: d.path,
  }));
}

export function toWorkflow(w: WorkflowRecord): WorkflowType {
  return {
    id: w.id,
    uri: w.uri,
    organization: w.organization,
    repository: w.repository,
    name: w.name,
    title: w.title,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export function toWorkflowVersion(v: WorkflowVersionRecord): WorkflowVersionType {
  return {
    number: v.number,
    yaml: v.yaml,
    model: v.model,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}

export function toUser(u: UserRecord): UserType {
  return { id: u.id, name: u.name, siteAdmin: u.siteAdmin, createdAt: u.createdAt };
}

export function toOrganization(o: OrganizationRecord): OrganizationType {
  return { id: o.id, name: o.name, createdAt: o.createdAt };
}

export function toMembership(m: MembershipRecord): MembershipType {
  return { organization: m.organization, user: m.user, role: m.role as RoleEnum };
}

export function toToken(t: TokenRecord): ApiTokenType {
  return {
    id: t.id,
    name: t.name,
    user: t.userName,
    prefix: t.prefix,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    expiresAt: t.expiresAt,
  };
}

export function toComponent(c: ComponentRecord): ComponentType {
  return { id: c.id, namespace: c.namespace, name: c.name, createdAt: c.createdAt };
}

export function toComponentVersion(v: ComponentVersionRecord): ComponentVersionType {
  const d = v.definition;
  return {
    namespace: v.namespace,
    name: v.name,
    version: v.version,
    description: d.description,
    image: d.image,
    inputs: d.inputs,
    outputs: d.outputs,
    resources: toResources(d.resources),
    timeoutMs: d.timeoutMs,
    yaml: v.yaml,
    readme: v.readme,
    deprecated: v.deprecated,
    deprecationMessage: v.deprecationMessage,
    publishedAt: v.publishedAt,
    publishedBy: v.publishedBy,
  };
}

/**
 * The component's default resources under the file's own keys, in base units: CPU in cores
 * (`500m` → 0.5), memory in bytes (`1Gi` → 1073741824). Keys the file does not set are absent.
 */
function toResources(r: ResourceRequirements): Record<string, number> {
  const out: Record<string, number> = {};
  if (r.cpuMillis !== undefined) out['cpu'] = r.cpuMillis / 1000;
  if (r.memoryBytes !== undefined) out['memory'] = r.memoryBytes;
  if (r.cpuLimitMillis !== undefined) out['cpuLimit'] = r.cpuLimitMillis / 1000;
  if (r.memoryLimitBytes !== undefined) out['memoryLimit'] = r.memoryLimitBytes;
  return out;
}

export function toSecret(s: SecretRecord): SecretType {
  return {
    organization: s.organization,
    name: s.name,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function toPluginHealth(p: PluginHealth): PluginHealthType {
  return {
    kind: p.kind as PluginKindEnum,
    name: p.name,
    version: p.version,
    healthy: p.healthy,
    detail: p.detail,
    active: p.active,
  };
}
