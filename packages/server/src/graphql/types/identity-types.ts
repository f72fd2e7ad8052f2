/** Users, organisations, memberships and API tokens. */
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars.js';
import { RoleEnum } from './enums.js';

@ObjectType('Membership')
export class MembershipType {
  @Field(() => String)
  organization!: string;

  @Field(() => String)
  user!: string;

  @Field(() => RoleEnum)
  role!: RoleEnum;
}

/** `memberships` is a field resolver (see identity-fields-resolver.ts). */
@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean)
  siteAdmin!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: number;
}

/** `myRole` and `members` are field resolvers. */
@ObjectType('Organization')
export class OrganizationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DateTimeScalar)
  createdAt!: number;
}

@ObjectType('ApiToken')
export class ApiTokenType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  user!: string;

  @Field(() => String)
  prefix!: string;

  @Field(() => DateTimeScalar)
  createdAt!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt?: number | undefined;

  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt?: number | undefined;
}

@ObjectType('CreatedToken')
export class CreatedTokenType {
  @Field(() => ApiTokenType)
  token!: ApiTokenType;

  @Field(() => String, { description: 'The token itself. Shown once; only its hash is stored.' })
  secret!: string;
}
