/** Workflows: list, read, validate, apply, delete. */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import {
  InputLimits,
  checkName,
  checkOptionalText,
  checkText,
  checkWorkflowUri,
} from '../input-rules.js';
import { toDiagnostics, toWorkflow, toWorkflowVersion } from '../mappers.js';
import {
  ApplyWorkflowResultType,
  ValidationResultType,
  WorkflowType,
} from '../types/workflow-types.js';

@Resolver()
export class WorkflowResolver {
  @Query(() => [WorkflowType])
  async workflows(
    @Arg('organization', () => String, { nullable: true }) organization: string | null | undefined,
    @Arg('search', () => String, { nullable: true }) search: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<WorkflowType[]> {
    const p = requirePrincipal(ctx);
    const filter: { organization?: string; search?: string } = {};
    if (organization != null) filter.organization = checkName('organization', organization);
    const text = checkOptionalText('search', search, InputLimits.name);
    if (text !== undefined) filter.search = text;
    return (await ctx.services.workflows.list(p, filter)).map(toWorkflow);
  }

  @Query(() => WorkflowType, { nullable: true })
  async workflow(
    @Arg('uri', () => String) uri: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<WorkflowType | null> {
    const p = requirePrincipal(ctx);
    const found = await ctx.services.workflows.get(p, checkWorkflowUri('uri', uri));
    return found === undefined ? null : toWorkflow(found);
  }

  @Mutation(() => ValidationResultType)
  async validateWorkflow(
    @Arg('yaml', () => String) yaml: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ValidationResultType> {
    const p = requirePrincipal(ctx);
    const result = await ctx.services.workflows.validate(
      p,
      checkText('yaml', yaml, InputLimits.yaml),
    );
    return { ok: result.ok, diagnostics: toDiagnostics(result.diagnostics), model: result.model };
  }

  @Mutation(() => ApplyWorkflowResultType)
  async applyWorkflow(
    @Arg('yaml', () => String) yaml: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ApplyWorkflowResultType> {
    const p = requirePrincipal(ctx);
    const result = await ctx.services.workflows.apply(p, checkText('yaml', yaml, InputLimits.yaml));
    return {
      ok: result.ok,
      diagnostics: toDiagnostics(result.diagnostics),
      workflow: result.workflow && toWorkflow(result.workflow),
      version: result.version && toWorkflowVersion(result.version),
      changed: result.changed,
    };
  }

  @Mutation(() => Boolean)
  async deleteWorkflow(
    @Arg('uri', () => String) uri: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<boolean> {
    const p = requirePrincipal(ctx);
    return ctx.services.workflows.remove(p, checkWorkflowUri('uri', uri));
  }
}
