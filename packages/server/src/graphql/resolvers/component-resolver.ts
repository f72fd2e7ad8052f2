/** The component repository: browse, publish, deprecate, delete. */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { InputLimits, checkName, checkOptionalText, checkText } from '../input-rules.js';
import { toComponent, toComponentVersion } from '../mappers.js';
import { ComponentType, ComponentVersionType } from '../types/component-types.js';

@Resolver()
export class ComponentResolver {
  @Query(() => [ComponentType])
  async components(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null | undefined,
    @Arg('search', () => String, { nullable: true }) search: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ComponentType[]> {
    const p = requirePrincipal(ctx);
    const filter: { namespace?: string; search?: string } = {};
    if (namespace != null) filter.namespace = checkName('namespace', namespace);
    const text = checkOptionalText('search', search, InputLimits.name);
    if (text !== undefined) filter.search = text;
    return (await ctx.services.components.list(p, filter)).map(toComponent);
  }

  @Query(() => ComponentType, { nullable: true })
  async component(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ComponentType | null> {
    const p = requirePrincipal(ctx);
    const found = await ctx.services.components.get(
      p,
      checkName('namespace', namespace),
      checkName('name', name),
    );
    return found === undefined ? null : toComponent(found);
  }

  @Mutation(() => ComponentVersionType)
  async publishComponent(
    @Arg('yaml', () => String) yaml: string,
    @Arg('readme', () => String, { nullable: true }) readme: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ComponentVersionType> {
    const p = requirePrincipal(ctx);
    const published = await ctx.services.components.publish(
      p,
      checkText('yaml', yaml, InputLimits.yaml),
      checkOptionalText('readme', readme, InputLimits.readme),
    );
    return toComponentVersion(published);
  }

  @Mutation(() => ComponentVersionType)
  async deprecateComponentVersion(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Arg('version', () => String) version: string,
    @Arg('message', () => String, { nullable: true }) message: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ComponentVersionType> {
    const p = requirePrincipal(ctx);
    const deprecated = await ctx.services.components.deprecate(
      p,
      checkName('namespace', namespace),
      checkName('name', name),
      checkText('version', version, InputLimits.name),
      checkOptionalText('message', message, InputLimits.text),
    );
    return toComponentVersion(deprecated);
  }

  @Mutation(() => Boolean)
  async deleteComponentVersion(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Arg('version', () => String) version: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<boolean> {
    const p = requirePrincipal(ctx);
    return ctx.services.components.remove(
      p,
      checkName('namespace', namespace),
      checkName('name', name),
      checkText('version', version, InputLimits.name),
    );
  }
}
