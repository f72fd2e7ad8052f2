/**
 * The server's tables as TypeORM entity schemas (no decorators: vitest's transformer and
 * emitDecoratorMetadata do not mix well). The tables themselves are made by the migrations in
 * ./migrations; these schemas only map rows.
 */
import { EntitySchema } from 'typeorm';
import { RunNotificationEntity } from '../notifiers/notification.entity.js';
import { ReplayKeyEntity } from '../triggers/replay-key.entity.js';
import { TriggerClaimEntity } from '../triggers/trigger-claim.entity.js';
import { idColumn, longText, msColumn, msTransformer, nameColumn } from './columns.js';
import { JobAttemptEntity } from './job-attempt.entity.js';
import { RunLeaseEntity } from '../replicas/run-lease.entity.js';

export interface UserRow {
  id: string;
  name: string;
  siteAdmin: boolean;
  createdAt: number;
}
export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: idColumn(),
    name: nameColumn('name', 100),
    siteAdmin: { name: 'site_admin', type: 'boolean' },
    createdAt: msColumn('created_at'),
  },
});

export interface OrganizationRow {
  id: string;
  name: string;
  createdAt: number;
}
export const OrganizationEntity = new EntitySchema<OrganizationRow>({
  name: 'Organization',
  tableName: 'organizations',
  columns: { id: idColumn(), name: nameColumn('name', 100), createdAt: msColumn('created_at') },
});

export interface MemberRow {
  organizationId: string;
  userId: string;
  role: string;
}
export const MemberEntity = new EntitySchema<MemberRow>({
  name: 'Member',
  tableName: 'members',
  columns: {
    organizationId: idColumn('organization_id'),
    userId: idColumn('user_id'),
    role: nameColumn('role', 16),
  },
});

export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}
export const ApiTokenEntity = new EntitySchema<ApiTokenRow>({
  name: 'ApiToken',
  tableName: 'api_tokens',
  columns: {
    id: idColumn(),
    userId: idColumn('user_id', false),
    name: nameColumn('name'),
    prefix: nameColumn('prefix', 16),
    hash: nameColumn('hash', 64),
    createdAt: msColumn('created_at'),
    lastUsedAt: msColumn('last_used_at', true),
    expiresAt: msColumn('expires_at', true),
  },
});

export interface ComponentRow {
  id: string;
  namespace: string;
  name: string;
  createdAt: number;
}
export const ComponentEntity = new EntitySchema<ComponentRow>({
  name: 'Component',
  tableName: 'components',
  columns: {
    id: idColumn(),
    namespace: nameColumn('namespace', 100),
    name: nameColumn('name', 100),
    createdAt: msColumn('created_at'),
  },
});

export interface ComponentVersionRow {
  componentId: string;
  version: string;
  yaml: string;
  definition: string;
  readme: string | null;
  deprecated: boolean;
  deprecationMessage: string | null;
  publishedAt: number;
  publishedBy: string;
}
export const ComponentVersionEntity = new EntitySchema<ComponentVersionRow>({
  name: 'ComponentVersion',
  tableName: 'component_versions',
  columns: {
    componentId: idColumn('component_id'),
    version: { name: 'version', type: 'varchar', length: 100, primary: true },
    yaml: longText('yaml'),
    definition: longText('definition'),
    readme: longText('readme', true),
    deprecated: { name: 'deprecated', type: 'boolean' },
    deprecationMessage: longText('deprecation_message', true),
    publishedAt: msColumn('published_at'),
    publishedBy: nameColumn('published_by', 100),
  },
});

export interface WorkflowRow {
  id: string;
  uri: string;
  organization: string;
  repository: string;
  name: string;
  title: string | null;
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}
export const WorkflowEntity = new EntitySchema<WorkflowRow>({
  name: 'Workflow',
  tableName: 'workflows',
  columns: {
    id: idColumn(),
    uri: nameColumn('uri', 255),
    organization: nameColumn('organization', 100),
    repository: nameColumn('repository', 100),
    name: nameColumn('name', 100),
    title: longText('title', true),
    latestVersion: { name: 'latest_version', type: 'int' },
    createdAt: msColumn('created_at'),
    updatedAt: msColumn('updated_at'),
  },
});

export interface WorkflowVersionRow {
  workflowId: string;
  number: number;
  yaml: string;
  model: string;
  createdAt: number;
  createdBy: string;
}
export const WorkflowVersionEntity = new EntitySchema<WorkflowVersionRow>({
  name: 'WorkflowVersion',
  tableName: 'workflow_versions',
  columns: {
    workflowId: idColumn('workflow_id'),
    number: { name: 'number', type: 'int', primary: true },
    yaml: longText('yaml'),
    model: longText('model'),
    createdAt: msColumn('created_at'),
    createdBy: nameColumn('created_by', 100),
  },
});

export interface RunRow {
  id: string;
  workflowUri: string;
  organization: string;
  status: string;
  triggerType: string;
  triggeredBy: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The latest RunSnapshot as JSON; null until the engine saved one. */
  snapshot: string | null;
  /** The RunRequest as JSON. */
  request: string | null;
}
export const RunEntity = new EntitySchema<RunRow>({
  name: 'Run',
  tableName: 'runs',
  columns: {
    id: idColumn(),
    workflowUri: nameColumn('workflow_uri', 255),
    organization: nameColumn('organization', 100),
    status: nameColumn('status', 16),
    triggerType: nameColumn('trigger_type', 64),
    triggeredBy: nameColumn('triggered_by', 100, true),
    createdAt: msColumn('created_at'),
    startedAt: msColumn('started_at', true),
    finishedAt: msColumn('finished_at', true),
    snapshot: longText('snapshot', true),
    request: longText('request', true),
  },
});

export interface EventRow {
  seq: number;
  runId: string;
  time: number;
  /** The event without `seq`, as JSON. */
  body: string;
}
export const EventEntity = new EntitySchema<EventRow>({
  name: 'Event',
  tableName: 'events',
  columns: {
    seq: { name: 'seq', type: 'bigint', primary: true, transformer: msTransformer },
    runId: idColumn('run_id', false),
    time: msColumn('time'),
    body: longText('body'),
  },
});

export interface SecretRow {
  organization: string;
  name: string;
  ciphertext: string;
  iv: string;
  tag: string;
  createdAt: number;
  updatedAt: number;
}
export const SecretEntity = new EntitySchema<SecretRow>({
  name: 'Secret',
  tableName: 'secrets',
  columns: {
    organization: { name: 'organization', type: 'varchar', length: 100, primary: true },
    name: { name: 'name', type: 'varchar', length: 200, primary: true },
    ciphertext: longText('ciphertext'),
    iv: nameColumn('iv', 32),
    tag: nameColumn('tag', 32),
    createdAt: msColumn('created_at'),
    updatedAt: msColumn('updated_at'),
  },
});

export interface TriggerDeliveryRow {
  id: string;
  triggerType: string;
  receivedAt: number;
  payloadHash: string;
  payloadSize: number;
  status: string;
  runId: string | null;
  error: string | null;
  /** The sender's delivery id (`X-ContainerOps-Delivery`), when it sent one. */
  deliveryId: string | null;
  /** The workflow it was for (the first one it fired, or the generic webhook's path). */
  workflow: string | null;
  /** For a redelivery: the delivery it repeated. */
  redeliveryOf: string | null;
  /** For a redelivery: the user who asked for it (the audit trail). */
  redeliveredBy: string | null;
  /** The request, sealed (triggers/delivery-request.ts); null when not kept. */
  requestCiphertext: string | null;
  requestIv: string | null;
  requestTag: string | null;
}
export const TriggerDeliveryEntity = new EntitySchema<TriggerDeliveryRow>({
  name: 'TriggerDelivery',
  tableName: 'trigger_deliveries',
  columns: {
    id: idColumn(),
    triggerType: nameColumn('trigger_type', 64),
    receivedAt: msColumn('received_at'),
    payloadHash: nameColumn('payload_hash', 64),
    payloadSize: { name: 'payload_size', type: 'int' },
    status: nameColumn('status', 16),
    runId: { name: 'run_id', type: 'varchar', length: 64, nullable: true },
    error: longText('error', true),
    deliveryId: nameColumn('delivery_id', 128, true),
    workflow: nameColumn('workflow', 255, true),
    redeliveryOf: nameColumn('redelivery_of', 64, true),
    redeliveredBy: nameColumn('redelivered_by', 200, true),
    // Not read by list queries (select: false): up to ~7 MiB each.
    requestCiphertext: { ...longText('request_ciphertext', true), select: false },
    requestIv: { ...nameColumn('request_iv', 32, true), select: false },
    requestTag: { ...nameColumn('request_tag', 32, true), select: false },
  },
});

/** A run workspace kept for a re-run from the failed job (workspaces/workspace-keeper.ts). */
export interface KeptWorkspaceRow {
  /** The run that owns it (`workspaceRunId` of every run using it). */
  workspaceId: string;
  workflowUri: string;
  /** The latest run that used it; pruning that run removes the workspace. */
  lastRunId: string;
  /** When its last run ended; null while a run uses it. */
  keptSince: number | null;
  updatedAt: number;
}
export const KeptWorkspaceEntity = new EntitySchema<KeptWorkspaceRow>({
  name: 'KeptWorkspace',
  tableName: 'kept_workspaces',
  columns: {
    workspaceId: idColumn('workspace_id'),
    workflowUri: nameColumn('workflow_uri', 255),
    lastRunId: idColumn('last_run_id', false),
    keptSince: msColumn('kept_since', true),
    updatedAt: msColumn('updated_at'),
  },
});

/** One-time facts about this installation (e.g. `bootstrap`: the first admin was created). */
export interface ServerMarkerRow {
  name: string;
  createdAt: number;
}
export const ServerMarkerEntity = new EntitySchema<ServerMarkerRow>({
  name: 'ServerMarker',
  tableName: 'server_markers',
  columns: {
    name: { name: 'name', type: 'varchar', length: 100, primary: true },
    createdAt: msColumn('created_at'),
  },
});

export const ALL_ENTITIES = [
  UserEntity,
  OrganizationEntity,
  MemberEntity,
  ApiTokenEntity,
  ComponentEntity,
  ComponentVersionEntity,
  WorkflowEntity,
  WorkflowVersionEntity,
  RunEntity,
  EventEntity,
  SecretEntity,
  TriggerDeliveryEntity,
  KeptWorkspaceEntity,
  ServerMarkerEntity,
  ReplayKeyEntity,
  TriggerClaimEntity,
  RunNotificationEntity,
  JobAttemptEntity,
  RunLeaseEntity,
];
