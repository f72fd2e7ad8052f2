/**
 * The API's shapes (schema.graphql: upper-case enums, ISO dates, nulls) turned back into the
 * engine's (`EngineEvent`, `JobLogLine`, `RunSnapshot`), so the run views of `src/render/` show a
 * server's run exactly as they show a local one.
 */
import type {
  AnyStatus,
  EngineEvent,
  EventScope,
  JobLogLine,
  NodeStatus,
  RunSnapshot,
  RunStatus,
  StageRunSnapshot,
} from '@containerops/core';

/** Selection of `Event` fields {@link toEngineEvent} reads. */
export const EVENT_FIELDS = 'seq runId time scope path status attempt reason exitCode outputs data';

/** Selection of `LogLine` fields {@link toJobLogLine} reads. */
export const LOG_LINE_FIELDS = 'runId jobPath attempt seq stream text time';

const TIMES = 'startedAt finishedAt';
const JOB_FIELDS = `name path status attempt exitCode reason outputs ${TIMES}`;
/** Selection of `Run` fields {@link toRunSnapshot} reads. */
export const RUN_FIELDS = `id workflowUri workflowVersion status reason createdAt ${TIMES} lastSeq
  stages { name type status reason ${TIMES} decision { approved by comment }
    actions { name path status reason ${TIMES} jobs { ${JOB_FIELDS} } } }`;

export interface ApiEvent {
  readonly seq: number;
  readonly runId: string;
  readonly time: string;
  readonly scope: string;
  readonly path: string;
  readonly status: string;
  readonly attempt?: number | null;
  readonly reason?: string | null;
  readonly exitCode?: number | null;
  readonly outputs?: Record<string, string> | null;
  readonly data?: Record<string, unknown> | null;
}

export interface ApiLogLine {
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt: number;
  readonly seq: number;
  readonly stream: string;
  readonly text: string;
  readonly time: string;
}

interface ApiTimes {
  readonly status: string;
  readonly reason?: string | null;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
}

interface ApiJob extends ApiTimes {
  readonly name: string;
  readonly path: string;
  readonly attempt: number;
  readonly exitCode?: number | null;
  readonly outputs?: Record<string, string> | null;
}

interface ApiAction extends ApiTimes {
  readonly name: string;
  readonly path: string;
  readonly jobs: readonly ApiJob[];
}

interface ApiStage extends ApiTimes {
  readonly name: string;
  readonly type: string;
  readonly decision?: { approved: boolean; by?: string | null; comment?: string | null } | null;
  readonly actions: readonly ApiAction[];
}

export interface ApiRun extends ApiTimes {
  readonly id: string;
  readonly workflowUri: string;
  readonly workflowVersion: number;
  readonly createdAt: string;
  readonly lastSeq: number;
  readonly stages: readonly ApiStage[];
}

/** `TIMED_OUT` → `timed_out`: the API's enum names are the engine's, upper-cased. */
function lower<T extends string>(value: string): T {
  return value.toLowerCase() as T;
}

function ms(iso: string | null | undefined): number | undefined {
  if (iso == null) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** Copies the keys whose value is neither null nor undefined (exactOptionalPropertyTypes). */
function defined<T extends object>(value: { [K in keyof T]: T[K] | null | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v != null) out[key] = v;
  return out as T;
}

export function toEngineEvent(e: ApiEvent): EngineEvent {
  return {
    seq: e.seq,
    runId: e.runId,
    time: ms(e.time) ?? 0,
    scope: lower<EventScope>(e.scope),
    path: e.path,
    status: lower<AnyStatus>(e.status),
    ...defined({
      attempt: e.attempt,
      reason: e.reason,
      outputs: e.outputs,
      data: e.data,
    }),
    // null is meaningful for exitCode (killed by a signal): keep it when the API sent it.
    ...(e.exitCode === undefined ? {} : { exitCode: e.exitCode }),
  };
}

export function toJobLogLine(l: ApiLogLine): JobLogLine {
  return {
    runId: l.runId,
    jobPath: l.jobPath,
    attempt: l.attempt,
    seq: l.seq,
    stream: lower<JobLogLine['stream']>(l.stream),
    text: l.text,
    time: ms(l.time) ?? 0,
  };
}

function times(node: ApiTimes): { reason?: string; startedAt?: number; finishedAt?: number } {
  return defined({
    reason: node.reason,
    startedAt: ms(node.startedAt),
    finishedAt: ms(node.finishedAt),
  });
}

function toStage(s: ApiStage): StageRunSnapshot {
  return {
    name: s.name,
    type: lower<StageRunSnapshot['type']>(s.type),
    status: lower<NodeStatus>(s.status),
    ...times(s),
    ...(s.decision == null
      ? {}
      : {
          decision: {
            approved: s.decision.approved,
            ...defined({ by: s.decision.by, comment: s.decision.comment }),
          },
        }),
    actions: s.actions.map((a) => ({
      name: a.name,
      path: a.path,
      status: lower<NodeStatus>(a.status),
      ...times(a),
      jobs: a.jobs.map((j) => ({
        name: j.name,
        path: j.path,
        status: lower<NodeStatus>(j.status),
        attempt: j.attempt,
        outputs: j.outputs ?? {},
        ...times(j),
        ...(j.exitCode === undefined ? {} : { exitCode: j.exitCode }),
      })),
    })),
  };
}

export function toRunSnapshot(r: ApiRun): RunSnapshot {
  return {
    runId: r.id,
    workflow: r.workflowUri,
    workflowVersion: r.workflowVersion,
    status: lower<RunStatus>(r.status),
    createdAt: ms(r.createdAt) ?? 0,
    ...times(r),
    lastSeq: r.lastSeq,
    stages: r.stages.map(toStage),
  };
}
