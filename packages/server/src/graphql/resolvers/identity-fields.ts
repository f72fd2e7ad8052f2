/** Fields of User and Organization that need the caller or another service call. */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { toMembership } from '../mappers.js';
import type { RoleEnum } from '../types/enums.js';
import { RoleEnum as RoleEnumType } from '../types/enums.js';
import { MembershipType, OrganizationType, UserType } from '../types/identity-types.js';

@Resolver(() => UserType)
export class UserFieldsResolver {
  /**
   * `User` is only ever the caller (`me`), whose roles the principal already holds: no query.
   */
  @FieldResolver(() => [MembershipType])
  memberships(@Root() user: UserType, @Ctx() ctx: GraphqlContext): MembershipType[] {
    const p = requirePrincipal(ctx);
    if (p.userId !== user.id) return [];
    return [...p.roles].map(([organization, role]) => ({
      organization,
      user: user.name,
      role: role as RoleEnum,
    }));
  }
}

@Resolver(() => OrganizationType)
export class OrganizationFieldsResolver {
  @FieldResolver(() => RoleEnumType, {
    nullable: true,
    description: "The caller's role here (null for a site admin who is not a member).",
  })
  myRole(@Root() org: OrganizationType, @Ctx() ctx: GraphqlContext): RoleEnum | null {
    return (requirePrincipal(ctx).roles.get(org.name) as RoleEnum | undefined) ?? null;
  }

  @FieldResolver(() => [MembershipType])
  async members(
    @Root() org: OrganizationType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<MembershipType[]> {
    const p = requirePrincipal(ctx);
    const members = await ctx.cache.get(`members:${org.name}`, () =>
      ctx.services.identity.listMembers(p, org.name),
    );
    return members.map(toMembership);
  }
}
