/** Workflow fields read on demand: versions and the last run. */
import { UserError } from '@containerops/core';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { ServerErrorCode } from '../../services/contracts.js';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { toRun, toWorkflowVersion } from '../mappers.js';
import { RunType } from '../types/run-types.js';
import { WorkflowType, WorkflowVersionType } from '../types/workflow-types.js';

@Resolver(() => WorkflowType)
export class WorkflowFieldsResolver {
  @FieldResolver(() => WorkflowVersionType)
  async latestVersion(
    @Root() workflow: WorkflowType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<WorkflowVersionType> {
    const p = requirePrincipal(ctx);
    const version = await ctx.cache.get(`workflow-version:${workflow.uri}:latest`, () =>
      ctx.services.workflows.version(p, workflow.uri),
    );
    if (version === undefined) {
      throw new UserError(ServerErrorCode.notFound, `Workflow ${workflow.uri} has no version.`);
    }
    return toWorkflowVersion(version);
  }

  @FieldResolver(() => [WorkflowVersionType])
  async versions(
    @Root() workflow: WorkflowType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<WorkflowVersionType[]> {
    const p = requirePrincipal(ctx);
    return (await ctx.services.workflows.versions(p, workflow.uri)).map(toWorkflowVersion);
  }

  @FieldResolver(() => WorkflowVersionType, { nullable: true })
  async version(
    @Root() workflow: WorkflowType,
    @Arg('number', () => Int) number: number,
    @Ctx() ctx: GraphqlContext,
  ): Promise<WorkflowVersionType | null> {
    const p = requirePrincipal(ctx);
    const version = await ctx.services.workflows.version(p, workflow.uri, number);
    return version === undefined ? null : toWorkflowVersion(version);
  }

  /** One indexed "newest run of this workflow" read per workflow (memoised per operation). */
  @FieldResolver(() => RunType, { nullable: true })
  async lastRun(
    @Root() workflow: WorkflowType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType | null> {
    const p = requirePrincipal(ctx);
    const page = await ctx.cache.get(`last-run:${workflow.uri}`, () =>
      ctx.services.runs.list(p, { workflow: workflow.uri }, { first: 1 }),
    );
    const run = page.runs[0];
    return run === undefined ? null : toRun(run);
  }
}
