/** Workflows, their versions, validation diagnostics. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JsonScalar } from './scalars.js';
import { SeverityEnum } from './enums.js';

@ObjectType('Diagnostic')
export class DiagnosticType {
  @Field(() => SeverityEnum)
  severity!: SeverityEnum;

  @Field(() => String, {
    description: 'Stable diagnostic code, e.g. unknown-field, subscription-unknown-job.',
  })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Int)
  line!: number;

  @Field(() => Int)
  col!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Where in the document, e.g. stages[1].actions[0].jobs[2].timeout',
  })
  path?: string | undefined;
}

/** `latestVersion`, `versions`, `version` and `lastRun` are field resolvers. */
@ObjectType('Workflow')
export class WorkflowType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'namespace/repository/name' })
  uri!: string;

  @Field(() => String)
  organization!: string;

  @Field(() => String)
  repository!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  title?: string | undefined;

  @Field(() => DateTimeScalar)
  createdAt!: number;

  @Field(() => DateTimeScalar)
  updatedAt!: number;
}

@ObjectType('WorkflowVersion')
export class WorkflowVersionType {
  @Field(() => Int)
  number!: number;

  @Field(() => String)
  yaml!: string;

  @Field(() => JsonScalar, {
    description: 'The parsed, normalised definition (packages/core WorkflowDefinition).',
  })
  model!: unknown;

  @Field(() => DateTimeScalar)
  createdAt!: number;

  @Field(() => String)
  createdBy!: string;
}

@ObjectType('ValidationResult')
export class ValidationResultType {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => [DiagnosticType])
  diagnostics!: readonly DiagnosticType[];

  @Field(() => JsonScalar, { nullable: true })
  model?: unknown;
}

@ObjectType('ApplyWorkflowResult')
export class ApplyWorkflowResultType {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => [DiagnosticType])
  diagnostics!: readonly DiagnosticType[];

  @Field(() => WorkflowType, { nullable: true })
  workflow?: WorkflowType | undefined;

  @Field(() => WorkflowVersionType, { nullable: true })
  version?: WorkflowVersionType | undefined;

  @Field(() => Boolean, {
    description: 'False when the YAML equals the latest version (no new version was made).',
  })
  changed!: boolean;
}
