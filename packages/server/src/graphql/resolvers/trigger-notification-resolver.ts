/**
 * Webhook deliveries (`triggerDeliveries`, `triggerDeliveryPage`, `triggerDelivery`, the
 * admin-only `TriggerDelivery.request` and `redeliverTriggerDelivery`) and `Run.notifications`.
 * Who may see what is the delivery service's rule (triggers/deliveries.contract.ts).
 */
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { TriggerDeliveryRow } from '../../db/entities.js';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { InputLimits, checkName, checkRange, checkText, checkWorkflowUri } from '../input-rules.js';
import { RunType } from '../types/run-types.js';
import {
  RunNotificationType,
  TriggerDeliveryConnectionType,
  TriggerDeliveryRequestType,
  TriggerDeliveryType,
} from '../types/trigger-notification-types.js';

function toDelivery(row: TriggerDeliveryRow): TriggerDeliveryType {
  return {
    id: row.id,
    trigger: row.triggerType,
    receivedAt: row.receivedAt,
    status: row.status,
    runId: row.runId ?? undefined,
    deliveryId: row.deliveryId ?? undefined,
    message: row.error ?? undefined,
    payloadSize: row.payloadSize,
    payloadSha256: row.payloadHash,
    workflow: row.workflow ?? undefined,
    redeliveryOf: row.redeliveryOf ?? undefined,
    redeliveredBy: row.redeliveredBy ?? undefined,
  };
}

@Resolver(() => TriggerDeliveryType)
export class TriggerDeliveryResolver {
  @Query(() => [TriggerDeliveryType], {
    description: 'Site admin. The newest webhook deliveries first (see triggerDeliveryPage).',
  })
  async triggerDeliveries(
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('trigger', () => String, { nullable: true }) trigger: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TriggerDeliveryType[]> {
    const rows = await ctx.services.deliveries.recent(requirePrincipal(ctx), {
      limit: checkRange('first', first, 1, 500),
      ...(trigger == null ? {} : { trigger: checkName('trigger', trigger) }),
    });
    return rows.map(toDelivery);
  }

  @Query(() => TriggerDeliveryConnectionType, {
    description:
      'Webhook deliveries, newest first, optionally of one trigger plugin and/or workflow. Site ' +
      'admins see all; others those of workflows of organisations they can view.',
  })
  async triggerDeliveryPage(
    @Arg('first', () => Int, { defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null | undefined,
    @Arg('trigger', () => String, { nullable: true }) trigger: string | null | undefined,
    @Arg('workflow', () => String, { nullable: true }) workflow: string | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TriggerDeliveryConnectionType> {
    const page = await ctx.services.deliveries.list(requirePrincipal(ctx), {
      first: checkRange('first', first, 1, 200),
      ...(after == null ? {} : { after: checkText('after', after, InputLimits.name) }),
      ...(trigger == null ? {} : { trigger: checkName('trigger', trigger) }),
      ...(workflow == null ? {} : { workflow: checkWorkflowUri('workflow', workflow) }),
    });
    return {
      nodes: page.deliveries.map(toDelivery),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        ...(page.endCursor === undefined ? {} : { endCursor: page.endCursor }),
      },
    };
  }

  @Query(() => TriggerDeliveryType, {
    nullable: true,
    description: 'One webhook delivery; null when there is none the caller may see.',
  })
  async triggerDelivery(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TriggerDeliveryType | undefined> {
    const row = await ctx.services.deliveries.get(
      requirePrincipal(ctx),
      checkText('id', id, InputLimits.name),
    );
    return row === undefined ? undefined : toDelivery(row);
  }

  @FieldResolver(() => TriggerDeliveryRequestType, {
    nullable: true,
    description:
      'Site admin (others: FORBIDDEN). The stored request, decrypted; null when none was kept.',
  })
  async request(
    @Root() delivery: TriggerDeliveryType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TriggerDeliveryRequestType | undefined> {
    const view = await ctx.services.deliveries.request(requirePrincipal(ctx), delivery.id);
    return view === undefined
      ? undefined
      : { ...view, query: { ...view.query }, headers: { ...view.headers } };
  }

  @Mutation(() => TriggerDeliveryType, {
    description:
      'Site admin (others: FORBIDDEN). Sends the stored request through its trigger plugin again ' +
      'as a new delivery (redeliveryOf = id): the plugin checks it again, and an event whose run ' +
      'already started stays deduplicated (status duplicate, runId = that run). ' +
      'DELIVERY_NOT_REDELIVERABLE when no request was kept.',
  })
  async redeliverTriggerDelivery(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TriggerDeliveryType> {
    const result = await ctx.services.deliveries.redeliver(
      requirePrincipal(ctx),
      checkText('id', id, InputLimits.name),
    );
    return toDelivery(result.delivery);
  }
}

@Resolver(() => RunType)
export class RunNotificationFieldsResolver {
  @FieldResolver(() => [RunNotificationType], {
    description: "What became of the run's notifications (receivers:), oldest first.",
  })
  async notifications(
    @Root() run: RunType,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunNotificationType[]> {
    const rows = await ctx.services.notifications.ofRun(requirePrincipal(ctx), run.id);
    return rows.map((row) => ({
      receiverType: row.receiverType,
      runStatus: row.runStatus,
      outcome: row.outcome,
      attempts: row.attempts,
      error: row.error ?? undefined,
      at: row.at,
    }));
  }
}
