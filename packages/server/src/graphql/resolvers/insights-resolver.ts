/** Aggregates for the dashboard's charts (bounded, indexed: see services/run-insights.service.ts). */
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import {
  ACTIVITY_MAX_HOURS,
  SLOWEST_MAX_JOBS,
  SLOWEST_MAX_RUNS,
} from '../../services/run-insights.service.js';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { checkName, checkRange, checkWorkflowUri } from '../input-rules.js';
import {
  JobDurationStatsType,
  JobLoadBucketType,
  RunActivityBucketType,
  RunLoadBucketType,
} from '../types/insights-types.js';

@Resolver()
export class InsightsResolver {
  @Query(() => [RunActivityBucketType], {
    description:
      'Runs created per hour over the last `hours` hours (1–168; the current hour last, empty ' +
      'hours included) in the organisations the caller can view, or in `organization`.',
  })
  async runActivity(
    @Arg('hours', () => Int, { nullable: true, defaultValue: 24 }) hours: number,
    @Arg('organization', () => String, { nullable: true }) organization: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunActivityBucketType[]> {
    const p = requirePrincipal(ctx);
    const org = organization == null ? undefined : checkName('organization', organization);
    const insights = ctx.services.insights;
    if (insights === undefined) return [];
    return insights.activity(p, checkRange('hours', hours, 1, ACTIVITY_MAX_HOURS), org);
  }

  @Query(() => [RunLoadBucketType], {
    description:
      'Queue depth and running runs per hour over the last `hours` hours (1–168; the current hour ' +
      'last, quiet hours included): the most runs queued and running at once in each, in the ' +
      'organisations the caller can view, or in `organization`.',
  })
  async runLoad(
    @Arg('hours', () => Int, { nullable: true, defaultValue: 24 }) hours: number,
    @Arg('organization', () => String, { nullable: true }) organization: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunLoadBucketType[]> {
    const p = requirePrincipal(ctx);
    const org = organization == null ? undefined : checkName('organization', organization);
    const insights = ctx.services.insights;
    if (insights === undefined) return [];
    return insights.load(p, checkRange('hours', hours, 1, ACTIVITY_MAX_HOURS), org);
  }

  @Query(() => [JobLoadBucketType], {
    description:
      'Running jobs and per-orchestrator load per hour over the last `hours` hours (1–168; the ' +
      'current hour last, quiet hours included): job attempts started and the most running at ' +
      'once, in all and per orchestrator, in the organisations the caller can view, or in ' +
      '`organization`.',
  })
  async jobLoad(
    @Arg('hours', () => Int, { nullable: true, defaultValue: 24 }) hours: number,
    @Arg('organization', () => String, { nullable: true }) organization: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<JobLoadBucketType[]> {
    const p = requirePrincipal(ctx);
    const org = organization == null ? undefined : checkName('organization', organization);
    const insights = ctx.services.insights;
    if (insights === undefined) return [];
    const buckets = await insights.jobLoad(
      p,
      checkRange('hours', hours, 1, ACTIVITY_MAX_HOURS),
      org,
    );
    return buckets.map((b) => ({ ...b, orchestrators: [...b.orchestrators] }));
  }

  @Query(() => [JobDurationStatsType], {
    description:
      "A workflow's slowest jobs: the `limit` (1–50) job paths with the longest median duration " +
      'over its last `lastRuns` (1–100) finished runs, slowest first.',
  })
  async slowestJobs(
    @Arg('workflow', () => String) workflow: string,
    @Arg('lastRuns', () => Int, { nullable: true, defaultValue: 100 }) lastRuns: number,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 10 }) limit: number,
    @Ctx() ctx: GraphqlContext,
  ): Promise<JobDurationStatsType[]> {
    const p = requirePrincipal(ctx);
    const insights = ctx.services.insights;
    if (insights === undefined) return [];
    return insights.slowestJobs(
      p,
      checkWorkflowUri('workflow', workflow),
      checkRange('lastRuns', lastRuns, 1, SLOWEST_MAX_RUNS),
      checkRange('limit', limit, 1, SLOWEST_MAX_JOBS),
    );
  }
}
