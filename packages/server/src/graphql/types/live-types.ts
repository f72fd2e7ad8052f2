/** Log lines and events: what queries page through and subscriptions stream. */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JsonScalar } from './scalars.js';
import { EventScopeEnum, LogStreamEnum } from './enums.js';

@ObjectType('LogLine')
export class LogLineType {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  jobPath!: string;

  @Field(() => Int)
  attempt!: number;

  @Field(() => Int)
  seq!: number;

  @Field(() => LogStreamEnum)
  stream!: LogStreamEnum;

  @Field(() => String, { description: 'Already masked: secret values appear as ***.' })
  text!: string;

  @Field(() => DateTimeScalar)
  time!: number;
}

@ObjectType('LogChunk', {
  description: 'Log lines that arrived together (a subscription message carries one chunk).',
})
export class LogChunkType {
  @Field(() => [LogLineType])
  lines!: readonly LogLineType[];
}

@ObjectType('Event')
export class EventType {
  @Field(() => Float)
  seq!: number;

  @Field(() => ID)
  runId!: string;

  @Field(() => DateTimeScalar)
  time!: number;

  @Field(() => EventScopeEnum)
  scope!: EventScopeEnum;

  @Field(() => String, {
    description: "'' for the run; stage, stage.action or stage.action.job below it.",
  })
  path!: string;

  @Field(() => String, {
    description:
      'A RunStatus for run events, a NodeStatus otherwise (lower case, as the engine names it).',
  })
  status!: string;

  @Field(() => Int, { nullable: true })
  attempt?: number | undefined;

  @Field(() => String, { nullable: true })
  reason?: string | undefined;

  @Field(() => Int, { nullable: true })
  exitCode?: number | null | undefined;

  @Field(() => JsonScalar, { nullable: true })
  outputs?: unknown;

  @Field(() => JsonScalar, { nullable: true })
  data?: unknown;
}

/** `run` is a field resolver: the run's state is read only when a client asks for it. */
@ObjectType('RunUpdate')
export class RunUpdateType {
  @Field(() => EventType)
  event!: EventType;
}
