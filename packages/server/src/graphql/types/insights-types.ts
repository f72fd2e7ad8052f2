/**
 * Aggregates for the dashboard's charts: run activity, run load and job load per hour, a
 * workflow's slowest jobs.
 */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars.js';

@ObjectType('RunActivityBucket', {
  description: 'Runs created in one hour (UTC), and how many of those succeeded or failed so far.',
})
export class RunActivityBucketType {
  @Field(() => DateTimeScalar, { description: 'Start of the hour.' })
  start!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int, { description: 'Failed or timed out.' })
  failed!: number;
}

@ObjectType('JobDurationStats', {
  description: "One job path's durations over a workflow's last finished runs.",
})
export class JobDurationStatsType {
  @Field(() => String, { description: '`stage.action.job`.' })
  path!: string;

  @Field(() => Int, { description: 'How many of those runs ran this job to an end.' })
  runs!: number;

  @Field(() => Float)
  medianMs!: number;

  @Field(() => Float)
  maxMs!: number;
}

@ObjectType('RunLoadBucket', {
  description:
    'The busiest moments of one hour (UTC): the most runs queued and running at once. Counted per ' +
    'run; running jobs and per-orchestrator load: `jobLoad`.',
})
export class RunLoadBucketType {
  @Field(() => DateTimeScalar, { description: 'Start of the hour.' })
  start!: number;

  @Field(() => Int, { description: 'The most runs waiting to start at any moment of the hour.' })
  maxQueued!: number;

  @Field(() => Int, {
    description: 'The most runs started and not yet ended at any moment of the hour.',
  })
  maxRunning!: number;
}

@ObjectType('OrchestratorLoad', {
  description: "One orchestrator's share of an hour's job attempts.",
})
export class OrchestratorLoadType {
  @Field(() => String, {
    description: 'The orchestrator (`docker`, `kubernetes`, …) of the server that ran the jobs.',
  })
  orchestrator!: string;

  @Field(() => Int, { description: 'Job attempts started on it in the hour.' })
  started!: number;

  @Field(() => Int, {
    description: 'The most job attempts running on it at once at any moment of the hour.',
  })
  maxRunning!: number;
}

@ObjectType('JobLoadBucket', {
  description:
    'Job attempts in one hour (UTC), each fan-out instance and retry counted: how many started ' +
    'and the most running at once, in all and per orchestrator.',
})
export class JobLoadBucketType {
  @Field(() => DateTimeScalar, { description: 'Start of the hour.' })
  start!: number;

  @Field(() => Int, { description: 'Job attempts started in the hour, on every orchestrator.' })
  started!: number;

  @Field(() => Int, {
    description: 'The most job attempts running at once at any moment of the hour, in all.',
  })
  maxRunning!: number;

  @Field(() => [OrchestratorLoadType], {
    description: 'The orchestrators that started or ran a job attempt in the hour, by name.',
  })
  orchestrators!: OrchestratorLoadType[];
}
