/** Runs: list, read, counts, logs, and everything that starts or steers one. */
import type { RunStatus } from '@containerops/core';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RunFilter } from '../../services/contracts.js';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import {
  InputLimits,
  checkInputs,
  checkName,
  checkOptionalText,
  checkRange,
  checkText,
  checkWorkflowUri,
} from '../input-rules.js';
import { toLogLine, toRun, toRunCounts } from '../mappers.js';
import { LogLineType } from '../types/live-types.js';
import { JsonScalar } from '../types/scalars.js';
import { RunConnectionType, RunCountsType, RunFilterInput, RunType } from '../types/run-types.js';

@Resolver()
export class RunResolver {
  @Query(() => RunConnectionType)
  async runs(
    @Arg('filter', () => RunFilterInput, { nullable: true })
    filter: RunFilterInput | null | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunConnectionType> {
    const p = requirePrincipal(ctx);
    const page: { first: number; after?: string } = {
      first: checkRange('first', first, 1, InputLimits.pageSize),
    };
    const cursor = checkOptionalText('after', after, InputLimits.name);
    if (cursor !== undefined) page.after = cursor;
    const result = await ctx.services.runs.list(p, toRunFilter(filter), page);
    return {
      nodes: result.runs.map(toRun),
      pageInfo: { endCursor: result.endCursor, hasNextPage: result.hasNextPage },
      totalCount: result.totalCount,
      lastSeq: result.lastSeq,
    };
  }

  @Query(() => RunType, { nullable: true })
  async run(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<RunType | null> {
    const p = requirePrincipal(ctx);
    const record = await ctx.services.runs.get(p, checkName('id', id));
    return record === undefined ? null : toRun(record);
  }

  @Query(() => RunCountsType)
  async runCounts(
    @Arg('organization', () => String, { nullable: true }) organization: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunCountsType> {
    const p = requirePrincipal(ctx);
    const org = organization == null ? undefined : checkName('organization', organization);
    return toRunCounts(await ctx.services.runs.counts(p, org));
  }

  @Query(() => [LogLineType], {
    description:
      "One attempt's lines, at most 10,000 per call; page with afterSeq (seq counts per attempt). " +
      "Without attempt: the job's latest attempt (none before its first start).",
  })
  async jobLogs(
    @Arg('runId', () => ID) runId: string,
    @Arg('jobPath', () => String) jobPath: string,
    @Arg('attempt', () => Int, { nullable: true }) attempt: number | null | undefined,
    @Arg('afterSeq', () => Int, { nullable: true, defaultValue: 0 }) afterSeq: number,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 1000 }) limit: number,
    @Ctx() ctx: GraphqlContext,
  ): Promise<LogLineType[]> {
    const p = requirePrincipal(ctx);
    const query: {
      runId: string;
      jobPath: string;
      attempt?: number;
      afterSeq: number;
      limit: number;
    } = {
      runId: checkName('runId', runId),
      jobPath: checkText('jobPath', jobPath, InputLimits.uri),
      afterSeq: checkRange('afterSeq', afterSeq, 0, Number.MAX_SAFE_INTEGER),
      limit: checkRange('limit', limit, 1, InputLimits.logLimit),
    };
    if (attempt != null) query.attempt = checkRange('attempt', attempt, 1, 1_000_000);
    return (await ctx.services.runs.logs(p, query)).map(toLogLine);
  }

  @Mutation(() => RunType, {
    description:
      "Starts a run with the workflow's declared inputs. Answers with the run once it began " +
      '(or queued behind its concurrency group). Undeclared or reserved input names: RUN_INPUTS_INVALID.',
  })
  async triggerRun(
    @Arg('workflow', () => String) workflow: string,
    @Arg('inputs', () => JsonScalar, { nullable: true }) inputs: unknown,
    @Arg('version', () => Int, { nullable: true }) version: number | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType> {
    const p = requirePrincipal(ctx);
    const options: { inputs?: Record<string, string>; version?: number } = {};
    const checked = checkInputs(inputs);
    if (checked !== undefined) options.inputs = checked;
    if (version != null) options.version = checkRange('version', version, 1, 2 ** 31 - 1);
    return toRun(
      await ctx.services.runs.trigger(p, checkWorkflowUri('workflow', workflow), options),
    );
  }

  @Mutation(() => RunType, {
    description: 'Answers with the run once it is cancelled (its jobs stopped), or ended.',
  })
  async cancelRun(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType> {
    const p = requirePrincipal(ctx);
    const why = checkOptionalText('reason', reason, InputLimits.text);
    return toRun(await ctx.services.runs.cancel(p, checkName('id', id), why));
  }

  @Mutation(() => RunType, {
    description: 'Answers with the run once the stage took the decision (no longer WAITING).',
  })
  async decidePause(
    @Arg('runId', () => ID) runId: string,
    @Arg('stage', () => String) stage: string,
    @Arg('approved', () => Boolean) approved: boolean,
    @Arg('comment', () => String, { nullable: true }) comment: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType> {
    const p = requirePrincipal(ctx);
    const note = checkOptionalText('comment', comment, InputLimits.text);
    const record = await ctx.services.runs.decide(
      p,
      checkName('runId', runId),
      checkText('stage', stage, InputLimits.name),
      approved,
      note,
    );
    return toRun(record);
  }

  @Mutation(() => RunType)
  async rerun(
    @Arg('runId', () => ID) runId: string,
    @Arg('fromFailed', () => Boolean, { nullable: true, defaultValue: false }) fromFailed: boolean,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType> {
    const p = requirePrincipal(ctx);
    return toRun(await ctx.services.runs.rerun(p, checkName('runId', runId), fromFailed));
  }

  @Mutation(() => RunType, {
    description: 'Runs one component with test inputs as a one-job run (triggerType debug).',
  })
  async debugComponent(
    @Arg('organization', () => String) organization: string,
    @Arg('component', () => String) component: string,
    @Arg('version', () => String, { nullable: true }) version: string | null | undefined,
    @Arg('inputs', () => JsonScalar, { nullable: true }) inputs: unknown,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType> {
    const p = requirePrincipal(ctx);
    const options: { version?: string; inputs?: Record<string, string> } = {};
    const v = checkOptionalText('version', version, InputLimits.name);
    if (v !== undefined) options.version = v;
    const checked = checkInputs(inputs);
    if (checked !== undefined) options.inputs = checked;
    const record = await ctx.services.runs.debugComponent(
      p,
      checkName('organization', organization),
      checkText('component', component, InputLimits.uri),
      options,
    );
    return toRun(record);
  }
}

function toRunFilter(input: RunFilterInput | null | undefined): RunFilter {
  if (input == null) return {};
  const filter: {
    organization?: string;
    workflow?: string;
    statuses?: RunStatus[];
    triggerType?: string;
  } = {};
  if (input.organization != null)
    filter.organization = checkName('filter.organization', input.organization);
  if (input.workflow != null) filter.workflow = checkWorkflowUri('filter.workflow', input.workflow);
  if (input.statuses != null) filter.statuses = input.statuses as RunStatus[];
  if (input.triggerType != null) {
    filter.triggerType = checkText('filter.triggerType', input.triggerType, InputLimits.name);
  }
  return filter;
}
