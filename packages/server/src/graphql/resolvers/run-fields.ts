/** Run fields read on demand. */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { toWorkflow } from '../mappers.js';
import { RunType } from '../types/run-types.js';
import { WorkflowType } from '../types/workflow-types.js';

@Resolver(() => RunType)
export class RunFieldsResolver {
  /** Memoised per operation: a page of runs mostly shares a few workflows. */
  @FieldResolver(() => WorkflowType, { nullable: true })
  async workflow(@Root() run: RunType, @Ctx() ctx: GraphqlContext): Promise<WorkflowType | null> {
    const p = requirePrincipal(ctx);
    const found = await ctx.cache.get(`workflow:${run.workflowUri}`, () =>
      ctx.services.workflows.get(p, run.workflowUri),
    );
    return found === undefined ? null : toWorkflow(found);
  }
}
