/** A run and its stage/action/job tree, pages of runs, counts. */
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { FanOutType } from './fan-out-types.js';
import { DateTimeScalar, JsonScalar } from './scalars.js';
import { LogTruncationCauseEnum, NodeStatusEnum, RunStatusEnum, StageTypeEnum } from './enums.js';

@ObjectType('PauseDecision')
export class PauseDecisionType {
  @Field(() => Boolean)
  approved!: boolean;

  @Field(() => String, { nullable: true })
  by?: string | undefined;

  @Field(() => String, { nullable: true })
  comment?: string | undefined;
}

@ObjectType('LogTruncation', {
  description:
    "Why a job attempt's stored log is shorter than what it printed. The job's status is not " +
    'changed by it: its own exit decides.',
})
export class LogTruncationType {
  @Field(() => LogTruncationCauseEnum)
  cause!: LogTruncationCauseEnum;

  @Field(() => Int, { description: 'The attempt whose log is truncated.' })
  attempt!: number;

  @Field(() => String, { description: 'What happened and where the log stops, in words.' })
  message!: string;

  @Field(() => Float, { nullable: true, description: 'Bytes of log text stored (LIMIT).' })
  storedBytes?: number | undefined;

  @Field(() => Float, { nullable: true, description: 'The size limit in bytes (LIMIT).' })
  limitBytes?: number | undefined;

  @Field(() => Float, { description: 'Lines printed but not stored.' })
  droppedLines!: number;
}

@ObjectType('JobRun')
export class JobRunType {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'stage.action.job' })
  path!: string;

  @Field(() => NodeStatusEnum)
  status!: NodeStatusEnum;

  @Field(() => Int, { description: 'Attempts made so far (0 before the first start).' })
  attempt!: number;

  @Field(() => Int, { nullable: true })
  exitCode?: number | null | undefined;

  @Field(() => String, { nullable: true })
  reason?: string | undefined;

  @Field(() => JsonScalar)
  outputs!: Readonly<Record<string, string>>;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt?: number | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt?: number | undefined;

  @Field(() => Float, { nullable: true })
  durationMs?: number | undefined;

  @Field(() => LogTruncationType, {
    nullable: true,
    description:
      "Set when the latest attempt's stored log is incomplete (size limit or storage failure).",
  })
  logTruncated?: LogTruncationType | undefined;

  @Field(() => FanOutType, {
    nullable: true,
    description: 'Set on a job that fans out (matrix or fan-out): its instances.',
  })
  fanOut?: FanOutType | undefined;
}

@ObjectType('ActionRun')
export class ActionRunType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;

  @Field(() => NodeStatusEnum)
  status!: NodeStatusEnum;

  @Field(() => String, { nullable: true })
  reason?: string | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt?: number | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt?: number | undefined;

  @Field(() => Float, { nullable: true })
  durationMs?: number | undefined;

  @Field(() => [JobRunType])
  jobs!: JobRunType[];
}

@ObjectType('StageRun')
export class StageRunType {
  @Field(() => String)
  name!: string;

  @Field(() => StageTypeEnum)
  type!: StageTypeEnum;

  @Field(() => NodeStatusEnum)
  status!: NodeStatusEnum;

  @Field(() => String, { nullable: true })
  reason?: string | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt?: number | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt?: number | undefined;

  @Field(() => Float, { nullable: true })
  durationMs?: number | undefined;

  @Field(() => PauseDecisionType, { nullable: true })
  decision?: PauseDecisionType | undefined;

  @Field(() => [ActionRunType])
  actions!: ActionRunType[];
}

/** `workflow` is a field resolver. */
@ObjectType('Run')
export class RunType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Workflow uri.' })
  workflowUri!: string;

  @Field(() => String)
  organization!: string;

  @Field(() => Int)
  workflowVersion!: number;

  @Field(() => RunStatusEnum)
  status!: RunStatusEnum;

  @Field(() => String, { nullable: true })
  reason?: string | undefined;

  @Field(() => DateTimeScalar)
  createdAt!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt?: number | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt?: number | undefined;

  @Field(() => Float, { nullable: true })
  durationMs?: number | undefined;

  @Field(() => String, {
    description: "manual, api, debug, rerun, a trigger plugin's type...",
  })
  triggerType!: string;

  @Field(() => String, { nullable: true })
  triggeredBy?: string | undefined;

  @Field(() => JsonScalar, { nullable: true })
  trigger?: unknown;

  @Field(() => ID, { nullable: true })
  rerunOf?: string | undefined;

  @Field(() => Float, { description: 'Highest event seq reflected in this state.' })
  lastSeq!: number;

  @Field(() => [StageRunType])
  stages!: StageRunType[];
}

@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => String, { nullable: true })
  endCursor?: string | undefined;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType('RunConnection')
export class RunConnectionType {
  @Field(() => [RunType])
  nodes!: RunType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;

  @Field(() => Float, {
    description:
      'The highest event seq when this page was read: subscribe with afterSeq: lastSeq to miss nothing.',
  })
  lastSeq!: number;
}

@InputType('RunFilter')
export class RunFilterInput {
  @Field(() => String, { nullable: true })
  organization?: string | undefined;

  @Field(() => String, { nullable: true, description: 'Workflow uri.' })
  workflow?: string | undefined;

  @Field(() => [RunStatusEnum], { nullable: true })
  statuses?: RunStatusEnum[] | undefined;

  @Field(() => String, { nullable: true })
  triggerType?: string | undefined;
}

@ObjectType('RunCounts')
export class RunCountsType {
  @Field(() => Int)
  queued!: number;

  @Field(() => Int)
  running!: number;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  timedOut!: number;

  @Field(() => Int)
  cancelled!: number;
}
