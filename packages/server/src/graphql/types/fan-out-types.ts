/** A fan-out job's instances: counts on the job, instances a page at a time (issue 16). */
import type { FanOutSnapshot } from '@containerops/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { NodeStatusEnum } from './enums.js';
import { PageInfoType } from './run-types.js';
import { JsonScalar } from './scalars.js';

@ObjectType('FanOutInstance', {
  description: 'One instance of a fan-out job (only instances that started are listed).',
})
export class FanOutInstanceType {
  @Field(() => String, { description: 'job[axis=value,...] or job[index].' })
  name!: string;

  @Field(() => String, { description: "stage.action.name: the job path of the instance's logs." })
  path!: string;

  @Field(() => NodeStatusEnum)
  status!: NodeStatusEnum;

  @Field(() => Int)
  attempt!: number;

  @Field(() => Int, { nullable: true })
  exitCode?: number | null | undefined;

  @Field(() => String, { nullable: true })
  reason?: string | undefined;

  @Field(() => Float, { nullable: true })
  durationMs?: number | undefined;

  @Field(() => JsonScalar, {
    description:
      'What it reported through $CO_OUTPUT: so far while it runs; once it ended, only when it ' +
      "succeeded and its job declares outputs. Capped in size like a job's (outputs-limit).",
  })
  outputs!: Readonly<Record<string, string>>;
}

@ObjectType('FanOutInstanceConnection')
export class FanOutInstanceConnectionType {
  @Field(() => [FanOutInstanceType])
  nodes!: FanOutInstanceType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'Started instances matching the filter.' })
  totalCount!: number;
}

/** `instances` is a field resolver (resolvers/fan-out-fields.ts). */
@ObjectType('FanOut', {
  description:
    'The instances of a job that fans out (matrix or fan-out): counts here, the instances as a paged list.',
})
export class FanOutType {
  @Field(() => Int, {
    description: 'Instances in all (a dynamic list is read when the job starts).',
  })
  total!: number;

  @Field(() => Int)
  started!: number;

  @Field(() => Int)
  running!: number;

  @Field(() => Int)
  passed!: number;

  @Field(() => Int, { description: 'Failed, timed out or cancelled.' })
  failed!: number;

  @Field(() => Int, {
    description: 'Never started (fail-fast, cancel); set when the fan-out ends.',
  })
  skipped!: number;

  /** The snapshot the instances are paged from (not a GraphQL field). */
  source!: { readonly path: string; readonly fanOut: FanOutSnapshot };
}
