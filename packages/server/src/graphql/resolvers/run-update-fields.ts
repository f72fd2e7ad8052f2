/** RunUpdate.run: the run's state, read only when the client selects it. */
import { UserError } from '@containerops/core';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ServerErrorCode } from '../../services/contracts.js';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { toRun } from '../mappers.js';
import { RunUpdateType } from '../types/live-types.js';
import { RunType } from '../types/run-types.js';

@Resolver(() => RunUpdateType)
export class RunUpdateFieldsResolver {
  /**
   * Read fresh for every event (never from the operation cache: a subscription's context lives
   * as long as the subscription). The stored state is at least as new as the event; when the
   * replay is behind the live run it may already reflect later events (`lastSeq` says which).
   */
  @FieldResolver(() => RunType, { description: "The run's state after this event." })
  async run(@Root() update: RunUpdateType, @Ctx() ctx: GraphqlContext): Promise<RunType> {
    const record = await ctx.services.runs.get(requirePrincipal(ctx), update.event.runId);
    if (record === undefined) {
      throw new UserError(ServerErrorCode.notFound, `Run ${update.event.runId} not found.`);
    }
    return toRun(record);
  }
}
