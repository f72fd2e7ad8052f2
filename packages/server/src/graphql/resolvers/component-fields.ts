/** Component fields read on demand: its versions. */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { toComponentVersion } from '../mappers.js';
import { ComponentType, ComponentVersionType } from '../types/component-types.js';

@Resolver(() => ComponentType)
export class ComponentFieldsResolver {
  @FieldResolver(() => ComponentVersionType, { nullable: true })
  async latest(
    @Root() component: ComponentType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ComponentVersionType | null> {
    const p = requirePrincipal(ctx);
    const found = await ctx.services.components.version(p, component.namespace, component.name);
    return found === undefined ? null : toComponentVersion(found);
  }

  @FieldResolver(() => [ComponentVersionType])
  async versions(
    @Root() component: ComponentType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ComponentVersionType[]> {
    const p = requirePrincipal(ctx);
    const all = await ctx.services.components.versions(p, component.namespace, component.name);
    return all.map(toComponentVersion);
  }
}
