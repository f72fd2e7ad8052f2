/** The component repository. */
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, JsonScalar } from './scalars.js';

@ObjectType('ComponentInput')
export class ComponentInputType {
  @Field(() => String)
  key!: string;

  @Field(() => String, { nullable: true })
  description?: string | undefined;

  @Field(() => Boolean)
  required!: boolean;

  @Field(() => String, { nullable: true })
  default?: string | undefined;

  @Field(() => Boolean)
  secret!: boolean;
}

@ObjectType('ComponentOutput')
export class ComponentOutputType {
  @Field(() => String)
  key!: string;

  @Field(() => String, { nullable: true })
  description?: string | undefined;
}

@ObjectType('ComponentVersion')
export class ComponentVersionType {
  @Field(() => String)
  namespace!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { nullable: true })
  description?: string | undefined;

  @Field(() => String)
  image!: string;

  @Field(() => [ComponentInputType])
  inputs!: readonly ComponentInputType[];

  @Field(() => [ComponentOutputType])
  outputs!: readonly ComponentOutputType[];

  @Field(() => JsonScalar, { description: '{ cpu, memory, cpuLimit, memoryLimit } as given.' })
  resources!: Record<string, number>;

  @Field(() => Float, { nullable: true })
  timeoutMs?: number | undefined;

  @Field(() => String)
  yaml!: string;

  @Field(() => String, { nullable: true })
  readme?: string | undefined;

  @Field(() => Boolean)
  deprecated!: boolean;

  @Field(() => String, { nullable: true })
  deprecationMessage?: string | undefined;

  @Field(() => DateTimeScalar)
  publishedAt!: number;

  @Field(() => String)
  publishedBy!: string;
}

/** `latest` and `versions` are field resolvers. */
@ObjectType('Component')
export class ComponentType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'library, an organisation or a user' })
  namespace!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DateTimeScalar)
  createdAt!: number;
}
