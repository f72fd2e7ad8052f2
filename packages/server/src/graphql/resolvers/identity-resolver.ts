/** Who am I, organisations and their members, API tokens. */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { InputLimits, checkName, checkRange } from '../input-rules.js';
import { toMembership, toOrganization, toToken, toUser } from '../mappers.js';
import { RoleEnum } from '../types/enums.js';
import {
  ApiTokenType,
  CreatedTokenType,
  MembershipType,
  OrganizationType,
  UserType,
} from '../types/identity-types.js';

@Resolver()
export class IdentityResolver {
  @Query(() => UserType)
  async me(@Ctx() ctx: GraphqlContext): Promise<UserType> {
    return toUser(await ctx.services.identity.me(requirePrincipal(ctx)));
  }

  @Query(() => [OrganizationType])
  async organizations(@Ctx() ctx: GraphqlContext): Promise<OrganizationType[]> {
    const orgs = await ctx.services.identity.listOrganizations(requirePrincipal(ctx));
    return orgs.map(toOrganization);
  }

  @Query(() => OrganizationType, { nullable: true })
  async organization(
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<OrganizationType | null> {
    const p = requirePrincipal(ctx);
    checkName('name', name);
    const orgs = await ctx.services.identity.listOrganizations(p);
    const org = orgs.find((o) => o.name === name);
    return org === undefined ? null : toOrganization(org);
  }

  @Mutation(() => OrganizationType)
  async createOrganization(
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<OrganizationType> {
    const p = requirePrincipal(ctx);
    return toOrganization(
      await ctx.services.identity.createOrganization(p, checkName('name', name)),
    );
  }

  @Mutation(() => MembershipType)
  async setMember(
    @Arg('organization', () => String) organization: string,
    @Arg('user', () => String) user: string,
    @Arg('role', () => RoleEnum) role: RoleEnum,
    @Ctx() ctx: GraphqlContext,
  ): Promise<MembershipType> {
    const p = requirePrincipal(ctx);
    checkName('organization', organization);
    checkName('user', user);
    return toMembership(await ctx.services.identity.setMember(p, organization, user, role));
  }

  @Mutation(() => Boolean)
  async removeMember(
    @Arg('organization', () => String) organization: string,
    @Arg('user', () => String) user: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<boolean> {
    const p = requirePrincipal(ctx);
    checkName('organization', organization);
    checkName('user', user);
    return ctx.services.identity.removeMember(p, organization, user);
  }

  @Query(() => [ApiTokenType])
  async tokens(@Ctx() ctx: GraphqlContext): Promise<ApiTokenType[]> {
    return (await ctx.services.identity.listTokens(requirePrincipal(ctx))).map(toToken);
  }

  @Mutation(() => CreatedTokenType)
  async createToken(
    @Arg('name', () => String) name: string,
    @Arg('expiresInDays', () => Int, { nullable: true }) expiresInDays: number | null | undefined,
    @Arg('forUser', () => String, { nullable: true }) forUser: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<CreatedTokenType> {
    const p = requirePrincipal(ctx);
    checkName('name', name);
    const options: { expiresInDays?: number; forUser?: string } = {};
    if (expiresInDays !== null && expiresInDays !== undefined) {
      options.expiresInDays = checkRange('expiresInDays', expiresInDays, 1, InputLimits.tokenDays);
    }
    if (forUser !== null && forUser !== undefined) options.forUser = checkName('forUser', forUser);
    const created = await ctx.services.identity.createToken(p, name, options);
    return { token: toToken(created.record), secret: created.secret };
  }

  @Mutation(() => Boolean)
  async deleteToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<boolean> {
    const p = requirePrincipal(ctx);
    return ctx.services.identity.deleteToken(p, checkName('id', id));
  }
}
