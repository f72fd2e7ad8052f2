/**
 * Aggregates for the dashboard's charts: run activity and load per hour, a workflow's slowest jobs.
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
    'run: job times and orchestrators are not stored per job, so per-job load is not available.',
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
