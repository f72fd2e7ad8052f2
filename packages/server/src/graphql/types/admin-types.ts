/** Secrets (names only) and plugin health. */
import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars.js';
import { PluginKindEnum } from './enums.js';

@ObjectType('Secret')
export class SecretType {
  @Field(() => String)
  organization!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DateTimeScalar)
  createdAt!: number;

  @Field(() => DateTimeScalar)
  updatedAt!: number;
}

@ObjectType('PluginHealth')
export class PluginHealthType {
  @Field(() => PluginKindEnum)
  kind!: PluginKindEnum;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => Boolean)
  healthy!: boolean;

  @Field(() => String, { nullable: true })
  detail?: string | undefined;

  @Field(() => Boolean, {
    nullable: true,
    description: 'For orchestrators: the one new runs use.',
  })
  active?: boolean | undefined;
}
