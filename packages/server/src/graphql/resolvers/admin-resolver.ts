/** Secrets (write-only values) and plugin health. */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { InputLimits, checkName, checkSecretName, checkText } from '../input-rules.js';
import { toPluginHealth, toSecret } from '../mappers.js';
import { PluginHealthType, SecretType } from '../types/admin-types.js';

@Resolver()
export class AdminResolver {
  @Query(() => [SecretType], { description: 'Names only: values are write-only.' })
  async secrets(
    @Arg('organization', () => String) organization: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<SecretType[]> {
    const p = requirePrincipal(ctx);
    return (await ctx.services.secrets.list(p, checkName('organization', organization))).map(
      toSecret,
    );
  }

  @Mutation(() => SecretType)
  async setSecret(
    @Arg('organization', () => String) organization: string,
    @Arg('name', () => String) name: string,
    @Arg('value', () => String) value: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<SecretType> {
    const p = requirePrincipal(ctx);
    const record = await ctx.services.secrets.set(
      p,
      checkName('organization', organization),
      checkSecretName(name),
      checkText('value', value, InputLimits.secretValue),
    );
    return toSecret(record);
  }

  @Mutation(() => Boolean)
  async deleteSecret(
    @Arg('organization', () => String) organization: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<boolean> {
    const p = requirePrincipal(ctx);
    return ctx.services.secrets.remove(
      p,
      checkName('organization', organization),
      checkSecretName(name),
    );
  }

  @Query(() => [PluginHealthType])
  async plugins(@Ctx() ctx: GraphqlContext): Promise<PluginHealthType[]> {
    return (await ctx.services.health.plugins(requirePrincipal(ctx))).map(toPluginHealth);
  }
}
