/** `triggerDeliveries` (site admins) and `Run.notifications`. */
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { checkName, checkRange } from '../input-rules.js';
import { RunType } from '../types/run-types.js';
import { RunNotificationType, TriggerDeliveryType } from '../types/trigger-notification-types.js';

@Resolver()
export class TriggerDeliveryResolver {
  @Query(() => [TriggerDeliveryType], {
    description: 'Site admin. The newest webhook deliveries first.',
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
    return rows.map((row) => ({
      id: row.id,
      trigger: row.triggerType,
      receivedAt: row.receivedAt,
      status: row.status,
      runId: row.runId ?? undefined,
      deliveryId: row.deliveryId ?? undefined,
      message: row.error ?? undefined,
      payloadSize: row.payloadSize,
      payloadSha256: row.payloadHash,
    }));
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
