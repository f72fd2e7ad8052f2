/**
 * Live feeds (contracts.ts `LiveFeed`): replay from the store, then follow, without a gap or a
 * duplicate across the switch-over. Events: subscribe to the {@link EventBus} first (buffering),
 * replay stored events with seq > afterSeq page by page, then drain the buffer skipping
 * seq ≤ the last delivered, then go on live. Logs: the log store's `follow`, batched by arrival,
 * ending once the job attempt has ended and its last line was delivered. A job path may name a
 * fan-out instance (`stage.action.job[shard=3]`): its events and lines carry that path, so it is
 * followed like any job. An instance's events are live-only (`EngineEvent.liveOnly`: the host
 * publishes them on the bus, the store never has them): one run's feed passes them on live, and
 * a replay gets the fan-out job's stored progress events, which carry what they changed.
 */
import { findJob, isTerminal } from '@containerops/core';
import type { EngineEvent, JobLogLine, RunStore } from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import { BatchQueue } from './async-queue.js';
import { hasRole, requireRole } from './authz.js';
import type { LiveFeed, Principal, RunService } from './contracts.js';
import { badInput, notFound } from './errors.js';
import type { EventBus } from './event-bus.js';
import type { RunScopes } from './run-scopes.js';

const REPLAY_PAGE = 1000;
/**
 * How far behind the current seq a feed over many runs may start: further back it would read
 * (and filter) the whole events table of every organisation for one client.
 */
export const MAX_MULTI_RUN_REPLAY = 10_000;

export interface LiveFeedDeps {
  readonly store: RunStore;
  /**
   * The highest stored seq: an event feed over many runs given no `afterSeq` starts after it
   * (live only) instead of replaying the whole history. Without it such a feed replays from 0.
   */
  readonly currentSeq?: () => Promise<number>;
  readonly bus: EventBus;
  readonly logs: LogStore;
  readonly scopes: RunScopes;
  readonly runs: RunService;
}

type EventFilter = { afterSeq?: number; runId?: string; workflow?: string; organization?: string };

export class ServerLiveFeed implements LiveFeed {
  constructor(private readonly deps: LiveFeedDeps) {}

  events(p: Principal, filter: EventFilter, signal: AbortSignal): AsyncIterable<EngineEvent> {
    if (filter.organization !== undefined) requireRole(p, filter.organization, 'viewer');
    if (filter.workflow !== undefined)
      requireRole(p, filter.workflow.split('/')[0] ?? '', 'viewer');
    return this.eventStream(p, filter, signal);
  }

  private async *eventStream(
    p: Principal,
    filter: EventFilter,
    signal: AbortSignal,
  ): AsyncGenerator<EngineEvent> {
    if (filter.runId !== undefined) {
      const scope = await this.deps.scopes.of(filter.runId);
      if (scope === undefined || !hasRole(p, scope.organization, 'viewer'))
        throw notFound(`no run ${filter.runId}`);
    }
    const buffer = new BatchQueue<EngineEvent>();
    const unsubscribe = this.deps.bus.subscribe((events) => buffer.push(...events));
    const onAbort = (): void => buffer.end();
    signal.addEventListener('abort', onAbort, { once: true });
    let last = filter.afterSeq ?? 0;
    const visible = async (e: EngineEvent): Promise<boolean> => {
      if (filter.runId !== undefined) return e.runId === filter.runId;
      const scope = await this.deps.scopes.of(e.runId);
      if (scope === undefined || !hasRole(p, scope.organization, 'viewer')) return false;
      if (filter.organization !== undefined && scope.organization !== filter.organization)
        return false;
      return filter.workflow === undefined || scope.workflow === filter.workflow;
    };
    try {
      // Subscribed first, so nothing committed from here on can be missed. One run's feed
      // replays from its start; a feed over many runs without a starting point is live only.
      // The replay stops at what the bus had published when this feed subscribed: later
      // events come from the buffer, in the bus's order. With replicas, the store may already
      // show a seq the bus has not published yet while a lower one (another replica's) is not
      // visible yet; replaying past the bus would skip that lower one for good.
      const upTo = this.deps.currentSeq === undefined ? undefined : await this.deps.currentSeq();
      if (filter.runId === undefined && upTo !== undefined) {
        const current = upTo;
        if (filter.afterSeq === undefined) last = current;
        else if (current - filter.afterSeq > MAX_MULTI_RUN_REPLAY) {
          throw badInput(
            `afterSeq ${filter.afterSeq} is more than ${MAX_MULTI_RUN_REPLAY} events behind ` +
              `(now ${current}): query the runs again, then subscribe from a recent seq (or without afterSeq: live only)`,
          );
        }
      }
      for (;;) {
        if (signal.aborted) return;
        const page = await this.deps.store.readEvents({
          afterSeq: last,
          limit: REPLAY_PAGE,
          ...(filter.runId === undefined ? {} : { runId: filter.runId }),
        });
        let caughtUp = page.length < REPLAY_PAGE;
        for (const e of page) {
          if (upTo !== undefined && e.seq > upTo) {
            caughtUp = true;
            break;
          }
          last = e.seq;
          if (await visible(e)) yield e;
          if (signal.aborted) return;
        }
        if (caughtUp) break;
      }
      for (;;) {
        const batch = await buffer.next();
        if (batch === undefined || signal.aborted) return;
        for (const e of batch) {
          if (e.liveOnly === true) {
            // A fan-out instance's transition (never stored, so never replayed): one run's feed
            // passes it on unless a stored event it already sent is newer (the event carries
            // the seq of its run's stored event before it); feeds over many runs, which no live
            // view of instances reads, leave it out.
            if (filter.runId !== undefined && e.runId === filter.runId && e.seq >= last) yield e;
            continue;
          }
          if (e.seq <= last) continue;
          last = e.seq;
          if (await visible(e)) yield e;
        }
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  }

  logs(
    p: Principal,
    query: { runId: string; jobPath: string; attempt?: number; afterSeq?: number },
    signal: AbortSignal,
  ): AsyncIterable<readonly JobLogLine[]> {
    return this.logStream(p, query, signal);
  }

  private async *logStream(
    p: Principal,
    query: { runId: string; jobPath: string; attempt?: number; afterSeq?: number },
    signal: AbortSignal,
  ): AsyncGenerator<readonly JobLogLine[]> {
    const run = await this.deps.runs.get(p, query.runId);
    if (run === undefined) throw notFound(`no run ${query.runId}`);
    // A job of the run's tree or an instance of one of its fan-outs (looked up among the
    // fan-out's running nodes and compact summaries: no instance list is read).
    const found = findJob(run.snapshot, query.jobPath);
    if (found === undefined) throw notFound(`run ${query.runId} has no job ${query.jobPath}`);
    const job = found.kind === 'job' ? found.job : found.instance;
    const attempt = query.attempt ?? Math.max(1, job.attempt);
    const queue = new BatchQueue<JobLogLine>();
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // The attempt has ended when a later event says so; the store holds every line by then
    // (the engine stores a job's lines before its next event), so the tail is read directly.
    const ended = (status: string, eventAttempt: number | undefined): boolean =>
      (eventAttempt ?? attempt) > attempt ||
      (status !== 'running' && status !== 'pending' && (eventAttempt ?? attempt) === attempt);
    let finished =
      isTerminal(run.snapshot.status) ||
      job.attempt > attempt ||
      (job.attempt === attempt && isTerminal(job.status));
    const unsubscribe = this.deps.bus.subscribe((events) => {
      for (const e of events) {
        if (e.runId !== query.runId) continue;
        const mine = e.scope === 'job' && e.path === query.jobPath && ended(e.status, e.attempt);
        if (mine || (e.scope === 'run' && isTerminal(e.status as never))) {
          finished = true;
          stop.abort();
        }
      }
    });
    let last = query.afterSeq ?? 0;
    const pump = (async () => {
      try {
        if (!finished) {
          for await (const line of this.deps.logs.follow(
            { ...query, attempt, afterSeq: last },
            stop.signal,
          )) {
            queue.push(line);
          }
        }
      } finally {
        queue.end();
      }
    })();
    try {
      for (;;) {
        const batch = await queue.next();
        if (batch === undefined) break;
        const fresh = batch.filter((l) => l.seq > last);
        if (fresh.length === 0) continue;
        last = fresh[fresh.length - 1]!.seq;
        yield fresh;
      }
      await pump;
      if (signal.aborted) return;
      // Ended: whatever the follow did not deliver yet is in the store.
      for (;;) {
        const tail = await this.deps.logs.read({
          runId: query.runId,
          jobPath: query.jobPath,
          attempt,
          afterSeq: last,
          limit: 5000,
        });
        if (tail.length === 0) break;
        last = tail[tail.length - 1]!.seq;
        yield tail;
      }
    } finally {
      unsubscribe();
      stop.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}
