/** Webhook deliveries and run notifications: what triggers received and what notifiers sent. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfoType } from './run-types.js';
import { DateTimeScalar, JsonScalar } from './scalars.js';

@ObjectType('TriggerDelivery', {
  description: 'One request to /hooks/<trigger>/..., and what it did.',
})
export class TriggerDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The trigger plugin it was for (`github`, `generic`...).' })
  trigger!: string;

  @Field(() => DateTimeScalar)
  receivedAt!: number;

  @Field(() => String, {
    description: 'accepted, ignored, duplicate, rejected, failed or not-found.',
  })
  status!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'The (first) run it started; for a `duplicate`, the run the first copy started (when known).',
  })
  runId?: string | undefined;

  @Field(() => String, {
    nullable: true,
    description:
      'The workflow it was for (the first one it started or tried to); null when none was known.',
  })
  workflow?: string | undefined;

  @Field(() => ID, { nullable: true, description: 'For a redelivery: the delivery it repeated.' })
  redeliveryOf?: string | undefined;

  @Field(() => String, { nullable: true, description: 'For a redelivery: who asked for it.' })
  redeliveredBy?: string | undefined;

  @Field(() => String, {
    nullable: true,
    description: "The sender's delivery id (X-GitHub-Delivery...), when it sent one.",
  })
  deliveryId?: string | undefined;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was refused, or why an accepted delivery started nothing.',
  })
  message?: string | undefined;

  @Field(() => Int)
  payloadSize!: number;

  @Field(() => String, {
    description: 'SHA-256 of the body (the body itself is kept encrypted: see `request`).',
  })
  payloadSha256!: string;
}

@ObjectType('TriggerDeliveryRequest', {
  description:
    "A delivery's stored request. Credential headers (authorization, cookies, tokens) were never " +
    'stored; signature headers are kept for redelivery but their values are not shown.',
})
export class TriggerDeliveryRequestType {
  @Field(() => String)
  method!: string;

  @Field(() => String, { description: 'The path after /hooks/<trigger>.' })
  path!: string;

  @Field(() => JsonScalar, { description: 'Query parameters, name → value.' })
  query!: Record<string, string>;

  @Field(() => JsonScalar, { description: 'Headers, lower-case name → value.' })
  headers!: Record<string, string>;

  @Field(() => String, { description: 'The body as UTF-8 text.' })
  body!: string;
}

@ObjectType('TriggerDeliveryConnection')
export class TriggerDeliveryConnectionType {
  @Field(() => [TriggerDeliveryType])
  nodes!: TriggerDeliveryType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}

@ObjectType('RunNotification', { description: 'What became of one notification of a run.' })
export class RunNotificationType {
  @Field(() => String, { description: 'The receiver type (`mail`, `slack`...).' })
  receiverType!: string;

  @Field(() => String, { description: 'The run status it told (`running`, `succeeded`...).' })
  runStatus!: string;

  @Field(() => String, { description: '`delivered` or `failed` (after its retries).' })
  outcome!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'The last error, when it failed.' })
  error?: string | undefined;

  @Field(() => DateTimeScalar)
  at!: number;
}
