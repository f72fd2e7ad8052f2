/** Webhook deliveries and run notifications: what triggers received and what notifiers sent. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars.js';

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

  @Field(() => ID, { nullable: true, description: 'The (first) run it started.' })
  runId?: string | undefined;

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

  @Field(() => String, { description: 'SHA-256 of the body (the body itself is not kept).' })
  payloadSha256!: string;
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
