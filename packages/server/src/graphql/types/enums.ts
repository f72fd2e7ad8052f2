/**
 * GraphQL enums. Each member's value is the name the services and the engine use (lower case,
 * `logStore`...), so resolvers pass records through without a mapping table; the GraphQL name is
 * the member's key.
 */
import { registerEnumType } from 'type-graphql';

export enum RoleEnum {
  ADMIN = 'admin',
  MEMBER = 'member',
  VIEWER = 'viewer',
}

export enum RunStatusEnum {
  QUEUED = 'queued',
  RUNNING = 'running',
  WAITING = 'waiting',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  TIMED_OUT = 'timed_out',
  CANCELLED = 'cancelled',
}

export enum NodeStatusEnum {
  PENDING = 'pending',
  RUNNING = 'running',
  WAITING = 'waiting',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  TIMED_OUT = 'timed_out',
  CANCELLED = 'cancelled',
  SKIPPED = 'skipped',
}

export enum StageTypeEnum {
  START = 'start',
  NORMAL = 'normal',
  PAUSE = 'pause',
  END = 'end',
}

export enum EventScopeEnum {
  RUN = 'run',
  STAGE = 'stage',
  ACTION = 'action',
  JOB = 'job',
}

export enum LogStreamEnum {
  STDOUT = 'stdout',
  STDERR = 'stderr',
  SYSTEM = 'system',
}

export enum SeverityEnum {
  ERROR = 'error',
  WARNING = 'warning',
}

export enum PluginKindEnum {
  ORCHESTRATOR = 'orchestrator',
  LOG_STORE = 'logStore',
  TRIGGER = 'trigger',
  NOTIFIER = 'notifier',
  HOOK = 'hook',
}

/** Why a job attempt's stored log is incomplete (core's `LogTruncation.cause`). */
export enum LogTruncationCauseEnum {
  /** The per-attempt log size limit (`jobLogLimit`) was reached. */
  LIMIT = 'limit',
  /** The log store refused lines (disk full): they were given up after retries. */
  STORAGE = 'storage',
}

registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(RunStatusEnum, { name: 'RunStatus' });
registerEnumType(NodeStatusEnum, { name: 'NodeStatus' });
registerEnumType(StageTypeEnum, { name: 'StageType' });
registerEnumType(EventScopeEnum, { name: 'EventScope' });
registerEnumType(LogStreamEnum, { name: 'LogStream' });
registerEnumType(SeverityEnum, { name: 'Severity' });
registerEnumType(PluginKindEnum, { name: 'PluginKind' });
registerEnumType(LogTruncationCauseEnum, { name: 'LogTruncationCause' });
