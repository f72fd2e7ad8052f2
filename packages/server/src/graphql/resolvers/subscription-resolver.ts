/**
 * Live subscriptions: run updates, job logs and all events, each replaying from the client's last
 * seq and then following (the {@link LiveFeed} guarantees no gap and no duplicate).
 *
 * Access is checked before the stream opens, so a refused subscription gets one error with its
 * code (NOT_FOUND, FORBIDDEN) instead of an empty stream; the feed re-checks every event.
 */
import type { EngineEvent, JobLogLine } from '@containerops/core';
import { UserError } from '@containerops/core';
import type { SubscribeResolverData } from 'type-graphql';
import { Arg, Float, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import type { Principal } from '../../services/contracts.js';
import { ServerErrorCode } from '../../services/contracts.js';
import type { FeedFailure } from '../abortable-feed.js';
import { abortableFeed, unwrapFeedItem } from '../abortable-feed.js';
import type { GraphqlContext } from '../context.js';
import { requirePrincipal } from '../context.js';
import { InputLimits, checkName, checkRange, checkText, checkWorkflowUri } from '../input-rules.js';
import { toEvent, toLogLine } from '../mappers.js';
import { EventType, LogChunkType, RunUpdateType } from '../types/live-types.js';

interface RunUpdatesArgs {
  runId?: string | null;
  workflow?: string | null;
  organization?: string | null;
  afterSeq?: number | null;
}

interface JobLogArgs {
  runId: string;
  jobPath: string;
  attempt?: number | null;
  afterSeq?: number | null;
}

interface EventsArgs {
  afterSeq?: number | null;
  organization?: string | null;
}

type Data<A> = SubscribeResolverData<unknown, A, GraphqlContext>;

/** Viewer of `organization` (or site admin); an unknown organisation looks the same as a foreign one. */
function checkOrganizationAccess(p: Principal, organization: string): void {
  if (!p.siteAdmin && !p.roles.has(organization)) {
    throw new UserError(ServerErrorCode.forbidden, `You are not a member of ${organization}.`);
  }
}

async function checkRunVisible(ctx: GraphqlContext, p: Principal, runId: string): Promise<void> {
  const run = await ctx.services.runs.get(p, runId);
  if (run === undefined) throw new UserError(ServerErrorCode.notFound, `Run ${runId} not found.`);
}

function checkSeq(arg: string, value: number | null | undefined): number | undefined {
  return value == null ? undefined : checkRange(arg, value, 0, Number.MAX_SAFE_INTEGER);
}

async function subscribeRunUpdates({ args, context }: Data<RunUpdatesArgs>) {
  const p = requirePrincipal(context);
  const filter: { afterSeq?: number; runId?: string; workflow?: string; organization?: string } =
    {};
  const afterSeq = checkSeq('afterSeq', args.afterSeq);
  if (afterSeq !== undefined) filter.afterSeq = afterSeq;
  if (args.runId != null) {
    filter.runId = checkName('runId', args.runId);
    await checkRunVisible(context, p, filter.runId);
  }
  if (args.workflow != null) {
    filter.workflow = checkWorkflowUri('workflow', args.workflow);
    const workflow = await context.services.workflows.get(p, filter.workflow);
    if (workflow === undefined) {
      throw new UserError(ServerErrorCode.notFound, `Workflow ${filter.workflow} not found.`);
    }
  }
  if (args.organization != null) {
    filter.organization = checkName('organization', args.organization);
    checkOrganizationAccess(p, filter.organization);
  }
  return abortableFeed(
    (signal) => context.services.live.events(p, filter, signal),
    context.revoked,
  );
}

async function subscribeJobLog({ args, context }: Data<JobLogArgs>) {
  const p = requirePrincipal(context);
  const query: { runId: string; jobPath: string; attempt?: number; afterSeq?: number } = {
    runId: checkName('runId', args.runId),
    jobPath: checkText('jobPath', args.jobPath, InputLimits.uri),
  };
  if (args.attempt != null) query.attempt = checkRange('attempt', args.attempt, 1, 1_000_000);
  const afterSeq = checkSeq('afterSeq', args.afterSeq);
  if (afterSeq !== undefined) query.afterSeq = afterSeq;
  await checkRunVisible(context, p, query.runId);
  return abortableFeed((signal) => context.services.live.logs(p, query, signal), context.revoked);
}

async function subscribeEvents({ args, context }: Data<EventsArgs>) {
  const p = requirePrincipal(context);
  const filter: { afterSeq?: number; organization?: string } = {};
  const afterSeq = checkSeq('afterSeq', args.afterSeq);
  if (afterSeq !== undefined) filter.afterSeq = afterSeq;
  if (args.organization != null) {
    filter.organization = checkName('organization', args.organization);
    checkOrganizationAccess(p, filter.organization);
  }
  return abortableFeed(
    (signal) => context.services.live.events(p, filter, signal),
    context.revoked,
  );
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => RunUpdateType, {
    description:
      "Run updates for one run, a workflow's runs, or an organisation's: replays events with\nseq > afterSeq, then follows live. Without afterSeq: one run's updates from its start,\nseveral runs' live only.",
    subscribe: subscribeRunUpdates,
  })
  runUpdates(
    @Root() item: EngineEvent | FeedFailure,
    @Arg('runId', () => ID, { nullable: true }) _runId?: string,
    @Arg('workflow', () => String, { nullable: true }) _workflow?: string,
    @Arg('organization', () => String, { nullable: true }) _organization?: string,
    @Arg('afterSeq', () => Float, { nullable: true }) _afterSeq?: number,
  ): RunUpdateType {
    return { event: toEvent(unwrapFeedItem(item)) };
  }

  @Subscription(() => LogChunkType, {
    description:
      "One job attempt's log (default: the latest attempt): replays seq > afterSeq, then follows.",
    subscribe: subscribeJobLog,
  })
  jobLog(
    @Root() item: readonly JobLogLine[] | FeedFailure,
    @Arg('runId', () => ID) _runId: string,
    @Arg('jobPath', () => String) _jobPath: string,
    @Arg('attempt', () => Int, { nullable: true }) _attempt?: number,
    @Arg('afterSeq', () => Int, { nullable: true, defaultValue: 0 }) _afterSeq?: number,
  ): LogChunkType {
    return { lines: unwrapFeedItem(item).map(toLogLine) };
  }

  @Subscription(() => EventType, {
    description:
      'Every event the caller may view, replayed from afterSeq then live (without afterSeq: live only).',
    subscribe: subscribeEvents,
  })
  events(
    @Root() item: EngineEvent | FeedFailure,
    @Arg('afterSeq', () => Float, { nullable: true }) _afterSeq?: number,
    @Arg('organization', () => String, { nullable: true }) _organization?: string,
  ): EventType {
    return toEvent(unwrapFeedItem(item));
  }
}
